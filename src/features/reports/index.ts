/** What other features read of the progress reports: the records, who reported when, and the per-period tallies. */
export { defaultPeriod, periodOverview } from './reporting.rules';
export {
  firstReportTimes,
  lastReport,
  latestSelfEvaluations,
  type StoredReport,
  type StoredSelfEvaluation,
} from './reports.repository';
