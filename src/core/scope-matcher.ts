/**
 * What the office types after a command (`黄浦区`, `黄浦区城管执法局`, `HP`, `法治建设`, `T2`, `Rule of law`) → the
 * unit or track it means, as a pure function. People write names in many ways: full or short, with or without the
 * administrative suffix (区, 城管执法局, 赛道), in full-width characters, in any case. When the text could mean several
 * units, or none, the answer says which ones it could be, so that the office can be exact the second time.
 */

export interface UnitNames {
  code: string;
  name: string;
  shortName: string;
  aliases: readonly string[];
}

export interface TrackNames {
  code: string;
  name: string;
  nameEn: string;
}

export type Match<T> =
  /** `partial`: found as a part of a name, or a name inside the text, rather than as a whole name. */
  | { kind: 'one'; item: T; partial?: boolean }
  /** The text fits several: say which. */
  | { kind: 'many'; query: string; candidates: T[] }
  /** Nothing fits (candidates: the near misses, possibly none). */
  | { kind: 'none'; query: string; candidates: T[] };

/** NFKC folds full-width forms; case and every space are ignored. */
export function normaliseName(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u200b-\u200d\ufeff]+/g, '');
}

/**
 * Endings that do not tell units apart (every district bureau is a 区城管执法局). Longest first; several may be taken
 * off in turn (浦东新区城管执法局 → 浦东新区 → 浦东), never all of the name (执法总队 stays itself).
 */
const UNIT_SUFFIXES = [
  '综合执法大队',
  '城管执法局',
  '执法大队',
  '执法支队',
  '执法总队',
  '城管局',
  '执法局',
  '新片区',
  '新区',
  '地区',
  '大队',
  '支队',
  '城管',
  '区',
];
const TRACK_SUFFIXES = ['赛道', 'track'];

export function stem(normalised: string, suffixes: readonly string[]): string {
  let s = normalised;
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of suffixes) {
      if (s.length > suffix.length && s.endsWith(suffix)) {
        s = s.slice(0, -suffix.length);
        changed = true;
        break;
      }
    }
  }
  return s;
}

/** How much a text says: a Chinese character counts two, anything else one. */
const weight = (s: string): number =>
  [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uf900-\ufaff]/.test(ch) ? 2 : 1), 0);

interface Matcher<T> {
  /** The code, compared exactly (case aside) and never as a part of a longer text. */
  code(item: T): string;
  names(item: T): readonly string[];
  suffixes: readonly string[];
  /** An extra exact reading of the code (T2 and 2 for T02). */
  codeAlike?(query: string, item: T): boolean;
}

function match<T>(items: readonly T[], query: string, m: Matcher<T>): Match<T> {
  const q = normaliseName(query);
  if (!q) return { kind: 'none', query, candidates: [] };
  const pick = (test: (item: T) => boolean): T[] => items.filter(test);
  const decide = (found: T[]): Match<T> | undefined =>
    found.length === 1
      ? { kind: 'one', item: found[0]! }
      : found.length > 1
        ? { kind: 'many', query, candidates: found }
        : undefined;

  // 1. The code, or a name exactly as written.
  const exact = pick(
    (it) =>
      normaliseName(m.code(it)) === q ||
      (m.codeAlike?.(q, it) ?? false) ||
      m.names(it).some((n) => normaliseName(n) === q),
  );
  const byExact = decide(exact);
  if (byExact) return byExact;

  // 2. The same name once the common endings are off (黄浦区 = 黄浦区城管执法局 = 黄浦).
  const qs = stem(q, m.suffixes);
  const stems = (it: T) => m.names(it).map((n) => stem(normaliseName(n), m.suffixes));
  const byStem = decide(pick((it) => stems(it).includes(qs)));
  if (byStem) return byStem;

  // 3. Part of a name (法治 → 法治建设), or a longer text that contains a name (上海市黄浦区城管执法局). Accepted alone only
  //    when it is unambiguous and says enough: two Chinese characters or three letters (黄 or "of" bind nobody).
  const partial = pick((it) => stems(it).some((n) => n.includes(qs) || (weight(n) >= 4 && qs.includes(n))));
  if (partial.length === 1 && weight(qs) >= 3) return { kind: 'one', item: partial[0]!, partial: true };
  if (partial.length >= 1) return { kind: 'many', query, candidates: partial };
  return { kind: 'none', query, candidates: [] };
}

const unitMatcher: Matcher<UnitNames> = {
  code: (u) => u.code,
  names: (u) => [u.name, u.shortName, ...u.aliases],
  suffixes: UNIT_SUFFIXES,
};

/** T2, t02 and 2 all mean T02. */
const trackNumber = (s: string): number | undefined => {
  const m = /^t?0*(\d{1,3})$/i.exec(s);
  return m ? Number(m[1]) : undefined;
};

const trackMatcher: Matcher<TrackNames> = {
  code: (t) => t.code,
  names: (t) => [t.name, t.nameEn],
  suffixes: TRACK_SUFFIXES,
  codeAlike: (q, t) => {
    const n = trackNumber(q);
    return n !== undefined && n === trackNumber(t.code);
  },
};

export const matchUnit = <U extends UnitNames>(units: readonly U[], query: string): Match<U> =>
  match(units, query, unitMatcher as Matcher<U>);
export const matchTrack = <T extends TrackNames>(tracks: readonly T[], query: string): Match<T> =>
  match(tracks, query, trackMatcher as Matcher<T>);

export type ManyMatch<T> =
  | { ok: true; items: T[] }
  | { ok: false; problems: Array<Exclude<Match<T>, { kind: 'one' }>> };

/**
 * Several names in one text (`T02 T03`, `法治建设、数字化转型`). The whole text is tried first, so that names with spaces
 * in them (`Rule of law`) still match; then each part, split at commas, 、, semicolons or spaces.
 */
export function matchSeveral<T>(
  items: readonly T[],
  query: string,
  one: (items: readonly T[], q: string) => Match<T>,
): ManyMatch<T> {
  const whole = one(items, query);
  if (whole.kind === 'one' && !whole.partial) return { ok: true, items: [whole.item] };
  const normalised = query.normalize('NFKC').trim();
  const parts = (/[,;、]/.test(normalised) ? normalised.split(/\s*[,;、]\s*/) : normalised.split(/\s+/)).filter(
    Boolean,
  );
  const results = parts.length >= 2 ? parts.map((p) => one(items, p)) : [];
  const problems = results.filter((r): r is Exclude<Match<T>, { kind: 'one' }> => r.kind !== 'one');
  // `法治建设 T03` contains the name 法治建设, but its parts say more: two tracks.
  if (results.length && !problems.length)
    return { ok: true, items: [...new Set(results.map((r) => (r as { item: T }).item))] };
  if (whole.kind === 'one') return { ok: true, items: [whole.item] };
  return { ok: false, problems: problems.length ? problems : [whole] };
}
