/**
 * How sure is the cut line? Resample the track's judges with replacement B times and count, for each project, the
 * share of resamples in which it lands inside the quota (README "Judging and rankings"). A share near 0 or 1 means the
 * panel would almost surely have decided the same with other judges; a share in the middle is a close call (复议).
 *
 * Judges are resampled, not scores: the judge is the unit of disagreement (leniency is removed by standardisation,
 * taste is not). Each judge's z vector is computed once from all of their scores (a resampled judge is still the same
 * person with the same baseline); a resample only re-aggregates those vectors, so one resample costs one pass over the
 * drawn judges' scores plus a top-k selection, with no sorting of the whole track.
 *
 * Reproducible to the bit: the PRNG is mulberry32 seeded with the stored seed; resample b draws its J judges in order
 * as floor(rand() · J); values are rounded to 9 decimals before they are compared, and ties inside a resample go to
 * the project with the better published rank.
 */
import { mulberry32 } from '../../platform/random';

export { mulberry32 };

/** Rounds to 9 decimals: values that are equal in exact arithmetic compare equal whatever the summation order. */
export const round9 = (x: number): number => Math.round(x * 1e9) / 1e9;

/** One judge of the resampling pool, as sparse vectors over the track's project indices. */
export interface PoolJudge {
  /** Projects whose z from this judge enters the standardised mean, and those z. */
  readonly counted: Uint32Array;
  readonly z: Float64Array;
  /**
   * Projects this judge scored without a counted z (a flat judge under 'exclude'): they only keep a project rankable.
   */
  readonly uncounted: Uint32Array;
}

export interface BootstrapInput {
  /** Number of projects in the track (indices 0..projects-1). */
  readonly projects: number;
  /** The ranked projects' indices in published order (best first). Unscored projects are never inside the quota. */
  readonly order: Uint32Array;
  /** The judges who scored at least one project in this track. */
  readonly pool: readonly PoolJudge[];
  readonly quota: number;
  readonly resamples: number;
  readonly seed: number;
  readonly trimFrom: number;
}

/** For each project index, the share of resamples in which it lands inside the quota (0 for unscored projects). */
export function bootstrapQuotaShares(b: BootstrapInput): Float64Array {
  const P = b.projects;
  const J = b.pool.length;
  const hits = new Uint32Array(P);
  const k = Math.min(b.quota, b.order.length);
  const shares = new Float64Array(P);
  if (b.resamples === 0 || J === 0 || k === 0) return shares;

  const rand = mulberry32(b.seed);
  const sum = new Float64Array(P);
  const count = new Uint32Array(P);
  const lo = new Float64Array(P);
  const hi = new Float64Array(P);
  const seen = new Uint8Array(P);
  const topValue = new Float64Array(k);
  const topProject = new Uint32Array(k);

  for (let r = 0; r < b.resamples; r++) {
    sum.fill(0);
    count.fill(0);
    lo.fill(Infinity);
    hi.fill(-Infinity);
    seen.fill(0);
    for (let d = 0; d < J; d++) {
      const judge = b.pool[Math.floor(rand() * J)]!;
      const { counted, z, uncounted } = judge;
      for (let e = 0; e < counted.length; e++) {
        const p = counted[e]!;
        const v = z[e]!;
        sum[p]! += v;
        count[p]!++;
        if (v < lo[p]!) lo[p] = v;
        if (v > hi[p]!) hi[p] = v;
      }
      for (let e = 0; e < uncounted.length; e++) seen[uncounted[e]!] = 1;
    }

    // Top k by (value desc, published rank asc). Walking in published order means a later project only enters when it
    // is strictly better than the current k-th, and it goes after any equal values already held.
    let held = 0;
    for (let i = 0; i < b.order.length; i++) {
      const p = b.order[i]!;
      const n = count[p]!;
      let v: number;
      if (n === 0) {
        if (!seen[p]) continue; // none of its judges was drawn: not rankable in this resample
        v = 0;
      } else {
        v = round9(n >= b.trimFrom ? (sum[p]! - lo[p]! - hi[p]!) / (n - 2) : sum[p]! / n);
      }
      if (held === k && !(v > topValue[k - 1]!)) continue;
      let a = 0;
      let c = held;
      while (a < c) {
        const m = (a + c) >>> 1;
        if (topValue[m]! >= v) a = m + 1;
        else c = m;
      }
      const end = held < k ? held : k - 1;
      topValue.copyWithin(a + 1, a, end);
      topProject.copyWithin(a + 1, a, end);
      topValue[a] = v;
      topProject[a] = p;
      if (held < k) held++;
    }
    for (let i = 0; i < held; i++) hits[topProject[i]!]!++;
  }

  for (let p = 0; p < P; p++) shares[p] = hits[p]! / b.resamples;
  return shares;
}
