/** Guidance (指导意见) for the composition root: the card actions to comment on a report and to answer a comment. */
export { commentCardItem, GUIDANCE_ACTIONS } from './guidance.handlers';
/** The per-track guidance counts of 进展情况 (reports' per-period view). */
export { guidanceByTrack, type GuidanceTally } from './guidance.rules';
/** The records the export lists (指导意见 sheet). */
export type { GuidanceThread } from './guidance.repository';
