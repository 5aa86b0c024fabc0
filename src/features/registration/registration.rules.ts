/**
 * The rules of registration (注册登记), pure: the office's unit × track overview. What a valid entry is lives with
 * its form (cards/registration.form.ts); what a project is, its code and its places, in src/core/projects.ts.
 */

export interface OverviewInput {
  units: ReadonlyArray<{ code: string; name: string; shortName: string }>;
  tracks: ReadonlyArray<{ code: string; name: string; nameEn: string; quota: { collectives: number } }>;
  /** Active projects per unit and track. */
  counts: ReadonlyArray<{ unit: string; track: string; n: number }>;
}

export interface Overview {
  rows: Array<{ unit: string; name: string; byTrack: number[]; total: number }>;
  trackTotals: number[];
  total: number;
  unitsWithout: string[];
  /** Tracks with fewer entries than twice their collective quota: judges would have little to choose from. */
  thinTracks: Array<{ code: string; name: string; nameEn: string; n: number; wanted: number }>;
}

export function registrationOverview(input: OverviewInput): Overview {
  const at = new Map(input.counts.map((c) => [`${c.unit}|${c.track}`, c.n]));
  const rows = input.units.map((u) => {
    const byTrack = input.tracks.map((t) => at.get(`${u.code}|${t.code}`) ?? 0);
    return { unit: u.code, name: u.shortName, byTrack, total: byTrack.reduce((a, b) => a + b, 0) };
  });
  const trackTotals = input.tracks.map((_, i) => rows.reduce((n, r) => n + r.byTrack[i]!, 0));
  return {
    rows,
    trackTotals,
    total: trackTotals.reduce((a, b) => a + b, 0),
    unitsWithout: rows.filter((r) => r.total === 0).map((r) => r.name),
    thinTracks: input.tracks
      .map((t, i) => ({
        code: t.code,
        name: t.name,
        nameEn: t.nameEn,
        n: trackTotals[i]!,
        wanted: Math.max(1, 2 * t.quota.collectives),
      }))
      .filter((t) => t.n < t.wanted),
  };
}
