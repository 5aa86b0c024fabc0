/**
 * The ranking of one track: pure and deterministic, so that anyone holding the inputs and parameters of a published
 * snapshot gets the same numbers (rankings.snapshot.ts checks exactly that). The method, as the README states it
 * ("Judging and rankings"):
 *
 *  1. Weighted total per sheet: t = 100 · Σ_c (w_c / Σw) · (x_c / max_c), a number in 0..100, rounded to 9 decimals
 *     (so that equal totals reached by different criterion mixes compare equal). Sheets of recused judges are ignored.
 *  2. Per judge, over the projects that judge scored in this track: mean μ and *population* SD σ, z = (t − μ) / σ.
 *     Population, not sample: a judge's projects are the whole set we describe (we are not estimating a wider
 *     population of projects), it is what fll-sw uses, and the choice only scales every z of a judge by the
 *     same factor √((n−1)/n), which matters only between judges with different numbers of projects.
 *     A judge whose totals are all equal, or who scored one project, has no σ: see FlatJudgePolicy (excluded by
 *     default).
 *  3. Per project: the mean of its judges' z, trimmed (drop the single highest and lowest) when it has at least
 *     `trimFrom` (5) of them: robust to one outlying or colluding judge. Shown as 100 + 20·z̄ (fll-sw convention), with
 *     the raw mean of the weighted totals and the number of judges beside it.
 *  4. Order: the tie-break chain TIE_BREAK_CHAIN, which makes it total and deterministic. Every project records which
 *     link of the chain put it below the one above (`decidedBy`), so a card can say "decided by raw mean".
 *  5. Quota line and close calls: ranks 1..quota are inside; a bootstrap over judges (rankings.bootstrap.ts) gives each
 *     project its share of resamples inside the quota; a share inside the band (0.2..0.8 by default), or an exact tie
 *     that straddles the line, marks a close call (复议) for the panel.
 *  6. Within-track percentile for the cross-track and per-unit views (rankings.views.ts): raw scores are never compared
 *     across tracks.
 * A project nobody scored is unranked: listed after all ranked projects (by code), with null numbers.
 *
 * Only +, −, ×, ÷, √ and rounding are used: all are exactly specified by IEEE 754 / ECMAScript, so any conforming
 * engine (Node, Workers, a browser) recomputes the same bits.
 */
import { bootstrapQuotaShares, round9, type PoolJudge } from './rankings.bootstrap';
import {
  byString,
  checkParameters,
  checkRankingInput,
  pairKey,
  type RankingParameters,
  type RubricCriterion,
  type TrackRankingInput,
} from './rankings.input';

export {
  RANKING_METHOD,
  DEFAULT_RANKING_PARAMETERS,
  rankingParameters,
  checkParameters,
  checkRankingInput,
  RankingInputError,
  isRankingInputError,
} from './rankings.input';
export type {
  FlatJudgePolicy,
  RankingParameters,
  RankingProblem,
  RankingProblemCode,
  RankingProject,
  Recusal,
  RubricCriterion,
  ScoreSheet,
  TrackRankingInput,
} from './rankings.input';
export { mulberry32, round9 } from './rankings.bootstrap';

/**
 * The links of the tie-break chain, in order: higher standardised score (z̄); higher raw mean (when z̄ ties, the
 * judges' own words decide); higher median z (less dependent on a single judge); more judges (more evidence); and last
 * the project code, only to make the order total. Never registration time. Projects still tied when the code decides
 * have identical evidence: they share a percentile, and if they straddle the quota line they are all close calls, so
 * the alphabet never settles an award.
 */
export const TIE_BREAK_CHAIN = ['standardised', 'rawMean', 'medianZ', 'judges', 'code'] as const;
export type TieBreak = (typeof TIE_BREAK_CHAIN)[number];

export interface RankedProject {
  readonly id: string;
  readonly code: string;
  readonly unit: string;
  /** 'unscored': no judge's sheet counts for it (nobody scored it, or every judge who did was recused). */
  readonly status: 'ranked' | 'unscored';
  /** 1 = best; null when unscored. */
  readonly rank: number | null;
  /** 100 + 20·z̄, the number to show. */
  readonly score: number | null;
  /** z̄: the (trimmed) mean of the judges' z. */
  readonly z: number | null;
  readonly medianZ: number | null;
  /** Mean weighted total (0..100) over every counted sheet, shown beside the score for transparency. */
  readonly rawMean: number | null;
  /** Judges whose sheet counts (recused judges are not counted). */
  readonly judges: number;
  /** Judges whose z entered z̄ (before trimming); fewer than `judges` when a judge gave everyone the same total. */
  readonly standardisedBy: number;
  readonly trimmed: boolean;
  /** The link of the chain that placed it below the previous project; null for rank 1 and unscored projects. */
  readonly decidedBy: TieBreak | null;
  readonly inQuota: boolean;
  /** Share of bootstrap resamples in which it is inside the quota; null when unscored or the bootstrap is off. */
  readonly quotaShare: number | null;
  /** 复议: the share is inside the band, or it is exactly tied with a project on the other side of the line. */
  readonly closeCall: boolean;
  /** Within-track percentile rank, 100·(below + ½·tied)/ranked; null when unscored. */
  readonly percentile: number | null;
}

export interface JudgeStandardisation {
  readonly judge: string;
  /** Projects this judge scored and counts for. */
  readonly projects: number;
  /** Sheets ignored because the judge is recused from that project. */
  readonly recused: number;
  /** 'flat': all totals equal or a single project (σ = 0); 'none': every sheet was recused. */
  readonly status: 'standardised' | 'flat' | 'none';
  readonly mean: number | null;
  readonly sd: number | null;
}

export interface TrackRanking {
  readonly track: string;
  readonly quota: number;
  /** Number of ranked (scored) projects. */
  readonly ranked: number;
  /** Ranked projects by rank, then unscored projects by code. */
  readonly projects: readonly RankedProject[];
  /** Per-judge baselines (μ, σ), by judge id, so anyone can check each z. */
  readonly judges: readonly JudgeStandardisation[];
}

/** Weighted total of a complete, checked sheet on the 0..100 scale. */
export function weightedTotal(rubric: readonly RubricCriterion[], scores: Readonly<Record<string, number>>): number {
  let weights = 0;
  let sum = 0;
  for (const c of rubric) {
    weights += c.weight;
    sum += c.weight * (scores[c.code]! / c.max);
  }
  return round9((100 * sum) / weights);
}

/** μ, population σ and z of one judge's totals; z is null when σ is 0 (all equal, or a single total). */
export function standardise(totals: readonly number[]): { mean: number; sd: number; z: number[] | null } {
  const n = totals.length;
  let sum = 0;
  for (const t of totals) sum += t;
  const mean = sum / n;
  // Decide flatness on the (rounded) totals themselves: the mean of equal floats is not always bit-equal to them.
  if (totals.every((t) => t === totals[0])) return { mean: totals[0]!, sd: 0, z: null };
  let ss = 0;
  for (const t of totals) ss += (t - mean) * (t - mean);
  const sd = Math.sqrt(ss / n);
  return { mean, sd, z: totals.map((t) => (t - mean) / sd) };
}

/** Mean of ascending z values, without the lowest and highest when there are at least `trimFrom` of them. */
export function trimmedMean(sorted: readonly number[], trimFrom: number): { mean: number; trimmed: boolean } {
  const trimmed = sorted.length >= trimFrom;
  const from = trimmed ? 1 : 0;
  const to = trimmed ? sorted.length - 1 : sorted.length;
  let sum = 0;
  for (let i = from; i < to; i++) sum += sorted[i]!;
  return { mean: sum / (to - from), trimmed };
}

export function median(sorted: readonly number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

type Aggregate = Omit<RankedProject, 'rank' | 'decidedBy' | 'inQuota' | 'quotaShare' | 'closeCall' | 'percentile'>;

/** The first link of the chain on which a and b differ, and which way: negative when a ranks above b. */
function chainCompare(a: Aggregate, b: Aggregate): { by: TieBreak; order: number } {
  if (a.z !== b.z) return { by: 'standardised', order: b.z! - a.z! };
  if (a.rawMean !== b.rawMean) return { by: 'rawMean', order: b.rawMean! - a.rawMean! };
  if (a.medianZ !== b.medianZ) return { by: 'medianZ', order: b.medianZ! - a.medianZ! };
  if (a.judges !== b.judges) return { by: 'judges', order: b.judges - a.judges };
  return { by: 'code', order: byString(a.code, b.code) };
}

/**
 * Ranks one track. Throws RankingInputError when a sheet is incomplete or out of range, a project is unknown, or a
 * parameter is invalid. The input may come in any order.
 */
export function computeTrackRanking(rawInput: TrackRankingInput, rawParameters: RankingParameters): TrackRanking {
  const input = checkRankingInput(rawInput);
  const params = checkParameters(rawParameters);
  const P = input.projects.length;
  const index = new Map(input.projects.map((p, i) => [p.id, i]));
  const recused = new Set(input.recusals.map((r) => pairKey(r.judge, r.project)));

  // Step 1: totals per judge (sheets arrive sorted by judge, then project).
  const byJudge = new Map<string, { projects: number[]; totals: number[]; recused: number }>();
  for (const s of input.scores) {
    const j = byJudge.get(s.judge) ?? { projects: [], totals: [], recused: 0 };
    byJudge.set(s.judge, j);
    if (recused.has(pairKey(s.judge, s.project))) j.recused++;
    else {
      j.projects.push(index.get(s.project)!);
      j.totals.push(weightedTotal(input.rubric, s.scores));
    }
  }

  // Step 2: standardise each judge; collect each project's z values, totals, and the bootstrap pool.
  const zs: number[][] = Array.from({ length: P }, () => []);
  const totals: number[][] = Array.from({ length: P }, () => []);
  const judges: JudgeStandardisation[] = [];
  const pool: PoolJudge[] = [];
  for (const [judge, j] of byJudge) {
    if (j.projects.length === 0) {
      judges.push({ judge, projects: 0, recused: j.recused, status: 'none', mean: null, sd: null });
      continue;
    }
    const s = standardise(j.totals);
    judges.push({
      judge,
      projects: j.projects.length,
      recused: j.recused,
      status: s.z ? 'standardised' : 'flat',
      mean: round9(s.mean),
      sd: round9(s.sd),
    });
    const z = s.z ?? (params.flatJudges === 'zero' ? j.totals.map(() => 0) : null);
    j.projects.forEach((p, i) => {
      totals[p]!.push(j.totals[i]!);
      if (z) zs[p]!.push(z[i]!);
    });
    pool.push({
      counted: Uint32Array.from(z ? j.projects : []),
      z: Float64Array.from(z ?? []),
      uncounted: Uint32Array.from(z ? [] : j.projects),
    });
  }

  // Step 3: aggregate per project. Sorting the z values first makes each sum depend only on the values, not on which
  // judge gave which.
  const aggregates: Aggregate[] = input.projects.map((p, i) => {
    const t = totals[i]!;
    const z = zs[i]!.sort((a, b) => a - b);
    const base = { id: p.id, code: p.code, unit: p.unit, judges: t.length, standardisedBy: z.length };
    if (t.length === 0)
      return { ...base, status: 'unscored', score: null, z: null, medianZ: null, rawMean: null, trimmed: false };
    // Scored only by judges who told no project apart: the middle of the scale (see FlatJudgePolicy).
    const m = z.length ? trimmedMean(z, params.trimFrom) : { mean: 0, trimmed: false };
    const zBar = round9(m.mean);
    const raw = round9(t.reduce((a, b) => a + b, 0) / t.length);
    return {
      ...base,
      status: 'ranked',
      score: round9(100 + 20 * zBar),
      z: zBar,
      medianZ: z.length ? round9(median(z)) : 0,
      rawMean: raw,
      trimmed: m.trimmed,
    };
  });

  // Step 4: the order.
  const ranked = aggregates.filter((a) => a.status === 'ranked').sort((a, b) => chainCompare(a, b).order);
  const unscored = aggregates.filter((a) => a.status === 'unscored').sort((a, b) => byString(a.code, b.code));
  const decidedBy = ranked.map((a, i) => (i === 0 ? null : chainCompare(ranked[i - 1]!, a).by));

  // Exact ties (decided only by the code) form groups that share a percentile and, across the line, a close call.
  const groupStart: number[] = [];
  const groupEnd: number[] = [];
  for (let i = 0; i < ranked.length; i++) groupStart[i] = decidedBy[i] === 'code' ? groupStart[i - 1]! : i;
  for (let i = ranked.length - 1; i >= 0; i--) groupEnd[i] = decidedBy[i + 1] === 'code' ? groupEnd[i + 1]! : i;

  // Step 5: bootstrap.
  const shares =
    params.resamples > 0
      ? bootstrapQuotaShares({
          projects: P,
          order: Uint32Array.from(ranked.map((a) => index.get(a.id)!)),
          pool,
          quota: input.quota,
          resamples: params.resamples,
          seed: params.seed,
          trimFrom: params.trimFrom,
        })
      : null;

  const n = ranked.length;
  const projects: RankedProject[] = ranked.map((a, i) => {
    const share = shares ? shares[index.get(a.id)!]! : null;
    const first = groupStart[i]!;
    const last = groupEnd[i]!;
    const tiedAcrossLine = first < input.quota && last >= input.quota;
    const inBand = share !== null && share >= params.band.low && share <= params.band.high;
    return {
      ...a,
      rank: i + 1,
      decidedBy: decidedBy[i]!,
      inQuota: i < input.quota,
      quotaShare: share,
      closeCall: inBand || tiedAcrossLine,
      // Step 6: below = n − 1 − last; the tie group counts half.
      percentile: round9((100 * (n - 1 - last + (last - first + 1) / 2)) / n),
    };
  });
  for (const a of unscored) {
    projects.push({
      ...a,
      rank: null,
      decidedBy: null,
      inQuota: false,
      quotaShare: null,
      closeCall: false,
      percentile: null,
    });
  }

  return { track: input.track, quota: input.quota, ranked: n, projects, judges };
}
