import { describe, expect, it } from 'vitest';
import { card, CARD_BUDGET, cardBytes, fitCard, fitsBudget, markdown, type Card } from '../../../cards/kit';
import { text } from '../../../src/platform/i18n';
import {
  judgingProgress,
  judgingWindow,
  scoringClosed,
  sheetState,
  tallyStates,
} from '../../../src/features/scoring/scoring.rules';
import { parseRecusalReason, parseScoreSheet } from '../../../cards/judging.form';
import { computeTrackRanking, rankingParameters } from '../../../src/features/rankings/rankings.method';
import { liveTracks, rankingSeed, rankingView, trackRankingInput } from '../../../src/features/rankings/rankings.rules';
import { digestKind, dueDigestSlot, DIGEST_GRACE_MS } from '../../../src/features/summaries/summaries.rules';
import type { Roles } from '../../../src/core/roles';
import { at, competition2024 } from '../../support/fixtures';
import { unitsOfPeople } from '../../../src/core/roles';

const c = competition2024();
const rubric = c.file.rubric;
const sheet = (over: Record<string, unknown> = {}) => ({
  score_effectiveness: '20',
  score_results: '21',
  score_feasibility: '18',
  score_exemplary: '15',
  comment: '数据扎实',
  ...over,
});

describe('the judging window', () => {
  it('opens with the evaluation stage and closes at the end of the judging-close day, in Shanghai', () => {
    const w = judgingWindow(c);
    expect(w).toMatchObject({ opens: '2024-11-01', closes: '2024-11-29' });
    expect(w.opensAt).toBe(at('2024-11-01 00:00:00'));
    expect(w.closesAt).toBe(at('2024-11-30 00:00:00'));
    expect(scoringClosed(w, at('2024-10-31 23:59:59'))?.zh).toContain('2024-11-01 才开始');
    expect(scoringClosed(w, at('2024-11-01 00:00:00'))).toBeUndefined();
    expect(scoringClosed(w, at('2024-11-29 23:59:59'))).toBeUndefined();
    expect(scoringClosed(w, at('2024-11-30 00:00:00'))?.en).toContain('closed at the end of 2024-11-29');
  });

  it('without a judging-close milestone, scoring runs to the end of the evaluation stage', () => {
    const w = judgingWindow(
      competition2024((f) => (f.milestones = f.milestones.filter((m: { code: string }) => m.code !== 'judging-close'))),
    );
    expect(w.closes).toBe('2024-12-31');
    expect(w.closesAt).toBe(at('2025-01-01 00:00:00'));
  });
});

describe('score sheets and recusals', () => {
  it('takes a whole number 0..max per criterion (full-width digits too) and a comment', () => {
    expect(parseScoreSheet(sheet({ score_exemplary: '１５' }), rubric)).toEqual({
      ok: true,
      value: { scores: { effectiveness: 20, results: 21, feasibility: 18, exemplary: 15 }, comment: '数据扎实' },
    });
    expect(parseScoreSheet(sheet({ score_results: '0', score_feasibility: '25' }), rubric).ok).toBe(true);
  });

  it('names every problem at once: missing, out of range, not whole, no comment, too long', () => {
    const bad = parseScoreSheet(
      sheet({
        score_effectiveness: '',
        score_results: '26',
        score_feasibility: '12.5',
        score_exemplary: '-1',
        comment: '',
      }),
      rubric,
    );
    expect(bad.ok).toBe(false);
    const zh = !bad.ok ? bad.problems.map((p) => p.zh) : [];
    expect(zh).toEqual([
      '请给「成效」打分',
      '「实绩」请填 0 到 25 的整数（现在是「26」）',
      '「可行性」请填 0 到 25 的整数（现在是「12.5」）',
      '「示范性」请填 0 到 25 的整数（现在是「-1」）',
      '请写一句简短评语（依据哪些成效和数据）',
    ]);
    const long = parseScoreSheet(sheet({ comment: '评'.repeat(501) }), rubric);
    expect(!long.ok && long.problems[0]!.en).toBe('Comment: at most 500 characters (now 501)');
  });

  it('a recusal needs a one-sentence reason', () => {
    expect(parseRecusalReason({ reason: '  与项目负责人\n有亲属关系 ' })).toEqual({
      ok: true,
      value: '与项目负责人 有亲属关系',
    });
    expect(parseRecusalReason({ reason: ' ' }).ok).toBe(false);
    expect(parseRecusalReason({ reason: 'x'.repeat(201) }).ok).toBe(false);
  });

  it('a judge belongs to the unit the file gives them and to the units they are a contact of', () => {
    const units = unitsOfPeople([
      { openId: 'ou_a', role: 'judge', scope: 'T02' },
      { openId: 'ou_a', role: 'judge_unit', scope: 'HP' },
      { openId: 'ou_b', role: 'contact', scope: 'JA' },
      { openId: 'ou_c', role: 'leader', scope: '' },
    ]);
    expect([...units].map(([k, v]) => [k, [...v]])).toEqual([
      ['ou_a', ['HP']],
      ['ou_b', ['JA']],
    ]);
  });

  it('own unit wins over anything stored; states tally', () => {
    expect(sheetState(undefined, false)).toBe('todo');
    expect(sheetState({ recused: false }, false)).toBe('scored');
    expect(sheetState({ recused: true }, false)).toBe('recused');
    expect(sheetState({ recused: false }, true)).toBe('own-unit');
    expect(tallyStates(['todo', 'scored', 'scored', 'own-unit', 'recused'])).toEqual({
      scored: 2,
      recused: 1,
      ownUnit: 1,
      todo: 1,
    });
  });

  it('judging progress counts sheets of current judges on projects not of their own unit', () => {
    const progress = judgingProgress({
      tracks: ['T01', 'T02'],
      projects: [
        { id: 'p1', unit: 'HP', track: 'T02' },
        { id: 'p2', unit: 'JA', track: 'T02' },
        { id: 'p3', unit: 'PD', track: 'T02' },
      ],
      judges: [
        { openId: 'j1', track: 'T02' },
        { openId: 'j2', track: 'T02' },
      ],
      unitsOf: new Map([['j1', new Set(['HP'])]]),
      sheets: [
        { judge: 'j1', projectId: 'p2' },
        { judge: 'j1', projectId: 'p1' }, // own unit: neither expected nor counted
        { judge: 'j2', projectId: 'p1' },
        { judge: 'gone', projectId: 'p3' },
      ],
    });
    expect(progress).toEqual([
      { track: 'T01', judges: 0, done: 0, expected: 0 },
      { track: 'T02', judges: 2, done: 2, expected: 5 },
    ]);
  });
});

const roles = (over: Partial<Roles> = {}): Roles => ({
  office: false,
  leader: false,
  contactOf: [],
  judgeOf: [],
  ...over,
});

describe('who sees which ranking where', () => {
  const base = { chatType: 'p2p' as const, track: undefined, published: false, scoringOpened: true };

  it('once published, everyone asking sees the published rankings, in any chat', () => {
    for (const r of [roles({ contactOf: ['HP'] }), roles({ judgeOf: ['T02'] }), roles({ office: true })]) {
      expect(rankingView({ ...base, roles: r, published: true, chatType: 'group' })).toBe('published');
      expect(rankingView({ ...base, roles: r, published: true, track: 'T05' })).toBe('published');
    }
  });

  it('before publication, never a score in a group, whatever the role', () => {
    for (const r of [
      roles({ office: true }),
      roles({ leader: true }),
      roles({ judgeOf: ['T02'] }),
      roles({ contactOf: ['HP'] }),
    ]) {
      expect(rankingView({ ...base, roles: r, chatType: 'group' })).toBe('participation');
      expect(rankingView({ ...base, roles: r, chatType: 'group', track: 'T02' })).toBe('participation');
    }
  });

  it('live standings one-to-one: office and leaders every track, judges their own, contacts none; not before scoring opens', () => {
    expect(rankingView({ ...base, roles: roles({ office: true }), track: 'T05' })).toBe('live');
    expect(rankingView({ ...base, roles: roles({ leader: true }) })).toBe('live');
    expect(rankingView({ ...base, roles: roles({ judgeOf: ['T02'] }) })).toBe('live');
    expect(rankingView({ ...base, roles: roles({ judgeOf: ['T02'] }), track: 'T02' })).toBe('live');
    expect(rankingView({ ...base, roles: roles({ judgeOf: ['T02'] }), track: 'T03' })).toBe('participation');
    expect(rankingView({ ...base, roles: roles({ contactOf: ['HP'] }) })).toBe('participation');
    expect(rankingView({ ...base, roles: roles({ office: true }), scoringOpened: false })).toBe('participation');
    expect(liveTracks(roles({ judgeOf: ['T02', 'T04'] }), ['T01', 'T02', 'T04'])).toEqual(['T02', 'T04']);
    expect(liveTracks(roles({ leader: true }), ['T01', 'T02'])).toEqual(['T01', 'T02']);
  });
});

describe('ranking inputs from stored sheets', () => {
  const projects = [
    { id: 'p1', unit: 'HP', code: '2024-T02-HP-1' },
    { id: 'p2', unit: 'JA', code: '2024-T02-JA-1' },
    { id: 'p3', unit: 'PD', code: '2024-T02-PD-1' },
  ];
  const full = { effectiveness: 20, results: 20, feasibility: 20, exemplary: 20 };

  it('own-unit pairs and marked recusals become recusals; removed judges and outgrown sheets are reported, not counted', () => {
    const { input, skipped } = trackRankingInput({
      track: 'T02',
      quota: 1,
      rubric,
      projects,
      judges: ['j1', 'j2'],
      unitsOf: new Map([['j1', new Set(['HP'])]]),
      sheets: [
        { judge: 'j1', project: 'p1', scores: full, recused: false },
        { judge: 'j1', project: 'p2', scores: full, recused: false },
        { judge: 'j2', project: 'p3', scores: {}, recused: true },
        { judge: 'j2', project: 'p2', scores: { effectiveness: 20 }, recused: false },
        { judge: 'gone', project: 'p2', scores: full, recused: false },
        { judge: 'j2', project: 'elsewhere', scores: full, recused: false },
      ],
    });
    expect(input.scores.map((s) => `${s.judge}/${s.project}`)).toEqual(['j1/p1', 'j1/p2']);
    expect(input.recusals.map((r) => `${r.judge}/${r.project}`).sort()).toEqual(['j1/p1', 'j2/p3']);
    expect(skipped).toEqual([
      { judge: 'j2', project: 'p2', reason: 'incomplete' },
      { judge: 'gone', project: 'p2', reason: 'not-a-judge' },
    ]);
    // The own-unit sheet is ignored by the ranking: p1 is unscored, p2 ranked by j1 alone.
    const r = computeTrackRanking(input, rankingParameters({ seed: 1, resamples: 0 }));
    expect(r.projects.map((p) => [p.code, p.status])).toEqual([
      ['2024-T02-JA-1', 'ranked'],
      ['2024-T02-HP-1', 'unscored'],
      ['2024-T02-PD-1', 'unscored'],
    ]);
  });

  it('the seed is fixed per competition and track, an unsigned 32-bit integer', async () => {
    const a = await rankingSeed('shanghai-2024', 'T02');
    expect(a).toBe(await rankingSeed('shanghai-2024', 'T02'));
    expect(a).not.toBe(await rankingSeed('shanghai-2024', 'T03'));
    expect(Number.isInteger(a) && a >= 0 && a <= 0xffffffff).toBe(true);
  });
});

describe('the scheduled digest', () => {
  const schedule = { days: ['mon' as const], at: '09:00', workingDaysOnly: true };
  const where = { timeZone: c.timeZone, calendar: c.calendar, from: '2024-03-15', until: '2024-12-31' };

  it('a Monday slot is due from 09:00 for four hours, then skipped', () => {
    expect(dueDigestSlot(schedule, where, at('2024-11-04 08:59:59'))).toBeUndefined();
    expect(dueDigestSlot(schedule, where, at('2024-11-04 09:00:00'))).toEqual({
      slot: '2024-11-04T09:00',
      date: '2024-11-04',
      at: at('2024-11-04 09:00:00'),
    });
    expect(dueDigestSlot(schedule, where, at('2024-11-04 09:00:00') + DIGEST_GRACE_MS - 1)?.slot).toBe(
      '2024-11-04T09:00',
    );
    expect(dueDigestSlot(schedule, where, at('2024-11-04 13:00:00'))).toBeUndefined();
    expect(dueDigestSlot(schedule, where, at('2024-11-05 09:00:00'))).toBeUndefined();
  });

  it('skips days off (7 October 2024 is National Day) unless told not to, and stays inside the season', () => {
    expect(dueDigestSlot(schedule, where, at('2024-10-07 09:30:00'))).toBeUndefined();
    expect(dueDigestSlot({ ...schedule, workingDaysOnly: false }, where, at('2024-10-07 09:30:00'))?.slot).toBe(
      '2024-10-07T09:00',
    );
    expect(dueDigestSlot(schedule, where, at('2024-03-11 09:30:00'))).toBeUndefined();
    expect(dueDigestSlot(schedule, where, at('2025-01-06 09:30:00'))).toBeUndefined();
  });

  it('a late slot still counts after midnight, within its grace', () => {
    const late = { days: ['sun' as const], at: '22:30', workingDaysOnly: false };
    expect(dueDigestSlot(late, where, at('2024-11-04 00:15:00'))?.slot).toBe('2024-11-03T22:30');
  });

  it('what the digest shows follows the stage, and the rankings once published', () => {
    expect(digestKind('registration', false)).toBe('registration');
    expect(digestKind('implementation', false)).toBe('implementation');
    expect(digestKind('evaluation', false)).toBe('judging');
    expect(digestKind('evaluation', true)).toBe('rankings');
    expect(digestKind(undefined, false)).toBeUndefined();
  });
});

describe('cards that fit', () => {
  it('fitCard keeps as many rows as fit under the budget', () => {
    const build = (n: number) =>
      card({
        title: text('t', 't'),
        elements: Array.from({ length: n }, (_, i) => markdown(text(`第 ${i} 行 ${'字'.repeat(40)}`, `row ${i}`))),
      });
    const within = (c: Card) => cardBytes(c) <= 10_000;
    const { card: fitted, n } = fitCard(build, 1000, within);
    expect(cardBytes(fitted)).toBeLessThanOrEqual(10_000);
    expect(cardBytes(build(n + 1))).toBeGreaterThan(10_000);
    expect(fitCard(build, 3, within).n).toBe(3);
  });

  it('fitCard by default holds the card budget: elements counted as Lark counts them, and the escaped request body', () => {
    // Short rows: the element count binds first (each markdown is one element), not the bytes.
    const short = (n: number) =>
      card({ title: text('t', 't'), elements: Array.from({ length: n }, () => markdown(text('行', 'row'))) });
    const { card: fitted, n } = fitCard(short, 1000);
    expect(fitsBudget(fitted)).toBe(true);
    expect(n).toBe(CARD_BUDGET.elements - 1); // the header's title is an element too
    expect(fitsBudget(short(n + 1))).toBe(false);
  });
});
