import { describe, expect, it } from 'vitest';
import { METHOD_NOTE } from '../../../cards/rankings';
import {
  computeTrackRanking,
  isRankingInputError,
  mulberry32,
  rankingParameters,
  type RankingParameters,
  type RankingProblemCode,
  type ScoreSheet,
  type TrackRanking,
  type TrackRankingInput,
} from '../../../src/features/rankings/rankings.method';
import {
  canonicalJson,
  freezeRanking,
  verifySnapshot,
  type RankingSnapshot,
} from '../../../src/features/rankings/rankings.snapshot';
import { crossTrackOverview, unitSummaries } from '../../../src/features/rankings/rankings.views';
import { sha256Hex } from '../../../src/platform/hash';
import { between, seeded } from '../../support/random';

// ---------------------------------------------------------------------------------------------------------------------
// An independent, deliberately plain computation of the documented method (no typed arrays, no shared helpers, other
// summation orders, tolerances instead of rounding), to check the module against.

const EPS = 1e-9;
const same = (a: number, b: number) => Math.abs(a - b) < EPS;

interface RefProject {
  id: string;
  code: string;
  z: number;
  medianZ: number;
  rawMean: number;
  judges: number;
  standardisedBy: number;
  trimmed: boolean;
}

function reference(
  input: TrackRankingInput,
  params: { trimFrom: number; flatJudges: 'exclude' | 'zero' },
): { order: RefProject[]; unscored: string[] } {
  const weightSum = input.rubric.reduce((s, c) => s + c.weight, 0);
  const total = (s: ScoreSheet) =>
    input.rubric.reduce((acc, c) => acc + (100 * (c.weight / weightSum) * s.scores[c.code]!) / c.max, 0);
  const recused = (s: ScoreSheet) => input.recusals.some((r) => r.judge === s.judge && r.project === s.project);
  const valid = input.scores.filter((s) => !recused(s));

  const zOf = new Map<string, number | null>(); // `${judge}|${project}` → z, null when the judge is flat
  for (const judge of new Set(valid.map((s) => s.judge))) {
    const mine = valid.filter((s) => s.judge === judge);
    const ts = mine.map(total);
    const mean = ts.reduce((a, b) => a + b, 0) / ts.length;
    const sd = Math.sqrt(ts.reduce((a, t) => a + (t - mean) ** 2, 0) / ts.length);
    const flat = Math.max(...ts) - Math.min(...ts) < EPS;
    mine.forEach((s, i) => {
      zOf.set(`${judge}|${s.project}`, flat ? (params.flatJudges === 'zero' ? 0 : null) : (ts[i]! - mean) / sd);
    });
  }

  const ranked: RefProject[] = [];
  const unscored: string[] = [];
  for (const p of input.projects) {
    const mine = valid.filter((s) => s.project === p.id);
    if (mine.length === 0) {
      unscored.push(p.code);
      continue;
    }
    const zs = mine.map((s) => zOf.get(`${s.judge}|${p.id}`)).filter((z): z is number => z !== null && z !== undefined);
    zs.sort((a, b) => a - b);
    const trimmed = zs.length >= params.trimFrom;
    const kept = trimmed ? zs.slice(1, -1) : zs;
    const z = kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : 0;
    const mid = Math.floor(zs.length / 2);
    const medianZ = zs.length === 0 ? 0 : zs.length % 2 ? zs[mid]! : (zs[mid - 1]! + zs[mid]!) / 2;
    const rawMean = mine.map(total).reduce((a, b) => a + b, 0) / mine.length;
    ranked.push({
      id: p.id,
      code: p.code,
      z,
      medianZ,
      rawMean,
      judges: mine.length,
      standardisedBy: zs.length,
      trimmed,
    });
  }
  ranked.sort((a, b) => {
    if (!same(a.z, b.z)) return b.z - a.z;
    if (!same(a.rawMean, b.rawMean)) return b.rawMean - a.rawMean;
    if (!same(a.medianZ, b.medianZ)) return b.medianZ - a.medianZ;
    if (a.judges !== b.judges) return b.judges - a.judges;
    return a.code < b.code ? -1 : 1;
  });
  return { order: ranked, unscored: unscored.sort() };
}

/** The bootstrap as its comment describes it, naively: per resample, draw judges, collect and sort z, rank, take the top. */
function referenceShares(
  input: TrackRankingInput,
  result: TrackRanking,
  params: RankingParameters,
): Map<string, number> {
  const valid = input.scores.filter((s) => !input.recusals.some((r) => r.judge === s.judge && r.project === s.project));
  const pool = [...new Set(valid.map((s) => s.judge))].sort();
  const z = new Map<string, number | null>(); // from the published judge baselines
  const weightSum = input.rubric.reduce((s, c) => s + c.weight, 0);
  for (const s of valid) {
    const j = result.judges.find((x) => x.judge === s.judge)!;
    const t =
      Math.round(
        (input.rubric.reduce((acc, c) => acc + (100 * c.weight * s.scores[c.code]!) / c.max, 0) / weightSum) * 1e9,
      ) / 1e9;
    z.set(
      `${s.judge}|${s.project}`,
      j.status === 'flat' ? (params.flatJudges === 'zero' ? 0 : null) : (t - j.mean!) / j.sd!,
    );
  }
  const ranked = result.projects.filter((p) => p.rank !== null);
  const hits = new Map<string, number>(result.projects.map((p) => [p.id, 0]));
  const rand = mulberry32(params.seed);
  for (let b = 0; b < params.resamples; b++) {
    const drawn = pool.map(() => pool[Math.floor(rand() * pool.length)]!);
    const values: Array<{ id: string; v: number; rank: number }> = [];
    for (const p of ranked) {
      const zs: number[] = [];
      let scored = false;
      for (const j of drawn) {
        if (!z.has(`${j}|${p.id}`)) continue;
        scored = true;
        const v = z.get(`${j}|${p.id}`);
        if (v !== null && v !== undefined) zs.push(v);
      }
      if (!scored) continue;
      zs.sort((a, c) => a - c);
      const kept = zs.length >= params.trimFrom ? zs.slice(1, -1) : zs;
      const v = kept.length ? kept.reduce((a, c) => a + c, 0) / kept.length : 0;
      values.push({ id: p.id, v: Math.round(v * 1e9) / 1e9, rank: p.rank! });
    }
    values.sort((a, c) => c.v - a.v || a.rank - c.rank);
    for (const x of values.slice(0, input.quota)) hits.set(x.id, hits.get(x.id)! + 1);
  }
  return new Map([...hits].map(([id, h]) => [id, h / params.resamples]));
}

// ---------------------------------------------------------------------------------------------------------------------
// Seeded score sets.

const RUBRIC_2024 = [
  { code: 'effectiveness', weight: 25, max: 25 },
  { code: 'results', weight: 25, max: 25 },
  { code: 'feasibility', weight: 25, max: 25 },
  { code: 'exemplary', weight: 25, max: 25 },
];

interface TrackShape {
  projects: number;
  judges: number;
  /** Rubric; scores are drawn on each criterion's scale. */
  rubric?: TrackRankingInput['rubric'];
  /** Share of (judge, project) pairs recused; a recused judge may still have left a sheet. */
  recusalRate?: number;
  /** Share of (judge, project) pairs simply not scored. */
  missingRate?: number;
  /** Projects that nobody scores. */
  unscored?: number;
  quota?: number;
  /** Add a judge who gives every project they score the same marks. */
  flatJudge?: boolean;
  /** Add a judge who scores a single project. */
  singleProjectJudge?: boolean;
}

function makeTrack(seed: number, shape: TrackShape): TrackRankingInput {
  const rand = seeded(seed);
  const rubric = shape.rubric ?? RUBRIC_2024;
  const units = ['PD', 'HP', 'JA', 'XH', 'CN', 'PT'];
  const projects = Array.from({ length: shape.projects }, (_, i) => ({
    id: `p${String(i).padStart(3, '0')}`,
    unit: units[i % units.length]!,
    code: `2024-T03-${units[i % units.length]}-${i}`,
  }));
  const quality = projects.map(() => rand());
  const scores: ScoreSheet[] = [];
  const recusals: Array<{ judge: string; project: string }> = [];
  const scorable = projects.slice(0, projects.length - (shape.unscored ?? 0));
  const judgeIds = Array.from({ length: shape.judges }, (_, j) => `judge-${String.fromCharCode(97 + j)}`);
  for (const judge of judgeIds) {
    const lean = rand() * 0.3 - 0.15;
    for (const [i, p] of scorable.entries()) {
      if (rand() < (shape.missingRate ?? 0)) continue;
      if (rand() < (shape.recusalRate ?? 0)) {
        recusals.push({ judge, project: p.id });
        if (rand() < 0.5) continue; // half of the recused judges left a sheet anyway: it must be ignored
      }
      const sheet: Record<string, number> = {};
      for (const c of rubric) {
        const x = (0.2 + 0.6 * quality[i]! + lean + (rand() - 0.5) * 0.3) * c.max;
        sheet[c.code] = Math.max(0, Math.min(c.max, Math.round(x)));
      }
      scores.push({ judge, project: p.id, scores: sheet });
    }
  }
  if (shape.flatJudge) {
    for (const p of scorable)
      scores.push({
        judge: 'judge-flat',
        project: p.id,
        scores: Object.fromEntries(rubric.map((c) => [c.code, Math.round(c.max * 0.7)])),
      });
  }
  if (shape.singleProjectJudge && scorable.length) {
    scores.push({
      judge: 'judge-once',
      project: scorable[0]!.id,
      scores: Object.fromEntries(rubric.map((c) => [c.code, c.max])),
    });
  }
  return { track: 'T03', quota: shape.quota ?? 3, projects, rubric, scores, recusals };
}

const shuffle = <T>(rand: () => number, xs: readonly T[]): T[] => {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

const params = (over: Partial<RankingParameters> = {}) =>
  rankingParameters({ seed: 20241101, resamples: 200, ...over });

function expectMatchesReference(input: TrackRankingInput, p: RankingParameters): TrackRanking {
  const got = computeTrackRanking(input, p);
  const want = reference(input, p);
  const ranked = got.projects.filter((x) => x.status === 'ranked');
  expect(ranked.map((x) => x.code)).toEqual(want.order.map((x) => x.code));
  ranked.forEach((x, i) => {
    const w = want.order[i]!;
    expect(x.rank).toBe(i + 1);
    expect(x.z).toBeCloseTo(w.z, 8);
    expect(x.score).toBeCloseTo(100 + 20 * w.z, 7);
    expect(x.rawMean).toBeCloseTo(w.rawMean, 8);
    expect(x.medianZ).toBeCloseTo(w.medianZ, 8);
    expect([x.judges, x.standardisedBy, x.trimmed]).toEqual([w.judges, w.standardisedBy, w.trimmed]);
    expect(x.inQuota).toBe(i < input.quota);
  });
  const unscored = got.projects.filter((x) => x.status === 'unscored');
  expect(unscored.map((x) => x.code)).toEqual(want.unscored);
  expect(got.projects.slice(ranked.length)).toEqual(unscored); // unscored are listed last
  return got;
}

// ---------------------------------------------------------------------------------------------------------------------

describe('track ranking against an independent computation', () => {
  it('agrees on 40 seeded score sets of every shape (recusals, gaps, unscored, flat and single-project judges, coarse scales)', () => {
    const links = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const rand = seeded(seed * 7919);
      const coarse = seed % 3 === 0; // 1–3 stars on one criterion: many exact ties
      const shape: TrackShape = {
        projects: between(rand, 2, 35),
        judges: between(rand, 1, 9),
        rubric: coarse
          ? [{ code: 'stars', weight: 1, max: 3 }]
          : seed % 3 === 1
            ? RUBRIC_2024
            : [
                { code: 'a', weight: 0.7, max: 10 },
                { code: 'b', weight: 0.3, max: 100 },
              ],
        recusalRate: rand() * 0.2,
        missingRate: seed % 4 === 0 ? 0.3 : 0,
        unscored: seed % 5 === 0 ? 2 : 0,
        quota: between(rand, 0, 6),
        flatJudge: seed % 6 === 0,
        singleProjectJudge: seed % 7 === 0,
      };
      const input = makeTrack(seed, shape);
      for (const flatJudges of ['exclude', 'zero'] as const) {
        const got = expectMatchesReference(input, params({ flatJudges, resamples: 0 }));
        for (const p of got.projects) if (p.decidedBy) links.add(p.decidedBy);
      }
    }
    // The coarse sets reach deep into the tie-break chain.
    expect(links).toContain('rawMean');
    expect(links).toContain('code');
  });

  it('removes a lenient (+15 on everything) and a harsh (−15) judge, which the raw mean does not', () => {
    const rubric = [
      { code: 'a', weight: 2, max: 100 },
      { code: 'b', weight: 1, max: 100 },
    ];
    const rand = seeded(15);
    const projects = Array.from({ length: 24 }, (_, i) => ({
      id: `p${i}`,
      unit: `U${i % 6}`,
      code: `T01-U${i % 6}-${i}`,
    }));
    const fair: ScoreSheet[] = [];
    const judges = ['fair-1', 'fair-2', 'lenient', 'harsh'];
    for (const judge of judges) {
      for (const [i, p] of projects.entries()) {
        // Partial coverage: the lenient judge sees only the first half, the harsh judge only the second half.
        if ((judge === 'lenient' && i >= 12) || (judge === 'harsh' && i < 12)) continue;
        const base = 30 + i + Math.round(rand() * 20);
        fair.push({ judge, project: p.id, scores: { a: base, b: base + between(rand, -5, 5) } });
      }
    }
    const shift = (s: ScoreSheet, by: number): ScoreSheet => ({
      ...s,
      scores: { a: s.scores.a! + by, b: s.scores.b! + by },
    });
    const biased = fair.map((s) => (s.judge === 'lenient' ? shift(s, 15) : s.judge === 'harsh' ? shift(s, -15) : s));
    const input = (scores: ScoreSheet[]): TrackRankingInput => ({
      track: 'T01',
      quota: 4,
      projects,
      rubric,
      scores,
      recusals: [],
    });

    const a = expectMatchesReference(input(fair), params());
    const b = expectMatchesReference(input(biased), params());
    expect(b.projects.map((p) => p.code)).toEqual(a.projects.map((p) => p.code));
    b.projects.forEach((p, i) => {
      expect(p.z).toBeCloseTo(a.projects[i]!.z!, 8);
    });
    expect(b.judges.find((j) => j.judge === 'lenient')!.mean).toBeCloseTo(
      a.judges.find((j) => j.judge === 'lenient')!.mean! + 15,
      8,
    );

    // The raw mean moves the lenient judge's half up and the harsh judge's half down.
    const byRaw = (r: TrackRanking) => [...r.projects].sort((x, y) => y.rawMean! - x.rawMean!).map((p) => p.code);
    expect(byRaw(b)).not.toEqual(byRaw(a));
    expect(b.projects.find((p) => p.id === 'p11')!.rawMean).toBeCloseTo(
      a.projects.find((p) => p.id === 'p11')!.rawMean! + 5,
      8,
    );
  });

  it('ignores a recused judge’s sheet entirely, as if it had never been written', () => {
    const input = makeTrack(77, { projects: 12, judges: 4 });
    const sheet = input.scores.find((s) => s.judge === 'judge-b' && s.project === 'p003')!;
    const withRecusal = { ...input, recusals: [{ judge: 'judge-b', project: 'p003' }] };
    const without = { ...input, scores: input.scores.filter((s) => s !== sheet) };
    const a = computeTrackRanking(withRecusal, params());
    const b = computeTrackRanking(without, params());
    expect(a.projects).toEqual(b.projects);
    expect(a.judges.find((j) => j.judge === 'judge-b')).toMatchObject({ recused: 1, projects: 11 });
    expect(a.projects.find((p) => p.id === 'p003')!.judges).toBe(3);
    expectMatchesReference(withRecusal, params());
  });

  it("trims only when five judges' standardised scores count: five judges, one of them flat, is four and is not trimmed; the card says so", () => {
    const input = makeTrack(9, { projects: 8, judges: 4, flatJudge: true });
    const r = computeTrackRanking(input, params());
    for (const p of r.projects.filter((x) => x.rank !== null)) {
      expect(p.judges).toBe(5);
      expect(p.standardisedBy).toBe(4);
      expect(p.trimmed).toBe(false);
    }
    expect(METHOD_NOTE.zh).toContain(
      '计入标准分的评委有 5 位及以上时，去掉一个最高、一个最低；给所有项目同分的评委没有标准分，只计入原始均分',
    );
    expect(METHOD_NOTE.zh).toContain('除以其总体标准差');
    expect(METHOD_NOTE.en).toContain("when 5 or more judges' standardised scores count");
  });

  it('leaves out a judge who gave everyone the same marks (or counts them as z = 0 when asked), and keeps their scores in the raw mean', () => {
    const input = makeTrack(5, { projects: 10, judges: 5, flatJudge: true, recusalRate: 0.1 });
    const withoutFlat = { ...input, scores: input.scores.filter((s) => s.judge !== 'judge-flat') };
    const excl = expectMatchesReference(input, params());
    const alone = computeTrackRanking(withoutFlat, params());
    expect(excl.judges.find((j) => j.judge === 'judge-flat')).toMatchObject({ status: 'flat', sd: 0, mean: 72 }); // 0.7 × 25 → 18 on each criterion;
    for (const p of excl.projects) {
      const q = alone.projects.find((x) => x.id === p.id)!;
      expect([p.z, p.medianZ, p.standardisedBy]).toEqual([q.z, q.medianZ, q.standardisedBy]);
      expect(p.judges).toBe(q.judges + 1);
      expect(p.rawMean).not.toBe(q.rawMean);
    }
    const zero = expectMatchesReference(input, params({ flatJudges: 'zero' }));
    expect(zero.projects.every((p) => p.standardisedBy === p.judges)).toBe(true);
  });

  it('treats a judge with a single project as flat, and still ranks a project only flat judges scored (at z = 0)', () => {
    const input: TrackRankingInput = {
      track: 'T01',
      quota: 1,
      projects: [
        { id: 'a', unit: 'HP', code: 'A' },
        { id: 'b', unit: 'JA', code: 'B' },
        { id: 'c', unit: 'PD', code: 'C' },
      ],
      rubric: [{ code: 'x', weight: 1, max: 10 }],
      scores: [
        { judge: 'j1', project: 'a', scores: { x: 9 } },
        { judge: 'j1', project: 'b', scores: { x: 3 } },
        { judge: 'once', project: 'c', scores: { x: 10 } },
      ],
      recusals: [],
    };
    const r = expectMatchesReference(input, params());
    expect(r.judges.find((j) => j.judge === 'once')).toMatchObject({ status: 'flat', projects: 1 });
    expect(r.projects.map((p) => [p.code, p.z, p.standardisedBy, p.rawMean])).toEqual([
      ['A', 1, 1, 90],
      ['C', 0, 0, 100],
      ['B', -1, 1, 30],
    ]);
  });

  it('ranks with a single judge in that judge’s order, and the bootstrap has nothing to doubt', () => {
    const input = makeTrack(11, { projects: 15, judges: 1, quota: 4 });
    const r = expectMatchesReference(input, params());
    const totals = input.scores.map((s) => ({ p: s.project, t: Object.values(s.scores).reduce((a, b) => a + b, 0) }));
    const best = [...totals].sort((a, b) => b.t - a.t)[0]!;
    expect(r.projects[0]!.judges).toBe(1);
    expect(totals.filter((x) => x.t === best.t).map((x) => x.p)).toContain(r.projects[0]!.id);
    expect(r.projects.every((p) => p.quotaShare === (p.inQuota ? 1 : 0))).toBe(true);
  });

  it('trims the highest and lowest z from five judges on, not before', () => {
    const four = computeTrackRanking(makeTrack(3, { projects: 8, judges: 4 }), params());
    const five = computeTrackRanking(makeTrack(3, { projects: 8, judges: 5 }), params());
    expect(four.projects.every((p) => !p.trimmed)).toBe(true);
    expect(five.projects.every((p) => p.trimmed)).toBe(true);
    const six = computeTrackRanking(makeTrack(3, { projects: 8, judges: 5 }), params({ trimFrom: 6 }));
    expect(six.projects.every((p) => !p.trimmed)).toBe(true);
  });

  it('lists a project nobody scored last, unranked and clearly marked', () => {
    const input = makeTrack(9, { projects: 6, judges: 3, unscored: 2, quota: 5 });
    const r = expectMatchesReference(input, params());
    expect(r.ranked).toBe(4);
    expect(r.projects.slice(4)).toEqual([
      expect.objectContaining({
        status: 'unscored',
        rank: null,
        score: null,
        z: null,
        rawMean: null,
        judges: 0,
        inQuota: false,
        quotaShare: null,
        closeCall: false,
        percentile: null,
      }),
      expect.objectContaining({ status: 'unscored', rank: null }),
    ]);
    // A project every judge of which was recused is unscored too.
    const allRecused = {
      ...input,
      recusals: input.scores.filter((s) => s.project === 'p000').map((s) => ({ judge: s.judge, project: s.project })),
    };
    expect(computeTrackRanking(allRecused, params()).projects.find((p) => p.id === 'p000')!.status).toBe('unscored');
  });

  it('gives the same result whatever order the inputs come in', () => {
    const input = makeTrack(21, { projects: 20, judges: 6, recusalRate: 0.1 });
    const rand = seeded(1);
    const shuffled = {
      ...input,
      projects: shuffle(rand, input.projects),
      scores: shuffle(rand, input.scores),
      recusals: shuffle(rand, [...input.recusals, ...input.recusals]),
    };
    expect(computeTrackRanking(shuffled, params())).toEqual(computeTrackRanking(input, params()));
  });
});

describe('tie-break chain', () => {
  const one = (judge: string, project: string, x: number): ScoreSheet => ({ judge, project, scores: { x } });
  const track = (ids: string[], scores: ScoreSheet[], quota = 1): TrackRankingInput => ({
    track: 'T09',
    quota,
    projects: ids.map((id) => ({ id, unit: `U-${id}`, code: `2024-T09-${id}` })),
    rubric: [{ code: 'x', weight: 1, max: 100 }],
    scores,
    recusals: [],
  });
  const summary = (r: TrackRanking) => r.projects.map((p) => [p.id, p.decidedBy]);

  it('breaks an exact tie of z̄ by the raw mean, and identical evidence by the code (sharing the percentile)', () => {
    // j1: A 40, B 60, C 80, D 70, E 70; j2: A 60, B 50, C 40, D 45, E 45. j1's deviations are exactly −2× j2's, so
    // every project has z̄ = 0 and the raw means (50, 55, 60, 57.5, 57.5) decide; D and E have identical sheets.
    const scores = [
      ...[
        ['A', 40],
        ['B', 60],
        ['C', 80],
        ['D', 70],
        ['E', 70],
      ].map(([p, x]) => one('j1', p as string, x as number)),
      ...[
        ['A', 60],
        ['B', 50],
        ['C', 40],
        ['D', 45],
        ['E', 45],
      ].map(([p, x]) => one('j2', p as string, x as number)),
    ];
    const r = expectMatchesReference(track(['A', 'B', 'C', 'D', 'E'], scores, 1), params());
    const abc = r.projects.filter((p) => ['A', 'B', 'C'].includes(p.id));
    expect(new Set(abc.map((p) => p.z)).size).toBe(1);
    expect(abc.map((p) => [p.id, p.rawMean])).toEqual([
      ['C', 60],
      ['B', 55],
      ['A', 50],
    ]);
    expect(r.projects.map((p) => [p.id, p.decidedBy])).toEqual([
      ['C', null],
      ['D', 'rawMean'],
      ['E', 'code'],
      ['B', 'rawMean'],
      ['A', 'rawMean'],
    ]);
    const [d, e] = [r.projects.find((p) => p.id === 'D')!, r.projects.find((p) => p.id === 'E')!];
    expect(e.rank).toBe(d.rank! + 1);
    expect(e.decidedBy).toBe('code');
    expect(e.percentile).toBe(d.percentile);
  });

  it('then by the median z, then by the number of judges', () => {
    // Each judge gives 10, 30, 50, 70 in some order: P gets (10, 70, 70), Q (50, 50, 50): same sum, P's median is higher.
    const median = track(
      ['P', 'Q', 'R', 'S'],
      [
        one('j1', 'P', 10),
        one('j1', 'Q', 50),
        one('j1', 'R', 30),
        one('j1', 'S', 70),
        one('j2', 'P', 70),
        one('j2', 'Q', 50),
        one('j2', 'R', 10),
        one('j2', 'S', 30),
        one('j3', 'P', 70),
        one('j3', 'Q', 50),
        one('j3', 'R', 30),
        one('j3', 'S', 10),
      ],
    );
    const m = expectMatchesReference(median, params());
    expect(summary(m).slice(0, 2)).toEqual([
      ['P', null],
      ['Q', 'medianZ'],
    ]);
    // U and V have the same sheets from j1 and j2; flat j4 scored V and W at 40. All three have z̄ = 0, raw mean 40 and
    // median 0: V and W have three judges, U two.
    const judges = track(
      ['U', 'V', 'W'],
      [
        one('j1', 'U', 30),
        one('j1', 'V', 30),
        one('j1', 'W', 70),
        one('j2', 'U', 50),
        one('j2', 'V', 50),
        one('j2', 'W', 10),
        one('j4', 'V', 40),
        one('j4', 'W', 40),
      ],
    );
    const j = expectMatchesReference(judges, params());
    expect(summary(j)).toEqual([
      ['V', null],
      ['W', 'code'],
      ['U', 'judges'],
    ]);
  });

  it('sends an exact tie across the quota line to 复议, never to the alphabet', () => {
    const scores = [
      one('j1', 'A', 90),
      one('j1', 'B', 60),
      one('j1', 'C', 60),
      one('j1', 'D', 20),
      one('j2', 'A', 80),
      one('j2', 'B', 50),
      one('j2', 'C', 50),
      one('j2', 'D', 30),
    ];
    const r = computeTrackRanking(track(['A', 'B', 'C', 'D'], scores, 2), params());
    expect(r.projects.map((p) => [p.id, p.inQuota, p.closeCall])).toEqual([
      ['A', true, false],
      ['B', true, true],
      ['C', false, true],
      ['D', false, false],
    ]);
    // Without the line between them, no close call.
    const three = computeTrackRanking(track(['A', 'B', 'C', 'D'], scores, 3), params());
    expect(three.projects.map((p) => p.closeCall)).toEqual([false, false, false, false]);
  });
});

describe('bootstrap over judges', () => {
  const noisy = (seed: number) =>
    makeTrack(seed, {
      projects: 30,
      judges: 7,
      recusalRate: 0.1,
      missingRate: 0.1,
      quota: 5,
      flatJudge: seed % 2 === 0,
    });

  it('matches a naive resampling, share for share', () => {
    const sets = [
      ...[1, 2, 3, 4].map(noisy),
      // 1–3 stars: resamples are full of exact ties, which go to the better published rank.
      ...[5, 6].map((seed) =>
        makeTrack(seed, { projects: 25, judges: 6, rubric: [{ code: 'stars', weight: 1, max: 3 }], quota: 6 }),
      ),
      // Sparse, with a flat judge who scored everything: some projects only the flat judge scored.
      ...[7, 8].map((seed) =>
        makeTrack(seed, { projects: 20, judges: 3, missingRate: 0.7, flatJudge: true, quota: 4 }),
      ),
    ];
    const onlyFlat = sets.slice(6).some((input) => {
      const r = computeTrackRanking(input, params());
      return r.projects.some((p) => p.status === 'ranked' && p.standardisedBy === 0);
    });
    expect(onlyFlat).toBe(true);
    for (const [i, input] of sets.entries()) {
      const seed = i + 1;
      for (const flatJudges of ['exclude', 'zero'] as const) {
        const p = params({ seed: seed * 1000 + 7, resamples: 150, flatJudges });
        const r = computeTrackRanking(input, p);
        const want = referenceShares(input, r, p);
        for (const x of r.projects)
          expect([x.id, x.quotaShare]).toEqual([x.id, x.status === 'ranked' ? want.get(x.id) : null]);
      }
    }
  });

  it('gives the same shares and hash for the same seed, other shares for another seed', async () => {
    const input = noisy(8);
    const a = await freezeRanking(input, params({ seed: 42 }));
    const b = await freezeRanking(input, params({ seed: 42 }));
    const c = await freezeRanking(input, params({ seed: 43 }));
    const shares = (s: RankingSnapshot) => s.results.projects.map((p) => p.quotaShare);
    expect(shares(b)).toEqual(shares(a));
    expect(b.hash).toBe(a.hash);
    expect(shares(c)).not.toEqual(shares(a));
    expect(c.hash).not.toBe(a.hash);
    // The ranking itself does not depend on the seed.
    expect(c.results.projects.map((p) => p.id)).toEqual(a.results.projects.map((p) => p.id));
  });

  it('flags close calls by the band, and shares behave like shares', () => {
    const input = noisy(3);
    const r = computeTrackRanking(input, params({ resamples: 500 }));
    const ranked = r.projects.filter((p) => p.status === 'ranked');
    const total = ranked.reduce((s, p) => s + p.quotaShare!, 0);
    expect(total).toBeLessThanOrEqual(input.quota + 1e-9); // at most `quota` projects inside per resample
    expect(ranked.some((p) => p.quotaShare! > 0 && p.quotaShare! < 1)).toBe(true);
    for (const p of ranked) expect(p.closeCall).toBe(p.quotaShare! >= 0.2 && p.quotaShare! <= 0.8);
    // A wider band flags at least as many.
    const wide = computeTrackRanking(input, params({ resamples: 500, band: { low: 0.05, high: 0.95 } }));
    expect(wide.projects.filter((p) => p.closeCall).length).toBeGreaterThanOrEqual(
      r.projects.filter((p) => p.closeCall).length,
    );
    // B = 0 turns it off.
    expect(computeTrackRanking(input, params({ resamples: 0 })).projects.every((p) => p.quotaShare === null)).toBe(
      true,
    );
  });
});

describe('percentiles and views across tracks', () => {
  const simple = (track: string, units: string[], quota = 1): TrackRankingInput => ({
    track,
    quota,
    projects: units.map((u, i) => ({ id: `${track}-${i}`, unit: u, code: `${track}-${u}-${i}` })),
    rubric: [{ code: 'x', weight: 1, max: 100 }],
    // Earlier projects score higher: project i gets 90 − 10·i from both judges.
    scores: ['j1', 'j2'].flatMap((judge) =>
      units.map((_, i) => ({ judge, project: `${track}-${i}`, scores: { x: 90 - 10 * i } })),
    ),
    recusals: [],
  });

  it('gives mid-rank percentiles within a track', () => {
    const r = computeTrackRanking(simple('T01', ['A', 'B', 'C', 'D']), params());
    expect(r.projects.map((p) => p.percentile)).toEqual([87.5, 62.5, 37.5, 12.5]);
    expect(computeTrackRanking(simple('T02', ['A']), params()).projects[0]!.percentile).toBe(50);
  });

  it('summarises units by percentile and lists every project across tracks by percentile, never by score', () => {
    const t1 = computeTrackRanking(simple('T01', ['A', 'B', 'C', 'D']), params());
    const t2 = computeTrackRanking(simple('T02', ['B', 'A']), params());
    const withUnscored = { ...simple('T03', ['C', 'A']), scores: [] };
    const t3 = computeTrackRanking(withUnscored, params());
    expect(unitSummaries([t1, t2, t3])).toEqual([
      {
        unit: 'B',
        projects: 2,
        ranked: 2,
        inQuota: 1,
        closeCalls: 0,
        meanPercentile: 68.75,
        bestPercentile: 75,
        tracks: ['T01', 'T02'],
      },
      {
        unit: 'A',
        projects: 3,
        ranked: 2,
        inQuota: 1,
        closeCalls: 0,
        meanPercentile: 56.25,
        bestPercentile: 87.5,
        tracks: ['T01', 'T02', 'T03'],
      },
      {
        unit: 'C',
        projects: 2,
        ranked: 1,
        inQuota: 0,
        closeCalls: 0,
        meanPercentile: 37.5,
        bestPercentile: 37.5,
        tracks: ['T01', 'T03'],
      },
      {
        unit: 'D',
        projects: 1,
        ranked: 1,
        inQuota: 0,
        closeCalls: 0,
        meanPercentile: 12.5,
        bestPercentile: 12.5,
        tracks: ['T01'],
      },
    ]);
    const overview = crossTrackOverview([t2, t1, t3]);
    expect(overview.map((e) => [e.position, e.track, e.unit, e.percentile, `${e.rank}/${e.of}`])).toEqual([
      [1, 'T01', 'A', 87.5, '1/4'],
      [2, 'T02', 'B', 75, '1/2'],
      [3, 'T01', 'B', 62.5, '2/4'],
      [4, 'T01', 'C', 37.5, '3/4'],
      [5, 'T02', 'A', 25, '2/2'],
      [6, 'T01', 'D', 12.5, '4/4'],
    ]);
    // Equal percentiles share a position.
    const twin = computeTrackRanking(simple('T04', ['E', 'F', 'G', 'H']), params());
    expect(
      crossTrackOverview([t1, twin])
        .slice(0, 3)
        .map((e) => [e.position, e.track]),
    ).toEqual([
      [1, 'T01'],
      [1, 'T04'],
      [3, 'T01'],
    ]);
  });
});

describe('frozen snapshots', () => {
  const input = makeTrack(31, { projects: 12, judges: 5, recusalRate: 0.1, quota: 3 });

  it('verifies, survives storage as JSON, and hashes the same whatever the input order', async () => {
    const snap = await freezeRanking(input, params());
    expect(snap.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifySnapshot(snap)).toEqual({ ok: true, hash: snap.hash });
    expect(await verifySnapshot(JSON.parse(JSON.stringify(snap)) as RankingSnapshot)).toEqual({
      ok: true,
      hash: snap.hash,
    });
    const rand = seeded(3);
    const shuffled = await freezeRanking(
      { ...input, projects: shuffle(rand, input.projects), scores: shuffle(rand, input.scores) },
      params(),
    );
    expect(shuffled.hash).toBe(snap.hash);
    expect(snap.parameters).toEqual({
      seed: 20241101,
      resamples: 200,
      band: { low: 0.2, high: 0.8 },
      trimFrom: 5,
      flatJudges: 'exclude',
    });
  });

  it('detects a tampered result, a tampered hash, tampered inputs and a foreign method', async () => {
    const snap = await freezeRanking(input, params());
    const copy = () => JSON.parse(JSON.stringify(snap)) as { -readonly [K in keyof RankingSnapshot]: any };

    const score = copy();
    score.results.projects[1].score += 0.5;
    expect(await verifySnapshot(score)).toMatchObject({ ok: false, problem: 'results-differ' });

    // Swapping two projects and re-hashing the altered content is still caught: the results are recomputed.
    const swapped = copy();
    [swapped.results.projects[0], swapped.results.projects[1]] = [
      swapped.results.projects[1],
      swapped.results.projects[0],
    ];
    swapped.hash = await sha256Hex(
      canonicalJson({
        method: swapped.method,
        inputs: swapped.inputs,
        parameters: swapped.parameters,
        results: swapped.results,
      }),
    );
    expect(await verifySnapshot(swapped)).toMatchObject({ ok: false, problem: 'results-differ' });

    const hash = copy();
    hash.hash = hash.hash.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    expect(await verifySnapshot(hash)).toMatchObject({ ok: false, problem: 'hash-mismatch' });

    const seed = copy();
    seed.parameters.seed += 1;
    expect(await verifySnapshot(seed)).toMatchObject({ ok: false, problem: 'results-differ' });

    const sheet = copy();
    sheet.inputs.scores[0].scores.effectiveness = 99;
    expect(await verifySnapshot(sheet)).toMatchObject({ ok: false, problem: 'invalid-inputs' });

    const method = copy();
    method.method = 'saidao-ranking/0';
    expect(await verifySnapshot(method)).toMatchObject({ ok: false, problem: 'unknown-method' });
  });

  it('uses canonical JSON (sorted keys, no spaces) and SHA-256', async () => {
    expect(canonicalJson({ b: [1, 0.1, -0, 'é"'], a: null, c: { z: true, y: 1e21 } })).toBe(
      '{"a":null,"b":[1,0.1,0,"é\\""],"c":{"y":1e+21,"z":true}}',
    );
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: undefined })).toThrow(TypeError);
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('rejected inputs', () => {
  const base = makeTrack(2, { projects: 3, judges: 2 });
  const codes = (f: () => unknown): RankingProblemCode[] => {
    try {
      f();
    } catch (e) {
      if (isRankingInputError(e)) return e.problems.map((p) => p.code);
      throw e;
    }
    return [];
  };
  const withSheet = (scores: Record<string, number>, project = 'p000') => ({
    ...base,
    scores: [
      ...base.scores.filter((s) => !(s.judge === 'judge-a' && s.project === project)),
      { judge: 'judge-a', project, scores },
    ],
  });
  const full = { effectiveness: 20, results: 20, feasibility: 20, exemplary: 20 };

  it('refuses incomplete sheets, unknown criteria, scores outside 0..max, with every problem named', () => {
    const { exemplary: _, ...partial } = full;
    expect(codes(() => computeTrackRanking(withSheet(partial), params()))).toEqual(['missing-criterion']);
    expect(codes(() => computeTrackRanking(withSheet({ ...full, extra: 1 }), params()))).toEqual(['unknown-criterion']);
    expect(
      codes(() =>
        computeTrackRanking(withSheet({ ...full, results: 26, feasibility: -1, exemplary: Number.NaN }), params()),
      ),
    ).toEqual(['score-out-of-range', 'score-out-of-range', 'score-out-of-range']);
    try {
      computeTrackRanking(withSheet(partial), params());
    } catch (e) {
      expect(e).toMatchObject({
        name: 'RankingInputError',
        problems: [{ code: 'missing-criterion', judge: 'judge-a', project: 'p000', criterion: 'exemplary' }],
      });
      expect((e as Error).message).toContain('judge judge-a, project p000: no score for exemplary');
    }
    // The edges of the scale are fine.
    expect(
      codes(() =>
        computeTrackRanking(withSheet({ effectiveness: 0, results: 25, feasibility: 0, exemplary: 25 }), params()),
      ),
    ).toEqual([]);
  });

  it('refuses duplicate sheets, unknown projects, a bad rubric, quota or parameters', () => {
    expect(codes(() => computeTrackRanking({ ...base, scores: [...base.scores, base.scores[0]!] }, params()))).toEqual([
      'duplicate-score',
    ]);
    expect(
      codes(() => computeTrackRanking({ ...base, scores: [{ ...base.scores[0]!, project: 'elsewhere' }] }, params())),
    ).toEqual(['unknown-project']);
    expect(
      codes(() => computeTrackRanking({ ...base, recusals: [{ judge: 'x', project: 'elsewhere' }] }, params())),
    ).toEqual(['unknown-project']);
    expect(
      codes(() => computeTrackRanking({ ...base, projects: [...base.projects, base.projects[0]!] }, params())),
    ).toEqual(['duplicate-project', 'duplicate-project']);
    expect(codes(() => computeTrackRanking({ ...base, quota: -1 }, params()))).toEqual(['bad-quota']);
    expect(codes(() => computeTrackRanking({ ...base, rubric: [], scores: [] }, params()))).toEqual(['bad-rubric']);
    expect(
      codes(() => computeTrackRanking({ ...base, rubric: [{ code: 'x', weight: 0, max: 10 }], scores: [] }, params())),
    ).toEqual(['bad-rubric']);
    expect(
      codes(() => rankingParameters({ seed: -1, resamples: 1.5, band: { low: 0.9, high: 0.1 }, trimFrom: 2 })),
    ).toEqual(['bad-parameter', 'bad-parameter', 'bad-parameter', 'bad-parameter']);
  });
});
