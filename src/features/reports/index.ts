/** What other features read of the progress reports: the records, who reported when, and the per-period tallies. */
export { defaultPeriod, periodOverview } from './reporting.rules';
export {
  firstReportTimes,
  lastReport,
  latestSelfEvaluations,
  type StoredReport,
  type StoredSelfEvaluation,
} from './reports.repository';
/** The form (or picker) a reminder's 去填写 opens for the projects still owing a period. */
export { owedFormCard } from './reports.handlers';
/** How cards name a project (code, name, track, unit). */
export { label as projectLabel } from './reports.handlers';
/** Who may read a project's timeline (and so its guidance and attachments). */
export { canRead as canReadProject } from './reports.handlers';
