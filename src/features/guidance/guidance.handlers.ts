/**
 * Guidance (指导意见) through cards: a judge of the project's track opens the comment form from the timeline
 * (`gd.open`) and sends it (`gd.submit`), asking the unit to answer (请回复) or not; every contact of the project's unit
 * gets the comment one-to-one with a form to answer (`gd.answer`); the judge is told of each answer. Everything is
 * re-checked on the server (the operator's track or unit, the project, the report or self-evaluation commented on,
 * the text); a comment and its audit record, with the messages it sends, commit together, and a form submitted twice
 * (same form key) makes one record.
 *
 * Decisions: comments and answers are open while the project is active (registered and not withdrawn), whatever the
 * stage: guidance follows the reports, which may still be revised up to judging, and an answer owed after judging is
 * still worth keeping in the record.
 */
import {
  type CommentTarget,
  type SubjectFacts,
  answerNoticeCard,
  answerSentCard,
  commentForm,
  commentSentCard,
  commentToContactCard,
  guidanceThreadCard,
} from '../../../cards/guidance';
import { parseAnswer, parseComment } from '../../../cards/guidance.form';
import { canReadProject, projectLabel } from '../reports';
import { localDateTimeOf } from '../../competition/calendar';
import { type Competition, trackByCode, unitShortName } from '../../competition/competition';
import { problemsText } from '../../core/forms';
import { periodWindows } from '../../core/periods';
import type { Project } from '../../core/projects.repository';
import type { Roles } from '../../core/roles';
import { actionValueSchema } from '../../../cards/actions';
import { answerBeside, answerClick } from '../../lark/group-click';
import type { BotServices, CardActionSpec, CardResponse } from '../../lark/handlers';
import type { OutgoingMessage } from '../../lark/outbox.repository';
import { refuse } from '../../platform/errors';
import { text, type Text } from '../../platform/i18n';
import { newId } from '../../platform/ids';
import type { GuidanceComment, GuidanceSubject } from './guidance.repository';

const toastError = (t: Text): CardResponse => ({ toast: { type: 'error', text: t } });

/**
 * A form's own key (cards/actions.ts `formKey`): 20 random base32 characters, minted when the form is built, so that
 * a double click or a re-delivered callback of the same form stores one comment or answer.
 */
const newFormKey = (): string => newId('k').slice(2);

async function activeProject(s: BotServices, id: string): Promise<Project> {
  const p = await s.repos.projects.findProject(s.competitionId, id);
  if (p?.status !== 'active')
    refuse('guidance.no_project', '找不到这个项目，或它已撤回。', 'This project does not exist or has been withdrawn.');
  return p!;
}

/** Only a judge of the project's track writes guidance on it. */
function requireJudgeOf(c: Competition, roles: Roles, p: Project): void {
  if (roles.judgeOf.includes(p.track)) return;
  const t = trackByCode(c, p.track);
  refuse(
    'guidance.not_judge',
    `项目 ${p.code} 属于${t ? `「${t.name}」` : ` ${p.track} `}赛道，只有该赛道的评委可以写指导意见。`,
    `Project ${p.code} is in track ${t ? `"${t.nameEn}"` : p.track}; only that track's judges may comment on it.`,
  );
}

/** Only a contact of the project's unit answers guidance on it. */
function requireContactOf(c: Competition, roles: Roles, p: Project): void {
  if (roles.contactOf.includes(p.unit)) return;
  const u = unitShortName(c, p.unit);
  refuse(
    'guidance.not_contact',
    `项目 ${p.code} 属于${u}，只有${u}的联络员可以回复这条指导意见。`,
    `Project ${p.code} belongs to ${u}; only ${u}'s contacts may answer this comment.`,
  );
}

const SUBJECT: Record<GuidanceSubject, Text> = {
  report: text('进展报告', 'progress report'),
  self_evaluation: text('自评', 'self-evaluation'),
};

/**
 * What a comment is on, with its key facts: the period must exist and have the report (or self-evaluation) the
 * comment is about.
 */
async function subjectOf(
  s: BotServices,
  c: Competition,
  p: Project,
  period: string,
  subject: GuidanceSubject,
): Promise<{ target: CommentTarget; facts: SubjectFacts }> {
  const w = periodWindows(c).find((x) => x.code === period);
  if (!w) refuse('guidance.unknown_period', '这个期次已不存在。', 'This period no longer exists.');
  const target: CommentTarget = {
    project: projectLabel(c, p),
    period: w!.code,
    periodName: text(w!.name, w!.nameEn),
    subject,
  };
  const stamp = (ms: number) => localDateTimeOf(ms, c.timeZone);
  const missing = () =>
    refuse(
      'guidance.nothing_to_comment',
      `项目 ${p.code} 的「${w!.name}」还没有${SUBJECT[subject].zh}，无法写指导意见。`,
      `Project ${p.code} has no ${SUBJECT[subject].en} for "${w!.nameEn}" to comment on.`,
    );
  if (subject === 'report') {
    const mine = (await s.repos.reports.reportsOf(p.id)).filter((r) => r.period === w!.code);
    const latest = mine.at(-1);
    if (!latest) missing();
    return {
      target,
      facts: {
        kind: 'report',
        completion: latest!.completion,
        submittedAt: stamp(latest!.submittedAt),
        revisions: mine.length,
        late: mine.some((r) => r.late),
      },
    };
  }
  const sev = (await s.repos.reports.latestSelfEvaluations(p.id)).find((x) => x.period === w!.code);
  if (!sev) missing();
  return {
    target,
    facts: {
      kind: 'self_evaluation',
      total: Object.values(sev!.scores).reduce((a, b) => a + b, 0),
      max: c.file.rubric.reduce((n, r) => n + r.max, 0),
      submittedAt: stamp(sev!.submittedAt),
    },
  };
}

/** A person's display name as the bot knows it, or how we name their role when it does not. */
async function nameOf(s: BotServices, openId: string, fallback: string): Promise<string> {
  return (await s.repos.people.peopleNames([openId])).get(openId) ?? fallback;
}

/** A form key already used by someone else, or for something else: never shown, never stored again. */
const formUsed = (): never =>
  refuse(
    'guidance.form_used',
    '这张表单已经用过了，请重新打开。',
    'This form has already been used; please open it again.',
  );

export const openCommentAction: CardActionSpec<'gd.open'> = {
  action: 'gd.open',
  audience: 'judge',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const p = await activeProject(s, v.p);
    requireJudgeOf(c, ctx.roles, p);
    const { target, facts } = await subjectOf(s, c, p, v.period, v.s);
    const earlier = (await s.repos.guidance.threadsOf(p.id)).filter((t) => t.period === target.period).length;
    // Below the timeline, which stays: the judge reads the report while writing.
    return answerBeside(
      ctx,
      commentForm({ target, facts, earlier, formKey: newFormKey() }),
      text(`项目 ${p.code} 的指导意见表`, `the guidance form of ${p.code}`),
      'guidance-form',
    );
  },
};

export const submitCommentAction: CardActionSpec<'gd.submit'> = {
  action: 'gd.submit',
  audience: 'judge',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const judge = ctx.action.operatorOpenId;
    const p = await activeProject(s, v.p);
    requireJudgeOf(c, ctx.roles, p);
    const { target } = await subjectOf(s, c, p, v.period, v.s);
    const checked = parseComment(ctx.action.formValue);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const contacts = await s.repos.roles.holdersOf(s.competitionId, 'contact', p.unit);
    const judgeName = await nameOf(s, judge, `评委 Judge (${p.track})`);
    const stamp = (ms: number) => localDateTimeOf(ms, c.timeZone);
    // Each contact's card, one-to-one; the key makes it once per comment and contact, however often this runs.
    const messages = (comment: GuidanceComment): OutgoingMessage[] =>
      contacts.map((openId) => ({
        key: `guidance:${comment.id}:${openId}`,
        purpose: 'guidance',
        op: 'send',
        receiveIdType: 'open_id',
        receiveId: openId,
        rateKey: `user:${openId}`,
        msgType: 'interactive',
        content: commentToContactCard({
          target,
          judgeName,
          body: comment.body,
          needsAnswer: comment.needsAnswer,
          createdAt: stamp(comment.createdAt),
          commentId: comment.id,
          formKey: newFormKey(),
        }),
        competitionId: s.competitionId,
      }));
    const { comment, created } = await s.transaction(async (tx) => {
      const r = await tx.guidance.insertComment({
        competitionId: s.competitionId,
        projectId: p.id,
        period: target.period,
        subject: v.s,
        authorOpenId: judge,
        body: checked.value,
        needsAnswer: v.ask === 1,
        formKey: v.k,
        at: now,
      });
      if (r.created) {
        await tx.audit.recordAudit({
          competitionId: s.competitionId,
          actor: judge,
          action: 'guidance.comment',
          entityType: 'guidance_comment',
          entityId: r.comment.id,
          after: {
            project: p.code,
            period: target.period,
            subject: v.s,
            needsAnswer: r.comment.needsAnswer,
            body: r.comment.body,
            sentTo: contacts,
          },
          at: now,
        });
        await tx.outbox.enqueueMessages(messages(r.comment), now);
      }
      return r;
    });
    if (created) s.wakeOutbox();
    else if (
      comment.authorOpenId !== judge ||
      comment.projectId !== p.id ||
      comment.period !== target.period ||
      comment.subject !== v.s
    )
      formUsed();
    return {
      card: commentSentCard({
        target,
        body: comment.body,
        needsAnswer: comment.needsAnswer,
        contacts: contacts.length,
      }),
      toast: contacts.length
        ? { type: 'success', text: text('指导意见已发送', 'Guidance sent') }
        : {
            type: 'warning',
            text: text(
              `指导意见已保存，但${unitShortName(c, p.unit)}还没有联络员`,
              `Guidance saved, but ${unitShortName(c, p.unit)} has no contact yet`,
            ),
          },
    };
  },
};

/** What an existing comment is on, for its cards (a period since removed from the file keeps its code as name). */
function commentTarget(c: Competition, p: Project, comment: GuidanceComment): CommentTarget {
  const w = periodWindows(c).find((x) => x.code === comment.period);
  return {
    project: projectLabel(c, p),
    period: comment.period,
    periodName: w ? text(w.name, w.nameEn) : text(comment.period, comment.period),
    subject: comment.subject,
  };
}

/** A comment a contact of its project's unit may answer, with its project and what it is on; refused otherwise. */
async function commentForContact(
  s: BotServices,
  c: Competition,
  roles: Roles,
  commentId: string,
): Promise<{ comment: GuidanceComment; p: Project; target: CommentTarget }> {
  const comment = await s.repos.guidance.findComment(commentId);
  if (!comment) refuse('guidance.no_comment', '找不到这条指导意见。', 'This comment does not exist.');
  const p = await activeProject(s, comment.projectId);
  requireContactOf(c, roles, p);
  return { comment: comment!, p, target: commentTarget(c, p, comment!) };
}

export const answerCommentAction: CardActionSpec<'gd.answer'> = {
  action: 'gd.answer',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const who = ctx.action.operatorOpenId;
    const { comment, p, target } = await commentForContact(s, c, ctx.roles, v.c);
    const checked = parseAnswer(ctx.action.formValue);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const unit = unitShortName(c, p.unit);
    const answerer = await nameOf(s, who, `${unit}联络员 Contact of ${unit}`);
    const judgeName = await nameOf(s, comment.authorOpenId, `评委 Judge (${p.track})`);
    const { answer, created } = await s.transaction(async (tx) => {
      const r = await tx.guidance.insertAnswer({
        competitionId: s.competitionId,
        commentId: comment.id,
        authorOpenId: who,
        body: checked.value,
        formKey: v.k,
        at: now,
      });
      if (r.created) {
        await tx.audit.recordAudit({
          competitionId: s.competitionId,
          actor: who,
          action: 'guidance.answer',
          entityType: 'guidance_answer',
          entityId: r.answer.id,
          after: { comment: comment.id, project: p.code, period: comment.period, body: r.answer.body },
          at: now,
        });
        // The comment's author is told, one-to-one, once per answer.
        await tx.outbox.enqueueMessages(
          [
            {
              key: `guidance-answer:${r.answer.id}`,
              purpose: 'guidance-answer',
              op: 'send',
              receiveIdType: 'open_id',
              receiveId: comment.authorOpenId,
              rateKey: `user:${comment.authorOpenId}`,
              msgType: 'interactive',
              content: answerNoticeCard({
                target,
                comment: comment.body,
                answer: r.answer.body,
                answerer,
                answeredAt: localDateTimeOf(r.answer.createdAt, c.timeZone),
              }),
              competitionId: s.competitionId,
            },
          ],
          now,
        );
      }
      return r;
    });
    if (created) s.wakeOutbox();
    else if (answer.authorOpenId !== who) formUsed();
    return {
      card: answerSentCard({
        target,
        judgeName,
        comment: comment.body,
        answer: answer.body,
        commentedAt: localDateTimeOf(comment.createdAt, c.timeZone),
      }),
      toast: { type: 'success', text: text('回复已提交', 'Answer submitted') },
    };
  },
};

/**
 * A contact opens a comment's card with its answer form again (the timeline's 回复, after the card they were sent
 * scrolled away or was answered by a colleague): as a new message, the timeline stays.
 */
export const replyCommentAction: CardActionSpec<'gd.reply'> = {
  action: 'gd.reply',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const { comment, p, target } = await commentForContact(s, c, ctx.roles, v.c);
    return answerBeside(
      ctx,
      commentToContactCard({
        target,
        judgeName: await nameOf(s, comment.authorOpenId, `评委 Judge (${p.track})`),
        body: comment.body,
        needsAnswer: comment.needsAnswer,
        createdAt: localDateTimeOf(comment.createdAt, c.timeZone),
        commentId: comment.id,
        formKey: newFormKey(),
      }),
      text(`项目 ${p.code} 的指导意见和回复表`, `the comment on ${p.code} and its answer form`),
      'guidance-reply',
    );
  },
};

/** A comment and its answers in full (the timeline's 查看完整对话), for whoever may read the project's timeline. */
export const threadAction: CardActionSpec<'gd.thread'> = {
  action: 'gd.thread',
  audience: ['contact', 'judge', 'oversight'],
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const thread = await s.repos.guidance.threadOf(v.c);
    if (!thread) refuse('guidance.no_comment', '找不到这条指导意见。', 'This comment does not exist.');
    const p = await activeProject(s, thread!.projectId);
    if (!canReadProject(ctx.roles, p))
      refuse(
        'guidance.not_reader',
        `你不能查看项目 ${p.code} 的指导意见。`,
        `You may not read the guidance on ${p.code}.`,
      );
    const names = await s.repos.people.peopleNames([
      ...new Set([thread!.authorOpenId, ...thread!.answers.map((a) => a.authorOpenId)]),
    ]);
    const unit = unitShortName(c, p.unit);
    const stamp = (ms: number) => localDateTimeOf(ms, c.timeZone);
    // From the timeline it opens below it; its own page buttons (with an offset) turn the page in place.
    return (v.o === undefined ? answerBeside : answerClick)(
      ctx,
      guidanceThreadCard({
        target: commentTarget(c, p, thread!),
        author: names.get(thread!.authorOpenId) ?? `评委 Judge (${p.track})`,
        body: thread!.body,
        needsAnswer: thread!.needsAnswer,
        createdAt: stamp(thread!.createdAt),
        answers: thread!.answers.map((a) => ({
          author: names.get(a.authorOpenId) ?? `${unit}联络员 Contact of ${unit}`,
          body: a.body,
          createdAt: stamp(a.createdAt),
        })),
        offset: v.o,
        commentId: thread!.id,
      }),
      text(`项目 ${p.code} 的指导意见与回复`, `the guidance on ${p.code} and its answers`),
      'guidance-thread',
    );
  },
};

export const GUIDANCE_ACTIONS = [
  openCommentAction,
  submitCommentAction,
  answerCommentAction,
  replyCommentAction,
  threadAction,
] as const;

/** The comment whose answer form a card carries (a comment card as sent, or its answer receipt, the same message). */
function commentOfCard(content: string): string | undefined {
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (found || node === null || typeof node !== 'object') return;
    const parsed = actionValueSchema.safeParse(node);
    if (parsed.success && (parsed.data.a === 'gd.answer' || parsed.data.a === 'gd.reply')) {
      found = parsed.data.c;
      return;
    }
    for (const v of Object.values(node)) walk(v);
  };
  try {
    walk(JSON.parse(content));
  } catch {
    return undefined;
  }
  return found;
}

/**
 * A judge's comment card the bot sent one-to-one (`messageId`): files a contact sends in reply to it attach to what the
 * comment is on, the period's report or self-evaluation. Read from the outbox's record of the sent card.
 */
export async function commentCardItem(
  s: BotServices,
  messageId: string,
): Promise<{ projectId: string; subject: GuidanceSubject; subjectKey: string } | undefined> {
  const sent = await s.repos.outbox.sentMessage(messageId);
  if (!sent || (sent.purpose !== 'guidance' && sent.purpose !== 'guidance-reply')) return undefined;
  const id = commentOfCard(sent.content);
  const comment = id ? await s.repos.guidance.findComment(id) : undefined;
  return comment && { projectId: comment.projectId, subject: comment.subject, subjectKey: comment.period };
}
