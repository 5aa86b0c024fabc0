/**
 * A full season of the 2024 competition file (db/competitions/shanghai-2024.json) at the largest sizes it allows, with
 * every value a person types at its longest: the data of the cards-at-scale tests (test/cards/cards-at-scale.test.ts)
 * and of the card gallery (card-gallery.ts) that renders every card.
 *
 * Typed values are the worst case for the request body: 4-byte UTF-8 characters (CJK extension B) and `"` and `\`,
 * which JSON escapes twice once the card sits inside `content`. Each starts with TYPED_MARK and a character of its
 * own, so that it is recognised wherever it lands; names from the competition file never carry the mark.
 */
import { text, type Text } from '../../src/platform/i18n';
import type { JudgedProject } from '../../cards/judging';
import type { ProjectView } from '../../cards/registration';
import type { ProjectLabel } from '../../cards/reports';
import { projectCode, type ProjectFields } from '../../src/core/projects';
import { TYPED_MARK } from './card-checks';
import { competition2024 } from './fixtures';
import { LIMITS, REPORT_LIMITS } from './form-limits';

// ── the competition file ───────────────────────────────────────────────────────────────────────────────────────────

export const c = competition2024();
export const F = c.file;
export const UNITS = F.units;
export const TRACKS = F.tracks;
export const PERIODS = c.periods;
export const STAGES = c.stages;
export const RUBRIC = F.rubric;
export const PER_UNIT_TRACK = F.projectsPerUnitPerTrack;
export const RUBRIC_MAX = RUBRIC.reduce((n, r) => n + r.max, 0);
export const JUDGES_PER_TRACK = 5;
export const CONTACTS_PER_UNIT = 3;
/** Lark display names (what the bot shows for a person) and group names, at the longest we allow for. */
export const DISPLAY_NAME = 30;
export const CHAT_NAME = 60;
export const unitShort = (code: string) => UNITS.find((u) => u.code === code)!.shortName;
export const periodText = (p: { name: string; nameEn: string }): Text => text(p.name, p.nameEn);

// ── typed values: the worst case for bytes, each recognisable ──────────────────────────────────────────────────────

/** 4 bytes each in the request body: a CJK extension B character, and `"` and `\` (escaped twice). */
export const FILL = ['𠀀', '"', '\\'];
let serial = 0;
/** How many typed values were made so far (ids made from it differ between calls). */
export const typedSoFar = (): number => serial;
/** A character no other typed value starts with (CJK extension B, 4 bytes too). */
export const own = () => String.fromCodePoint(0x20001 + serial++);

/** A value a person typed: exactly `length` characters (code points), TYPED_MARK first, then its own character. */
export function typed(length: number): string {
  const chars = [TYPED_MARK, own()];
  for (let i = 0; chars.length < length; i++) chars.push(FILL[i % FILL.length]!);
  return chars.slice(0, length).join('');
}

/**
 * `count` http(s) links, one a line, as long as a `max`-character field allows; the mark is in each path (a link has
 * to start with its scheme).
 */
export function links(max: number, count = REPORT_LIMITS.links): string[] {
  const each = Math.floor((max - (count - 1)) / count);
  return Array.from({ length: count }, () => {
    const head = ['h', 't', 't', 'p', 's', ':', '/', '/', 'a', '.', 'c', 'n', '/', TYPED_MARK, own()];
    for (let i = 0; head.length < each; i++) head.push(FILL[i % FILL.length]!);
    return head.join('');
  });
}

export const len = (s: string) => [...s].length;

// ── the data of a full season ──────────────────────────────────────────────────────────────────────────────────────

export interface SeasonProject {
  id: string;
  code: string;
  unit: string;
  track: string;
  fields: ProjectFields;
}

export const PROJECTS: SeasonProject[] = UNITS.flatMap((u) =>
  TRACKS.flatMap((t) =>
    Array.from({ length: PER_UNIT_TRACK }, (_, k) => ({
      id: `prj_${`${t.code}${u.code}${k + 1}`.padEnd(20, 'x')}`,
      code: projectCode(F.codePrefix, t.code, u.code, k + 1),
      unit: u.code,
      track: t.code,
      fields: {
        name: typed(LIMITS.name),
        lead: typed(LIMITS.lead),
        summary: typed(LIMITS.summary),
        goals: typed(LIMITS.goals),
        phone: typed(LIMITS.phone),
      },
    })),
  ),
);
export const ofUnit = (unit: string) => PROJECTS.filter((p) => p.unit === unit);
export const ofTrack = (track: string) => PROJECTS.filter((p) => p.track === track);
export const trackOf = (code: string) => TRACKS.find((t) => t.code === code)!;

export const projectView = (p: SeasonProject): ProjectView => ({
  ...p.fields,
  id: p.id,
  code: p.code,
  track: p.track,
  trackName: trackOf(p.track).name,
  trackNameEn: trackOf(p.track).nameEn,
});
export const projectLabel = (p: SeasonProject): ProjectLabel => ({
  id: p.id,
  code: p.code,
  name: p.fields.name,
  trackName: trackOf(p.track).name,
  trackNameEn: trackOf(p.track).nameEn,
  unitName: unitShort(p.unit),
});
export const judged = (p: SeasonProject): JudgedProject => ({
  id: p.id,
  code: p.code,
  name: p.fields.name,
  unitName: unitShort(p.unit),
  trackName: text(trackOf(p.track).name, trackOf(p.track).nameEn),
});

export const fullReport = () => ({
  workDone: typed(REPORT_LIMITS.workDone),
  results: typed(REPORT_LIMITS.results),
  completion: 100,
  evidence: links(REPORT_LIMITS.evidence),
  problems: typed(REPORT_LIMITS.problems),
});

export const person = (): string => typed(DISPLAY_NAME);
export const openId = (i: number) => `ou_${String(i).padStart(32, '0')}`;
