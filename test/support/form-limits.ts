/**
 * The largest values each form accepts, read from the forms themselves (cards/*.form.ts), so that the tests at
 * scale fill every field to the limit the server enforces.
 */
import { DECISION_NOTE_FIELD, MATERIALS_FIELDS, NOMINATION_FIELDS } from '../../cards/awards.form';
import { COMMENT_FIELD, RECUSAL_REASON_FIELD } from '../../cards/judging.form';
import { PROJECT_FIELDS } from '../../cards/registration.form';
import { JUSTIFICATION_FIELD, MOST_EVIDENCE_LINKS, REPORT_FIELDS } from '../../cards/reports.form';

export const LIMITS = {
  name: PROJECT_FIELDS.name.max,
  lead: PROJECT_FIELDS.lead.max,
  summary: PROJECT_FIELDS.summary.max,
  goals: PROJECT_FIELDS.goals.max,
  phone: PROJECT_FIELDS.phone.max,
} as const;

export const REPORT_LIMITS = {
  workDone: REPORT_FIELDS.workDone.max,
  results: REPORT_FIELDS.results.max,
  evidence: REPORT_FIELDS.evidence.max,
  problems: REPORT_FIELDS.problems.max,
  links: MOST_EVIDENCE_LINKS,
  justification: JUSTIFICATION_FIELD.max,
} as const;

export const SCORE_LIMITS = { comment: COMMENT_FIELD.max, reason: RECUSAL_REASON_FIELD.max } as const;

export const AWARD_LIMITS = {
  nominee: NOMINATION_FIELDS.nominee.max,
  title: NOMINATION_FIELDS.title.max,
  reason: NOMINATION_FIELDS.reason.max,
  materials: MATERIALS_FIELDS.materials.max,
  /** Characters of the links field. */
  links: MATERIALS_FIELDS.links.max,
  note: DECISION_NOTE_FIELD.max,
} as const;
