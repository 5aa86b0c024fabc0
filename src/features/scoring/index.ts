/** What other features read of scoring: the judging window, its progress, and the judges' sheets. */
export { judgingProgress, judgingWindow } from './scoring.rules';
export { sheetsOfTracks, type StoredSheet } from './scores.repository';
