/**
 * Every button value the bot puts in a card, as one zod union. Cards are built from these types and callbacks are
 * parsed with the same schema, so a value that does not parse is refused with a toast, whatever a client sent.
 * Values carry no authority: handlers re-check the operator's roles on the server.
 */
import { z } from 'zod';

const unitCode = z.string().regex(/^[A-Z][A-Z0-9]{0,7}$/);
const projectId = z.string().regex(/^prj_[A-Za-z0-9_-]{1,40}$/);
const periodCode = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
const trackCode = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/);
const trackOrAll = z.union([trackCode, z.literal('*')]);
const offset = z.int().min(0).max(100_000);
const version = z.int().min(0).max(1_000_000);
const awardId = z.string().regex(/^awd_[0-9a-z]{20}$/);
const commentId = z.string().regex(/^gdc_[0-9a-z]{20}$/);
const attachmentId = z.string().regex(/^att_[0-9a-z]{20}$/);
/** A form's own key, minted when the form is built: a second submission of the same form is the same record. */
const formKey = z.string().regex(/^[0-9a-z]{8,24}$/);
/** What a comment is on: a period's report or its self-evaluation. */
const subject = z.enum(['report', 'self_evaluation']);

export const actionValueSchema = z.discriminatedUnion('a', [
  /** Show what the operator may do (the help card). */
  z.strictObject({ a: z.literal('help.show') }),
  /**
   * The competition this conversation is about (one app serving several): `to` a competition id, `e` the event of the
   * command that was put aside to ask, answered once chosen.
   */
  z.strictObject({
    a: z.literal('cmp.pick'),
    to: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    e: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{1,128}$/)
      .optional(),
    /** Offered by 切换竞赛: a change of a group's competition, not a first choice. */
    sw: z.literal(1).optional(),
  }),
  // Registration. `u` is a unit code, `p` a project id: both are re-checked against the operator's roles.
  /** Open the registration form for a unit. */
  z.strictObject({ a: z.literal('reg.open'), u: unitCode }),
  /** Submit the registration form (its fields arrive as form_value). */
  z.strictObject({ a: z.literal('reg.submit'), u: unitCode }),
  /** Show the unit's projects, a page from offset `o`. */
  z.strictObject({ a: z.literal('reg.list'), u: unitCode, o: offset.optional() }),
  /** Open the edit form of a project, then save it. */
  z.strictObject({ a: z.literal('reg.edit'), p: projectId }),
  z.strictObject({ a: z.literal('reg.save'), p: projectId }),
  /** Ask to confirm a withdrawal, then withdraw. */
  z.strictObject({ a: z.literal('reg.withdraw'), p: projectId }),
  z.strictObject({ a: z.literal('reg.withdraw.confirm'), p: projectId }),
  // Progress reports and self-evaluation.
  /** Open the report form of a project (the period is chosen in the form). */
  z.strictObject({ a: z.literal('rpt.open'), p: projectId }),
  z.strictObject({ a: z.literal('rpt.submit'), p: projectId }),
  /**
   * A project's timeline of reports, newest period first, a page from offset `o`; `n` 1 opens it as a new message
   * and leaves the clicked card (a list, a form) as it is.
   */
  z.strictObject({ a: z.literal('rpt.history'), p: projectId, o: offset.optional(), n: z.literal(1).optional() }),
  /** A period's guidance, and its attachments, on cards of their own (the timeline's 全部指导意见, 全部附件). */
  z.strictObject({ a: z.literal('rpt.guidance'), p: projectId, period: periodCode, o: offset.optional() }),
  z.strictObject({ a: z.literal('rpt.files'), p: projectId, period: periodCode, o: offset.optional() }),
  /** The office's view of one period (进展情况), its units from offset `o`. */
  z.strictObject({ a: z.literal('rpt.overview'), period: periodCode, o: offset.optional() }),
  z.strictObject({ a: z.literal('sev.open'), p: projectId, period: periodCode }),
  z.strictObject({ a: z.literal('sev.submit'), p: projectId, period: periodCode }),
  // Reminders.
  /** Remind me again in two hours (within the deadline). */
  z.strictObject({
    a: z.literal('rem.snooze'),
    r: z.enum(['registration', 'report', 'self-evaluation', 'judging', 'materials', 'approval']),
    k: periodCode,
    u: z.string().regex(/^[A-Za-z0-9:]{1,16}$/),
  }),
  /**
   * A report or self-evaluation reminder's 去填写: opens what unit `u` still owes for deadline `k` when pressed (the
   * one project's form, or a picker of those still owing), as a new message beside the reminder.
   */
  z.strictObject({ a: z.literal('rem.open'), r: z.enum(['report', 'self-evaluation']), k: periodCode, u: unitCode }),
  // Judging. `p` is a project id, `t` a track code or '*' (all the judge's tracks), `o` a list offset: all re-checked.
  /** A judge's projects, a page from offset `o`. */
  z.strictObject({ a: z.literal('judge.list'), t: trackOrAll, o: offset }),
  /** Open the scoring form of a project, then submit it (the scores arrive as form_value). */
  z.strictObject({ a: z.literal('judge.open'), p: projectId }),
  z.strictObject({ a: z.literal('judge.submit'), p: projectId }),
  /** Open the recusal form, then submit it with the reason. */
  z.strictObject({ a: z.literal('judge.recuse'), p: projectId }),
  z.strictObject({ a: z.literal('judge.recuse.submit'), p: projectId }),
  // Rankings. `v` is a published version, 0 for the live (unpublished) standings, which never reach a group.
  /** A track's ranking from offset `o`. */
  z.strictObject({ a: z.literal('rank.track'), t: trackCode, v: version, o: offset }),
  /** The cross-track overview, its table from offset `o`. */
  z.strictObject({ a: z.literal('rank.overview'), v: version, o: offset }),
  // Awards. `t` is a track code, `w` an award id: both re-checked against the operator's roles and the award's state.
  /** A judge opens the nomination form of one of their tracks, then submits it. */
  z.strictObject({ a: z.literal('award.nominate.open'), t: trackCode }),
  z.strictObject({ a: z.literal('award.nominate'), t: trackCode }),
  /** A judge withdraws a nomination of their track (before the office confirms it). */
  z.strictObject({ a: z.literal('award.withdraw'), w: awardId }),
  /** The office confirms a nomination (the place is allocated) or declines it. */
  z.strictObject({ a: z.literal('award.confirm'), w: awardId }),
  z.strictObject({ a: z.literal('award.decline'), w: awardId }),
  /** A contact of the nominee's unit opens the materials form, then submits it. */
  z.strictObject({ a: z.literal('award.materials.open'), w: awardId }),
  z.strictObject({ a: z.literal('award.materials'), w: awardId }),
  /** A leader opens the decision form, then approves or rejects. */
  z.strictObject({ a: z.literal('award.decide.open'), w: awardId }),
  z.strictObject({ a: z.literal('award.decide'), w: awardId, d: z.enum(['approve', 'reject']) }),
  /** The awards the operator deals with, of one track `t` when given, a page from offset `o` (also the button of the materials and approval reminders). */
  z.strictObject({ a: z.literal('award.list'), t: trackCode.optional(), o: offset.optional() }),
  // Guidance (指导意见). `p` a project, `c` a comment: re-checked against the operator's track or unit.
  /** A judge of the project's track opens the comment form on a period's report or self-evaluation. */
  z.strictObject({ a: z.literal('gd.open'), p: projectId, period: periodCode, s: subject }),
  /** Sends the comment; `ask` 1 asks the unit to answer (请回复). `k` is the form's key. */
  z.strictObject({
    a: z.literal('gd.submit'),
    p: projectId,
    period: periodCode,
    s: subject,
    k: formKey,
    ask: z.union([z.literal(0), z.literal(1)]),
  }),
  /** A contact of the project's unit answers a comment. `k` is the form's key. */
  z.strictObject({ a: z.literal('gd.answer'), c: commentId, k: formKey }),
  /** A contact of the project's unit opens a comment's card with its answer form (from the timeline or a reminder). */
  z.strictObject({ a: z.literal('gd.reply'), c: commentId }),
  /** A comment and its answers in full, a page of answers from `o` (readers of the project's timeline). */
  z.strictObject({ a: z.literal('gd.thread'), c: commentId, o: offset.optional() }),
  // Attachments: `id` is re-checked against the operator's unit (detach) or reading rights (open).
  /** Detach a file from what it was attached to (the receipt card's button). */
  z.strictObject({ a: z.literal('att.remove'), id: attachmentId }),
  /** Have the bot forward the file's original message to the operator one-to-one. */
  z.strictObject({ a: z.literal('att.open'), id: attachmentId }),
]);

export type ActionValue = z.infer<typeof actionValueSchema>;
export type ActionName = ActionValue['a'];
