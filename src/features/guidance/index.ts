/** The per-track guidance counts of 进展情况 (reports' per-period view). */
export { guidanceByTrack, type GuidanceTally } from './guidance.rules';
