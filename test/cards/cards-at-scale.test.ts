/**
 * Every card builder in cards/ at the largest sizes the shipped competition file (db/competitions/shanghai-2024.json)
 * allows: 20 units, 10 tracks, 2 projects per unit and track (400 projects), every reporting period, every text a
 * person types at its maximum length, the full award quota (30 collectives, 40 individuals) and ended nominations,
 * 5 judges per track, 3 contacts per unit.
 *
 * The season's data is test/support/season.ts: typed values are the worst case for the request body (4-byte UTF-8
 * characters, `"` and `\`, which JSON escapes twice), each starting with TYPED_MARK and a character of its own, so that
 * it is recognised wherever it lands; names from the competition file never carry the mark.
 *
 * The cards are the card gallery's at MAX_SIZE (test/support/card-gallery.ts, which builds every variant with every
 * page); only a few variants no other test needs are built here. Each card must hold `cardFaults` (the platform's
 * rules, the bot's budget, typed text never in markdown nor repeated per language, bold clear of Chinese). Paged cards
 * are walked by the offsets their own buttons carry, and every item must be on exactly one page; cards that cut a list
 * must say how many are left out.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ActionValue } from '../../cards/actions';
import { awardsCard, nominationForm, AWARDS_PAGE } from '../../cards/awards';
import { parseDecision, parseMaterials } from '../../cards/awards.form';
import { JUDGE_PAGE, type JudgeListItem } from '../../cards/judging';
import { parseRecusalReason, parseScoreSheet } from '../../cards/judging.form';
import { cardBytes, type Card } from '../../cards/kit';
import type { MembersView } from '../../cards/members';
import type { CrossRow } from '../../cards/rankings';
import { PROJECTS_PAGE } from '../../cards/registration';
import { parseProjectFields } from '../../cards/registration.form';
import type { OwedItem, ReminderView } from '../../cards/reminders';
import {
  OVERVIEW_UNITS_PAGE,
  PICKER_PAGE,
  reportsOverviewCard,
  TIMELINE_PAGE,
  type TimelineEntry,
} from '../../cards/reports';
import { periodOverview } from '../../src/features/reports/reporting.rules';
import { competitionFromJson } from '../../src/competition/loader';
import { periodWindows } from '../../src/core/periods';
import { parseReportFields, parseSelfEvaluation } from '../../cards/reports.form';
import type { AwardRow } from '../../cards/awards';
import { text, type Text } from '../../src/platform/i18n';
import {
  cardFaults,
  TYPED_MARK,
  buttonValues,
  nodesOf,
  says,
  stringsOf,
  tables,
  type Node,
} from '../support/card-checks';
import {
  awardSeason,
  awardSetting,
  cardGallery,
  GALLERY_BUILDERS,
  MAX_SIZE,
  pages,
  type AwardViewer,
  type GalleryCard,
} from '../support/card-gallery';
import { competition2024Json } from '../support/fixtures';
import { AWARD_LIMITS, LIMITS, REPORT_LIMITS, SCORE_LIMITS } from '../support/form-limits';
import {
  F,
  fullReport,
  len,
  links,
  ofTrack,
  ofUnit,
  PER_UNIT_TRACK,
  PERIODS,
  PROJECTS,
  RUBRIC,
  type SeasonProject,
  TRACKS,
  typed,
  UNITS,
  unitShort,
} from '../support/season';

// ── reading cards ──────────────────────────────────────────────────────────────────────────────────────────────────

const names = (card: Card) =>
  [
    ...nodesOf(card.body.elements, 'form'),
    ...nodesOf(card.body.elements, 'input'),
    ...nodesOf(card.body.elements, 'button'),
    ...nodesOf(card.body.elements, 'select_static'),
  ]
    .map((n) => n.name)
    .filter((n): n is string => typeof n === 'string');

/** Faults already reported in the running test: each distinct fault is reported once, and the test goes on. */
const reported = new Set<string>();
beforeEach(() => reported.clear());

/** The card holds `cardFaults`; a fault is a soft failure (reported once per test), so that every fault shows. */
function fine(card: Card, what = ''): void {
  const fresh = cardFaults(card).filter((f) => !reported.has(f));
  for (const f of fresh) reported.add(f);
  expect.soft(fresh, what).toEqual([]);
}

/**
 * Checks the pages of a paged card (walked from offset 0 by the offset of its own "next" button, a button whose value
 * has `a === action` and an offset `o` past the current one): each page shows an item, has one "next" button at most
 * and, past the first, one "previous" button; every key is on exactly one page. `itemsOf` narrows where a page's items
 * are looked for (by default the whole body).
 */
function checkPages(
  cards: readonly Card[],
  action: string,
  keys: readonly string[],
  itemsOf: (card: Card) => unknown = (card) => card.body.elements,
): { pages: number } {
  const seen = new Map(keys.map((k) => [k, 0]));
  let offset = 0;
  cards.forEach((card, i) => {
    const strings = stringsOf(itemsOf(card));
    const here = keys.filter((k) => strings.some((s) => s.includes(k)));
    expect(here.length, `page at offset ${offset} shows an item`).toBeGreaterThan(0);
    for (const k of here) seen.set(k, seen.get(k)! + 1);
    const offsets = buttonValues(card)
      .filter((v) => v.a === action && typeof v.o === 'number')
      .map((v) => v.o as number);
    const next = offsets.filter((o) => o > offset);
    const previous = offsets.filter((o) => o < offset);
    expect(next.length, `one next button at offset ${offset}`).toBeLessThanOrEqual(1);
    if (offset > 0) expect(previous.length, `one previous button at offset ${offset}`).toBe(1);
    if (i === cards.length - 1) expect(next, 'the last page has no next button').toEqual([]);
    offset = next[0] ?? offset;
  });
  expect(cards.length, 'pages end').toBeLessThanOrEqual(keys.length);
  const wrong = [...seen].filter(([, n]) => n !== 1).map(([k, n]) => `${[...k].slice(0, 3).join('')}… on ${n} pages`);
  expect(wrong, 'every item on exactly one page').toEqual([]);
  return { pages: cards.length };
}

// ── the gallery at max size ────────────────────────────────────────────────────────────────────────────────────────

const GALLERY = cardGallery(MAX_SIZE);

/** The gallery's cards of a builder (every page of a paged card), with the view they were built from. */
const shown = (builder: (typeof GALLERY_BUILDERS)[number]): GalleryCard[] =>
  GALLERY.filter((g) => g.builder === builder);

/** The gallery's variants of a paged builder: each variant's pages, in order, and its view. */
function paged(builder: (typeof GALLERY_BUILDERS)[number]): Array<{ what: string; view: unknown; cards: Card[] }> {
  const out = new Map<string, { what: string; view: unknown; cards: Card[] }>();
  for (const g of shown(builder)) {
    const what = g.what.replace(/ #\d+$/, '');
    if (!out.has(what)) out.set(what, { what, view: g.view, cards: [] });
    out.get(what)!.cards.push(g.card);
  }
  return [...out.values()];
}

describe('every card at the largest size', () => {
  it('every card of the gallery at max size (every builder, variant and page) holds cardFaults', () => {
    expect(new Set(GALLERY.map((g) => g.builder))).toEqual(new Set(GALLERY_BUILDERS));
    for (const g of GALLERY) fine(g.card, `${g.builder} (${g.what})`);
  });
});

// ── the file itself ────────────────────────────────────────────────────────────────────────────────────────────────

describe('the sizes are the largest the 2024 competition file allows', () => {
  it('20 units, 10 tracks, 2 projects per unit and track, eight periods; no file name carries the typed mark', () => {
    expect(UNITS).toHaveLength(20);
    expect(TRACKS).toHaveLength(10);
    expect(PER_UNIT_TRACK).toBe(2);
    expect(PROJECTS).toHaveLength(400);
    expect(PERIODS).toHaveLength(8);
    expect(F.awards).toEqual({ collectives: 30, individuals: 40 });
    expect(TRACKS.reduce((n, t) => n + t.quota.collectives, 0)).toBe(30);
    expect(TRACKS.reduce((n, t) => n + t.quota.individuals, 0)).toBe(40);
    expect(JSON.stringify(competition2024Json())).not.toContain(TYPED_MARK);
    expect(new Set(PROJECTS.map((p) => p.fields.name)).size).toBe(400);
  });

  it('the typed values are the longest the server accepts', () => {
    const p = PROJECTS[0]!.fields;
    expect(parseProjectFields({ ...p, phone: '' })).toMatchObject({ ok: true });
    expect([len(p.name), len(p.lead), len(p.summary), len(p.goals), len(p.phone)]).toEqual([
      LIMITS.name,
      LIMITS.lead,
      LIMITS.summary,
      LIMITS.goals,
      LIMITS.phone,
    ]);
    const r = fullReport();
    const checked = parseReportFields({
      work_done: r.workDone,
      results: r.results,
      completion: '100',
      evidence: r.evidence.join('\n'),
      problems: r.problems,
    });
    expect(checked).toMatchObject({ ok: true });
    expect(checked.ok && checked.value.evidence).toHaveLength(REPORT_LIMITS.links);
    expect(len(r.evidence.join('\n'))).toBeLessThanOrEqual(REPORT_LIMITS.evidence);
    expect(len(r.evidence.join('\n'))).toBeGreaterThan(REPORT_LIMITS.evidence - REPORT_LIMITS.links);
    const scores = Object.fromEntries(RUBRIC.map((x) => [`score_${x.code}`, String(x.max)]));
    expect(parseSelfEvaluation({ ...scores, justification: typed(REPORT_LIMITS.justification) }, RUBRIC)).toMatchObject(
      { ok: true },
    );
    expect(parseScoreSheet({ ...scores, comment: typed(SCORE_LIMITS.comment) }, RUBRIC)).toMatchObject({ ok: true });
    expect(parseRecusalReason({ reason: typed(SCORE_LIMITS.reason) })).toMatchObject({ ok: true });
    const m = parseMaterials({ materials: typed(AWARD_LIMITS.materials), links: links(AWARD_LIMITS.links).join('\n') });
    expect(m).toMatchObject({ ok: true });
    expect(parseDecision('reject', { note: typed(AWARD_LIMITS.note) })).toMatchObject({ ok: true });
    expect(len(typed(7))).toBe(7);
  });
});

// ── registration ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('registration cards at scale', () => {
  it('projectsCard: a contact with 20 projects pages through all of them (open and closed)', () => {
    const mine = ofUnit(UNITS[0]!.code);
    expect(mine).toHaveLength(20);
    const variants = paged('projectsCard');
    expect(variants.map((v) => v.what)).toEqual(['open', 'closed']);
    for (const { cards } of variants) {
      const { pages } = checkPages(
        cards,
        'reg.list',
        mine.map((p) => p.fields.name),
      );
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(20 / PROJECTS_PAGE));
    }
  });

  it('registrationsCard: 20 units × 10 tracks full, and nobody registered yet; says what the table leaves out', () => {
    const cards = shown('registrationsCard');
    expect(cards).toHaveLength(4);
    for (const { card } of cards) {
      const shownUnits = tables(card)[0]!.length - 1; // the total row
      expect(shownUnits).toBeGreaterThan(0);
      if (shownUnits < UNITS.length) expect(says(card, `表中列出前 ${shownUnits} 个单位`)).toBe(true);
    }
  });
});

// ── reports ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('report cards at scale', () => {
  it('projectPicker: a contact of one unit (20 projects) and of two (40), for reports and self-evaluation; says what it leaves out', () => {
    const cards = shown('projectPicker');
    expect(cards.map((g) => (g.view as SeasonProject[]).length)).toEqual([20, 20, 40, 40]);
    for (const { card, view } of cards) {
      const projects = view as SeasonProject[];
      const listed = projects.filter((p) => says(card, p.fields.name)).length;
      expect(listed).toBeGreaterThan(0);
      expect(listed).toBeLessThanOrEqual(PICKER_PAGE);
      if (listed < projects.length) expect(says(card, `还有 ${projects.length - listed} 个项目未列出`)).toBe(true);
    }
  });

  it('historyCard: a project with eight periods of 1,000-character reports shows its whole timeline across pages', () => {
    const timeline = paged('historyCard').find((v) => v.what === 'timeline')!;
    const entries = timeline.view as TimelineEntry[];
    expect(entries).toHaveLength(PERIODS.length);
    const { pages } = checkPages(
      timeline.cards,
      'rpt.history',
      entries.map((e) => e.latest!.workDone),
    );
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(PERIODS.length / TIMELINE_PAGE));
  });

  it('historyCard with guidance and files: every period is on a page; a period too long for them inline gives their counts and the buttons to their own cards', () => {
    const timeline = paged('historyCard').find((v) => v.what === 'timeline with guidance and files')!;
    const entries = timeline.view as TimelineEntry[];
    checkPages(
      timeline.cards,
      'rpt.history',
      entries.map((e) => e.latest!.workDone),
    );
    for (const card of timeline.cards) {
      const values = buttonValues(card);
      expect(values.some((v) => v.a === 'rpt.guidance')).toBe(true);
      expect(values.some((v) => v.a === 'rpt.files')).toBe(true);
    }
  });

  it('periodGuidanceCard, periodFilesCard, guidanceThreadCard: every comment, file and answer at its longest is on exactly one page', () => {
    const guidance = paged('periodGuidanceCard').find((v) => v.what === '12 comments in full')!;
    checkPages(
      guidance.cards,
      'rpt.guidance',
      (guidance.view as Array<{ body: string }>).map((t) => t.body),
    );
    const files = paged('periodFilesCard').find((v) => v.what.startsWith('50 files'))!;
    checkPages(
      files.cards,
      'rpt.files',
      (files.view as Array<{ name: string }>).map((f) => f.name),
    );
    const thread = paged('guidanceThreadCard').find((v) => v.what === '25 full answers')!;
    checkPages(
      thread.cards,
      'gd.thread',
      (thread.view as Array<{ body: string }>).map((a) => a.body),
    );
  });

  it('reportsOverviewCard: 400 projects all missing a period, for the office and a judge; says how many missing are not named', () => {
    const byId = new Map(PROJECTS.map((p) => [p.id, p]));
    const cards = shown('reportsOverviewCard');
    expect(cards).toHaveLength(PERIODS.length * 4);
    for (const { card, view } of cards) {
      const o = (view as { overview: ReturnType<typeof periodOverview> }).overview;
      expect(tables(card)[0]).toHaveLength(UNITS.length);
      const named = o.missing.filter((id) => says(card, byId.get(id)!.code)).length;
      if (named < o.missing.length) expect(says(card, `另有 ${o.missing.length - named} 个`)).toBe(true);
    }
  });

  // The schema allows 5,000 units (a province: bench/scale.ts loads 2,000) and 50 tracks. Names of the file at their
  // longest (20 characters for a unit's short name, 50 and 100 for a track's), of backslashes and double quotes: the
  // most bytes a name of that length can take in the request body (4 each in a table cell, up to 5 in markdown).
  for (const [units, tracks] of [
    [2000, 10],
    [5000, 10],
    [2000, 50],
  ] as const)
    it(`reportsOverviewCard: ${units.toLocaleString('en-US')} units and ${tracks} tracks with the longest names, two projects each per track, page through every unit with the whole period's totals on each page`, () => {
      const file = competition2024Json();
      const longest = (head: string, n: number) => (head + '\\"'.repeat(n)).slice(0, n);
      file.units = Array.from({ length: units }, (_, i) => ({
        code: `U${i}`,
        name: longest(`单位${i}`, 50),
        shortName: longest(`${i}`, 20),
        aliases: [],
      }));
      const base = file.tracks;
      file.tracks = Array.from({ length: tracks }, (_, i) => ({
        ...base[i % base.length],
        code: `T${i}`,
        name: longest(`赛道${i}`, 50),
        nameEn: longest(`Track ${i}`, 100),
      }));
      file.awards = {
        collectives: file.tracks.reduce(
          (n: number, t: { quota: { collectives: number } }) => n + t.quota.collectives,
          0,
        ),
        individuals: file.tracks.reduce(
          (n: number, t: { quota: { individuals: number } }) => n + t.quota.individuals,
          0,
        ),
      };
      file.people = [];
      const c = competitionFromJson(JSON.stringify(file));
      expect(c.file.units).toHaveLength(units);
      expect(Math.min(...c.file.units.map((u) => u.shortName.length))).toBe(20);
      const w = periodWindows(c).find((x) => x.code === '2024-09')!;
      // A third on time, a third late, a third missing; the period is over.
      const refs = c.file.units.flatMap((u) =>
        c.file.tracks.flatMap((t) =>
          [1, 2].map((k) => ({
            id: `${u.code}-${t.code}-${k}`,
            code: `2024-${t.code}-${u.code}-${k}`,
            unit: u.code,
            track: t.code,
            createdAt: 0,
          })),
        ),
      );
      const first = new Map(
        refs.flatMap((r, i) => (i % 3 === 2 ? [] : [[r.id, i % 3 ? w.dueAt + 1 : w.dueAt - 1] as const])),
      );
      const o = periodOverview(w, refs, first, w.dueAt + 86_400_000);
      const shortName = new Map(c.file.units.map((u) => [u.code, u.shortName]));
      const unitOf = new Map(refs.map((r) => [r.id, r.unit]));
      const view = {
        overview: o,
        units: c.file.units.map((u) => ({ code: u.code, name: u.shortName })),
        tracks: c.file.tracks,
        missingProjects: o.missing.map((id) => ({ code: id, unitName: shortName.get(unitOf.get(id)!)! })),
        otherPeriods: periodWindows(c).filter((x) => x.code !== w.code),
        guidance: new Map(c.file.tracks.map((t) => [t.code, { commented: 9999, awaiting: 9999 }])),
      };
      const cards = pages((offset) => reportsOverviewCard({ ...view, offset }), 'rpt.overview');
      for (const [i, card] of cards.entries()) fine(card, `page ${i + 1}`);
      const names = c.file.units.map((u) => u.shortName);
      const { pages: n } = checkPages(cards, 'rpt.overview', names, (card) => tables(card));
      expect(n).toBeGreaterThanOrEqual(Math.ceil(units / OVERVIEW_UNITS_PAGE));
      // Pages of one size, so that 上一页 goes back to the page before.
      const sizes = cards.map((card) => tables(card)[0]!.length);
      expect(new Set(sizes.slice(0, -1)).size).toBe(1);
      expect(sizes[0]).toBeGreaterThanOrEqual(10);
      for (const [i, card] of cards.entries())
        if (i > 0)
          expect(
            buttonValues(card).find(
              (v) => v.a === 'rpt.overview' && v.o !== undefined && (v.o as number) < i * sizes[0]!,
            )?.o,
          ).toBe((i - 1) * sizes[0]!);
      // The whole period's totals, on every page.
      const totals = `按时 ${o.total.onTime} · 逾期补报 ${o.total.late} · 缺报 ${o.total.missing}`;
      expect(o.total.missing).toBe(Math.floor((units * tracks * 2) / 3));
      for (const card of cards) expect(says(card, totals)).toBe(true);
      for (const card of cards) expect(says(card, `共 ${units} 个单位`)).toBe(true);
      const largest = Math.max(...cards.map(cardBytes));
      expect(largest).toBeLessThanOrEqual(28 * 1024);
    });

  it('scheduleCard: a contact of all 20 units, each owing every period of its 20 projects; says what it leaves out', () => {
    const cards = shown('scheduleCard');
    expect(cards).toHaveLength(3);
    for (const { card, view } of cards) {
      const units = (view as { owed?: Array<{ unitName: string; items: unknown[] }> }).owed ?? [];
      const listed = units.filter((u) => says(card, `**${u.unitName}`)).length;
      if (listed < units.length) expect(says(card, `另有 ${units.length - listed} 个单位未列出`)).toBe(true);
      for (const u of units.slice(0, listed))
        if (u.items.length > 12) expect(says(card, `…另有 ${u.items.length - 12} 项`)).toBe(true);
    }
  });
});

// ── reminders ──────────────────────────────────────────────────────────────────────────────────────────────────────

describe('reminder cards at scale', () => {
  it('reminderCard, groupReminderCard, escalationCard: a unit owing 20 project reports, 70 award materials, or a count', () => {
    const cards = [...shown('reminderCard'), ...shown('groupReminderCard'), ...shown('escalationCard')];
    // 3 kinds of items × 4 days × with and without a unit; the group reminder with and without contacts.
    expect(cards).toHaveLength(24 * 4);
    expect(new Set(cards.map((g) => (g.view as ReminderView).items.length))).toEqual(new Set([20, 70, 1]));
    for (const { card, view } of cards) {
      const { items } = view as ReminderView;
      if (items.length > 30) expect(says(card, `…另有 ${items.length - 30} 项`)).toBe(true);
    }
  });

  it('digestCard: 20 units each owing 20 reports, 50 judges, 20 units owing awards; says how many rows are not shown', () => {
    const cards = shown('digestCard');
    expect(cards).toHaveLength(4);
    for (const { card, view } of cards) {
      const missing = view as Array<{ items: OwedItem[] }>;
      const rows = tables(card)[0]!;
      expect(rows.length).toBeGreaterThan(0);
      if (rows.length < missing.length) expect(says(card, `另有 ${missing.length - rows.length} 个未列出`)).toBe(true);
      rows.forEach((r, i) => {
        const n = missing[i]!.items.length;
        if (n > 8) expect(String(r.items)).toContain(`…+${n - 8}`);
      });
    }
  });

  it('remindersPlanCard: 60 upcoming and 60 sent lines, every unit paused, or all; says how many lines are not shown', () => {
    const cards = shown('remindersPlanCard');
    expect(cards.map((g) => (g.view as { upcoming: unknown[] }).upcoming.length)).toEqual([60, 60, 0]);
    for (const { card, view } of cards) {
      const { upcoming } = view as { upcoming: unknown[] };
      if (upcoming.length > 40) expect(says(card, `…另有 ${upcoming.length - 40} 条`)).toBe(true);
    }
  });
});

// ── awards ─────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('award cards at scale', () => {
  const { quotas, window } = awardSetting(MAX_SIZE);
  const season = (viewer: AwardViewer, ended: number, placesLeft = 0) =>
    awardSeason(MAX_SIZE, viewer, ended, placesLeft);
  const allTracks = text('全部赛道', 'All tracks');
  const judgeScope = text(TRACKS.map((t) => t.code).join('、'), TRACKS.map((t) => t.code).join(', '));
  const page = (o: number): ActionValue => ({ a: 'award.list', o });

  function walkAwards(rows: AwardRow[], scope: Text, nominate: Array<{ track: string; left: number }>) {
    const cards = pages((offset) => awardsCard({ scope, quotas, rows, nominate, window, offset, page }), 'award.list');
    for (const [i, card] of cards.entries()) fine(card, `page ${i + 1}`);
    const { pages: n } = checkPages(
      cards,
      'award.list',
      rows.map((r) => r.nominee),
    );
    expect(n).toBeGreaterThanOrEqual(Math.ceil(rows.length / AWARDS_PAGE));
  }

  it('awardsCard: a judge of every track and the office see the 70 nominations of the full quota, each with their buttons', () => {
    const judge = season('judge', 0);
    const office = season('office', 0);
    expect(judge).toHaveLength(70);
    walkAwards(judge, judgeScope, []);
    walkAwards(office, allTracks, []);
  });

  it('awardsCard: the office, a leader, a contact and someone holding every role, with 30 ended nominations besides', () => {
    for (const viewer of ['office', 'leader', 'contact', 'all'] as const) {
      const rows = season(viewer, 3);
      expect(rows).toHaveLength(100);
      walkAwards(
        rows,
        viewer === 'contact'
          ? text(UNITS.map((u) => u.shortName).join('、'), UNITS.map((u) => u.shortName).join(', '))
          : allTracks,
        viewer === 'all' ? TRACKS.map((t) => ({ track: t.code, left: 7 })) : [],
      );
    }
  });

  it('awardsCard: a judge of every track with a place left in each, nominate buttons on the first page', () => {
    const rows = season('judge', 3, 1);
    walkAwards(
      rows,
      judgeScope,
      TRACKS.map((t) => ({ track: t.code, left: 1 })),
    );
    fine(
      awardsCard({
        scope: judgeScope,
        quotas,
        rows: [],
        nominate: TRACKS.map((t) => ({ track: t.code, left: 7 })),
        window,
        page,
      }),
      'no nominations yet',
    );
  });

  it("nominationForm: every project of a track but the judge's own unit, ranked", () => {
    const cards = shown('nominationForm');
    // Every track, with its full quota left and with one individual place left.
    expect(cards).toHaveLength(TRACKS.length * 2);
    expect(cards.filter((g) => g.what.endsWith(', 0 + 1 left'))).toHaveLength(TRACKS.length);
    for (const { view } of cards) expect(view).toHaveLength(38);
  });

  it('nominationForm: a file with 1,000 projects in a track lists the best ranked that fit, and says so', () => {
    const t = TRACKS[0]!;
    const base = ofTrack(t.code)[0]!;
    const projects = Array.from({ length: 1000 }, (_, i) => ({
      id: `prj_${i}`,
      code: `2024-${t.code}-U${i}-1`,
      name: base.fields.name,
      unitName: unitShort(base.unit),
      rank: i + 1,
    }));
    const form = nominationForm({
      track: t.code,
      trackName: t.name,
      trackNameEn: t.nameEn,
      left: { collective: 3, individual: 4 },
      projects,
    });
    fine(form);
    const options = nodesOf(form.body.elements, 'select_static').find((x) => x.name === 'project')!.options as Node[];
    expect(options.length).toBeGreaterThan(10);
    expect(options.length).toBeLessThan(1000);
    expect((options[0]!.text as Node).content).toContain('#1 · ');
    expect(says(form, `下拉框列出排名靠前的 ${options.length} 个（共 1000 个）`)).toBe(true);
  });

  it('materialsForm has unique names and fits, pre-filled with the longest materials and ten links', () => {
    const cards = shown('materialsForm');
    expect(cards).toHaveLength(4);
    for (const { card } of cards) {
      const n = names(card);
      expect(n.length).toBeGreaterThan(0);
      expect(new Set(n).size, `names ${n.join(', ')}`).toBe(n.length);
    }
  });

  it('announcementCard: 30 collectives and 40 individuals approved; says how many are not listed', () => {
    const [{ card }] = shown('announcementCard') as [GalleryCard];
    const [collectives, individuals] = tables(card);
    for (const [listed, all] of [
      [collectives!.length, 30],
      [individuals!.length, 40],
    ] as const) {
      expect(listed).toBeGreaterThan(0);
      if (listed < all) expect(says(card, `另有 ${all - listed} 个未列出`)).toBe(true);
    }
  });
});

// ── judging ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('judging cards at scale', () => {
  it('judgeListCard: a judge of one track (40 projects) and of every track (400) pages through all of them', () => {
    const variants = paged('judgeListCard');
    expect(variants.map((v) => (v.view as JudgeListItem[]).length)).toEqual([40, 40, 40, 400, 400, 400]);
    for (const { cards, view } of variants) {
      const items = view as JudgeListItem[];
      const { pages } = checkPages(
        cards,
        'judge.list',
        items.map((x) => x.name),
      );
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(items.length / JUDGE_PAGE));
    }
  });
});

// ── rankings ───────────────────────────────────────────────────────────────────────────────────────────────────────

describe('ranking cards at scale', () => {
  it('trackRankingCard: every track, published and live, pages through every ranked project and lists the unscored ones once', () => {
    const variants = paged('trackRankingCard');
    // Every track, with every project scored and with two unscored, published and live.
    expect(variants).toHaveLength(TRACKS.length * 4);
    for (const { cards, view } of variants) {
      expect(view).toHaveLength(ofTrack(TRACKS[0]!.code).length);
      checkPages(cards, 'rank.track', view as string[]);
    }
  });

  it('rankingsOverviewCard: 10 tracks, 20 units and 400 projects, published and live, pages through every project', () => {
    const variants = paged('rankingsOverviewCard');
    expect(variants.map((v) => v.what)).toEqual(['published', 'live']);
    for (const { cards, view } of variants) {
      const entries = view as CrossRow[];
      expect(entries).toHaveLength(400);
      checkPages(
        cards,
        'rank.overview',
        entries.map((e) => e.name),
        (card) => tables(card),
      );
    }
  });

  it('participationCard: registration, implementation and judging digests of the full season; says which units the tables leave out', () => {
    const cards = shown('participationCard');
    // Every unit registered and none, three kinds, with a note and without.
    expect(cards).toHaveLength(12);
    for (const { card } of cards) {
      const unitTables = tables(card).filter((rows) => rows.some((r) => 'unit' in r));
      for (const rows of unitTables) {
        const listed = rows.filter((r) => r.unit !== '合计 Total').length;
        if (listed < UNITS.length) expect(says(card, `只列出前 ${listed} 个单位，共 ${UNITS.length} 个`)).toBe(true);
      }
    }
  });
});

// ── members ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('members card at scale', () => {
  it('membersCard: 3 contacts a unit, 5 judges a track, unit leaders and orphans; says which rows are left out', () => {
    const cards = shown('membersCard');
    expect(cards).toHaveLength(3);
    for (const { card, view: v } of cards) {
      const view = v as MembersView;
      const [units, tracks, unitLeaders, orphans] = tables(card);
      for (const [rows, all] of [
        [units, view.units.length],
        [tracks, view.tracks.length],
        [unitLeaders, view.unitLeaders.length],
        [orphans, view.orphans.length],
      ] as const) {
        if (!rows) continue;
        if (rows.length < all) expect(says(card, `只列出前 ${rows.length} 行，共 ${all} 行`)).toBe(true);
      }
    }
  });
});
