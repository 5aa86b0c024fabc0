/** What other features read of scoring: the judging window, its progress, and the judges' sheets. */
export { judgingProgress, judgingWindow, sheetsWithTracks } from './scoring.rules';
export type { StoredSheet } from './scores.repository';
