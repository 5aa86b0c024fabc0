/** What other features read of the rankings: the publications, the live standings, the overview card, a sheet's total. */
export { weightedTotal } from './rankings.method';
export { latestPublication, liveRankings, overviewCard } from './rankings.service';
export { findPublication } from './snapshots.repository';
