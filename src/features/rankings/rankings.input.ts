/**
 * What a track ranking is computed from, and the checks that run before any arithmetic. Pure: no database, no Lark.
 *
 * The inputs are put into one canonical order (projects by id, score sheets and recusals by judge then project,
 * duplicate recusals dropped) so that the same data gives the same bits and the same snapshot hash whatever order the
 * repository returned it in. The rubric keeps the competition file's order: it is part of the method.
 */

/** Names the method; stored in every snapshot. Bump it whenever any rule below or in ranking.ts changes a number. */
export const RANKING_METHOD = 'saidao-ranking/1';

export interface RankingProject {
  readonly id: string;
  /** The unit's code (e.g. HP); used by the per-unit view. */
  readonly unit: string;
  /**
   * The project code (e.g. 2024-T02-HP-1); the last, purely deterministic tie-break and the order of unranked projects.
   */
  readonly code: string;
}

export interface RubricCriterion {
  readonly code: string;
  /** Any positive number; weights are divided by their sum, so 25/25/25/25 and 1/1/1/1 mean the same. */
  readonly weight: number;
  /** Highest score on this criterion; scores run 0..max. */
  readonly max: number;
}

/** One judge's complete score sheet for one project: a score for every rubric criterion, no others. */
export interface ScoreSheet {
  readonly judge: string;
  readonly project: string;
  readonly scores: Readonly<Record<string, number>>;
}

/** A judge who must not count for a project (own unit, or a declared conflict). Any sheet they left is ignored. */
export interface Recusal {
  readonly judge: string;
  readonly project: string;
}

export interface TrackRankingInput {
  readonly track: string;
  /** How many awards this track has: projects ranked 1..quota are inside it. */
  readonly quota: number;
  readonly projects: readonly RankingProject[];
  readonly rubric: readonly RubricCriterion[];
  readonly scores: readonly ScoreSheet[];
  readonly recusals: readonly Recusal[];
}

/**
 * What to do with a judge whose weighted totals are all equal (including a judge who scored a single project): their
 * standard deviation is 0, so z is undefined.
 *  - 'exclude' (default): the judge's scores count in the raw mean but not in the standardised mean. Such a judge said
 *    nothing about which project is better, and a z of 0 would not be neutral: it pulls every project they scored
 *    towards the middle, so a project they were recused from (or did not see) is shrunk less than its rivals, and with
 *    five or more judges the 0 can push a real score out of the trimmed mean. A project that only such judges scored
 *    sits at z = 0 (the middle) rather than being dropped: it was scored, just not told apart.
 *  - 'zero': the judge gives z = 0 to each of their projects (jpschewe/fll-sw,
 *    src/main/documentation/NormalizedScores.md), kept for offices that want that convention. Same order as
 *    'exclude' when every judge scored every project and nobody is trimmed.
 */
export type FlatJudgePolicy = 'exclude' | 'zero';

export interface RankingParameters {
  /** Seed of the bootstrap's PRNG (an unsigned 32-bit integer), stored with the snapshot so anyone can recompute it. */
  readonly seed: number;
  /** Number of bootstrap resamples B; 0 turns the bootstrap off (shares are then null). */
  readonly resamples: number;
  /** Inclusive band of the bootstrap share inside the quota that marks a close call (复议). */
  readonly band: { readonly low: number; readonly high: number };
  /**
   * Trim rule: with at least this many standardised scores, the single highest and lowest are dropped (去掉一个最高分和一个最低分).
   */
  readonly trimFrom: number;
  readonly flatJudges: FlatJudgePolicy;
}

export const DEFAULT_RANKING_PARAMETERS: Omit<RankingParameters, 'seed'> = Object.freeze({
  resamples: 1000,
  // Only projects whose chance of being inside the line is 20–80 % go to the panel.
  band: Object.freeze({ low: 0.2, high: 0.8 }),
  // Fewer than 5 scores: dropping two leaves too little (with 3 the trimmed mean is the median).
  trimFrom: 5,
  flatJudges: 'exclude',
});

/** The defaults with a seed and any overrides; checked. */
export function rankingParameters(overrides: Partial<RankingParameters> & { seed: number }): RankingParameters {
  const p: RankingParameters = { ...DEFAULT_RANKING_PARAMETERS, ...overrides };
  return checkParameters(p);
}

export type RankingProblemCode =
  | 'bad-quota'
  | 'bad-rubric'
  | 'bad-project'
  | 'duplicate-project'
  | 'unknown-project'
  | 'duplicate-score'
  | 'missing-criterion'
  | 'unknown-criterion'
  | 'score-out-of-range'
  | 'bad-parameter';

export interface RankingProblem {
  readonly code: RankingProblemCode;
  readonly message: string;
  readonly judge?: string;
  readonly project?: string;
  readonly criterion?: string;
}

/**
 * The inputs cannot be ranked as given. Every problem is listed at once. Incomplete or out-of-range sheets are
 * rejected rather than skipped: skipping would silently change a project's number of judges and the judge's own
 * baseline (their mean and spread), which moves everyone's z. Drafts are the scoring service's business; only
 * submitted, complete sheets should reach the ranking.
 */
export class RankingInputError extends Error {
  constructor(readonly problems: readonly RankingProblem[]) {
    super(`Cannot rank: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'RankingInputError';
  }
}

export const isRankingInputError = (e: unknown): e is RankingInputError => e instanceof RankingInputError;

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byJudgeThenProject = (a: { judge: string; project: string }, b: { judge: string; project: string }) =>
  byString(a.judge, b.judge) || byString(a.project, b.project);

/** A map key for a (judge, project) pair; the length prefix keeps it unambiguous whatever characters ids contain. */
export const pairKey = (judge: string, project: string): string => `${judge.length}:${judge}${project}`;

const isUint32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

export function checkParameters(p: RankingParameters): RankingParameters {
  const problems: RankingProblem[] = [];
  const bad = (message: string) => problems.push({ code: 'bad-parameter', message });
  if (!isUint32(p.seed)) bad(`seed must be an integer in 0..2^32-1 (got ${p.seed})`);
  if (!Number.isInteger(p.resamples) || p.resamples < 0 || p.resamples > 1_000_000)
    bad(`resamples must be an integer in 0..1000000 (got ${p.resamples})`);
  const { low, high } = p.band ?? {};
  if (!(Number.isFinite(low) && Number.isFinite(high) && 0 <= low! && low! <= high! && high! <= 1))
    bad(`band must satisfy 0 <= low <= high <= 1 (got ${low}..${high})`);
  if (!Number.isInteger(p.trimFrom) || p.trimFrom < 3)
    bad(`trimFrom must be an integer of at least 3 (got ${p.trimFrom})`);
  if (p.flatJudges !== 'exclude' && p.flatJudges !== 'zero')
    bad(`flatJudges must be 'exclude' or 'zero' (got ${String(p.flatJudges)})`);
  if (problems.length) throw new RankingInputError(problems);
  return {
    seed: p.seed,
    resamples: p.resamples,
    band: { low: p.band.low, high: p.band.high },
    trimFrom: p.trimFrom,
    flatJudges: p.flatJudges,
  };
}

/** The input checked and in canonical order (a new object; the caller's is not touched). Throws RankingInputError. */
export function checkRankingInput(input: TrackRankingInput): TrackRankingInput {
  const problems: RankingProblem[] = [];

  if (!Number.isInteger(input.quota) || input.quota < 0)
    problems.push({ code: 'bad-quota', message: `quota must be a whole number of at least 0 (got ${input.quota})` });

  if (input.rubric.length === 0) problems.push({ code: 'bad-rubric', message: 'the rubric has no criteria' });
  const criteria = new Map<string, RubricCriterion>();
  for (const c of input.rubric) {
    if (criteria.has(c.code))
      problems.push({ code: 'bad-rubric', criterion: c.code, message: `criterion ${c.code} appears twice` });
    if (!(Number.isFinite(c.weight) && c.weight > 0))
      problems.push({
        code: 'bad-rubric',
        criterion: c.code,
        message: `criterion ${c.code}: weight must be greater than 0 (got ${c.weight})`,
      });
    if (!(Number.isFinite(c.max) && c.max > 0))
      problems.push({
        code: 'bad-rubric',
        criterion: c.code,
        message: `criterion ${c.code}: max must be greater than 0 (got ${c.max})`,
      });
    criteria.set(c.code, c);
  }

  const ids = new Set<string>();
  const codes = new Set<string>();
  for (const p of input.projects) {
    if (!p.id || !p.code || !p.unit)
      problems.push({
        code: 'bad-project',
        project: p.id,
        message: `project ${p.id || '(no id)'} needs an id, a code and a unit`,
      });
    if (ids.has(p.id))
      problems.push({ code: 'duplicate-project', project: p.id, message: `project id ${p.id} appears twice` });
    if (codes.has(p.code))
      problems.push({ code: 'duplicate-project', project: p.id, message: `project code ${p.code} appears twice` });
    ids.add(p.id);
    codes.add(p.code);
  }

  const sheets = new Set<string>();
  for (const s of input.scores) {
    const where = { judge: s.judge, project: s.project };
    const who = `judge ${s.judge}, project ${s.project}`;
    if (!ids.has(s.project))
      problems.push({ code: 'unknown-project', ...where, message: `${who}: no such project in this track` });
    const key = pairKey(s.judge, s.project);
    if (sheets.has(key)) problems.push({ code: 'duplicate-score', ...where, message: `${who}: two score sheets` });
    sheets.add(key);
    for (const c of input.rubric) {
      const v = s.scores[c.code];
      if (v === undefined)
        problems.push({
          code: 'missing-criterion',
          ...where,
          criterion: c.code,
          message: `${who}: no score for ${c.code}`,
        });
      else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > c.max) {
        problems.push({
          code: 'score-out-of-range',
          ...where,
          criterion: c.code,
          message: `${who}: ${c.code} must be between 0 and ${c.max} (got ${String(v)})`,
        });
      }
    }
    for (const code of Object.keys(s.scores)) {
      if (!criteria.has(code))
        problems.push({
          code: 'unknown-criterion',
          ...where,
          criterion: code,
          message: `${who}: ${code} is not a rubric criterion`,
        });
    }
  }

  const recusals = new Map<string, Recusal>();
  for (const r of input.recusals) {
    if (!ids.has(r.project))
      problems.push({
        code: 'unknown-project',
        judge: r.judge,
        project: r.project,
        message: `recusal of judge ${r.judge}: no project ${r.project} in this track`,
      });
    recusals.set(pairKey(r.judge, r.project), { judge: r.judge, project: r.project });
  }

  if (problems.length) throw new RankingInputError(problems);

  return {
    track: input.track,
    quota: input.quota,
    projects: input.projects
      .map((p) => ({ id: p.id, unit: p.unit, code: p.code }))
      .sort((a, b) => byString(a.id, b.id)),
    rubric: input.rubric.map((c) => ({ code: c.code, weight: c.weight, max: c.max })),
    scores: input.scores
      .map((s) => ({
        judge: s.judge,
        project: s.project,
        scores: Object.fromEntries(input.rubric.map((c) => [c.code, s.scores[c.code]!])),
      }))
      .sort(byJudgeThenProject),
    recusals: [...recusals.values()].sort(byJudgeThenProject),
  };
}

export { byString };
