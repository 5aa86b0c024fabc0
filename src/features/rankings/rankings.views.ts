/**
 * Views across tracks, built only from within-track percentiles and ranks, never from scores: each track has its own
 * judges, and fll-sw's lesson is that scores of different judging groups do not correlate (jpschewe/fll-sw,
 * src/main/documentation/NormalizedScores.md).
 */
import { byString } from './rankings.input';
import type { TrackRanking } from './rankings.method';

export interface UnitSummary {
  readonly unit: string;
  /** Projects of the unit across the given tracks, ranked or not. */
  readonly projects: number;
  readonly ranked: number;
  readonly inQuota: number;
  readonly closeCalls: number;
  /** Mean and best within-track percentile of its ranked projects; null when none is ranked. */
  readonly meanPercentile: number | null;
  readonly bestPercentile: number | null;
  /** Tracks the unit has projects in, by track code. */
  readonly tracks: readonly string[];
}

/**
 * One line per unit that has a project in the given tracks: best mean percentile first, then best single percentile,
 * then unit code; units with nothing ranked last.
 */
export function unitSummaries(rankings: readonly TrackRanking[]): UnitSummary[] {
  const units = new Map<
    string,
    { projects: number; inQuota: number; closeCalls: number; percentiles: number[]; tracks: Set<string> }
  >();
  for (const r of rankings) {
    for (const p of r.projects) {
      const u = units.get(p.unit) ?? {
        projects: 0,
        inQuota: 0,
        closeCalls: 0,
        percentiles: [],
        tracks: new Set<string>(),
      };
      units.set(p.unit, u);
      u.projects++;
      u.tracks.add(r.track);
      if (p.inQuota) u.inQuota++;
      if (p.closeCall) u.closeCalls++;
      if (p.percentile !== null) u.percentiles.push(p.percentile);
    }
  }
  const out: UnitSummary[] = [...units].map(([unit, u]) => {
    // Sorted before summing: the mean then does not depend on the order of the tracks given.
    const ps = u.percentiles.sort((a, b) => a - b);
    return {
      unit,
      projects: u.projects,
      ranked: ps.length,
      inQuota: u.inQuota,
      closeCalls: u.closeCalls,
      meanPercentile: ps.length ? Math.round((ps.reduce((a, b) => a + b, 0) / ps.length) * 1e9) / 1e9 : null,
      bestPercentile: ps.length ? ps[ps.length - 1]! : null,
      tracks: [...u.tracks].sort(byString),
    };
  });
  const desc = (a: number | null, b: number | null) => (b ?? -1) - (a ?? -1);
  return out.sort(
    (a, b) =>
      desc(a.meanPercentile, b.meanPercentile) || desc(a.bestPercentile, b.bestPercentile) || byString(a.unit, b.unit),
  );
}

export interface CrossTrackEntry {
  /** Shared by equal percentiles (1, 1, 3 …): two projects at the same percentile of their tracks are not ordered. */
  readonly position: number;
  readonly track: string;
  readonly id: string;
  readonly code: string;
  readonly unit: string;
  readonly percentile: number;
  /** Rank inside its track, and how many were ranked there. */
  readonly rank: number;
  readonly of: number;
  readonly inQuota: boolean;
  readonly closeCall: boolean;
}

/** Every ranked project of the given tracks by within-track percentile; equal percentiles share a position. */
export function crossTrackOverview(rankings: readonly TrackRanking[]): CrossTrackEntry[] {
  const rows = rankings.flatMap((r) =>
    r.projects
      .filter((p) => p.percentile !== null && p.rank !== null)
      .map((p) => ({
        track: r.track,
        id: p.id,
        code: p.code,
        unit: p.unit,
        percentile: p.percentile!,
        rank: p.rank!,
        of: r.ranked,
        inQuota: p.inQuota,
        closeCall: p.closeCall,
      })),
  );
  // Track and code only fix the listing order inside a shared position.
  rows.sort((a, b) => b.percentile - a.percentile || byString(a.track, b.track) || byString(a.code, b.code));
  let position = 0;
  return rows.map((row, i) => {
    if (i === 0 || row.percentile !== rows[i - 1]!.percentile) position = i + 1;
    return { position, ...row };
  });
}
