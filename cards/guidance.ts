/**
 * Guidance cards (指导意见): the judge's comment form, the judge's receipt, the comment as a unit's contact receives it
 * (with the answer form), the contact's receipt, and the notice to the judge when the unit answers. What people typed
 * (the project's name, comments, answers, display names) is shown once as plain text (`userText`, `field`); names from
 * the competition file pass through `md()` in markdown.
 */
import { text, type Text } from '../src/platform/i18n';
import { GUIDANCE_ANSWER_FIELD, GUIDANCE_COMMENT_FIELD, SEND_ASKING, SEND_PLAIN } from './guidance.form';
import { inputOf } from './forms';
import {
  button,
  card,
  field,
  fitCard,
  markdown,
  md,
  pager,
  submitButton,
  userText,
  type Card,
  type Element,
} from './kit';
import type { ProjectLabel } from './reports';

export type GuidanceSubject = 'report' | 'self_evaluation';

/** What a comment is on: a project's report or self-evaluation of one period. */
export interface CommentTarget {
  project: ProjectLabel;
  /** The period's code, and its name. */
  period: string;
  periodName: Text;
  subject: GuidanceSubject;
}

/** The key facts of what is commented on, for context: the latest report, or the latest self-evaluation. */
export type SubjectFacts =
  | { kind: 'report'; completion: number; submittedAt: string; revisions: number; late: boolean }
  | { kind: 'self_evaluation'; total: number; max: number; submittedAt: string };

const SUBJECT: Record<GuidanceSubject, Text> = {
  report: text('进展报告', 'progress report'),
  self_evaluation: text('自评', 'self-evaluation'),
};

/** The project's code and name as typed, on one plain line. */
const projectLine = (p: Pick<ProjectLabel, 'code' | 'name'>): Element => userText(`${p.code} · ${p.name}`);

/** The track and unit (names from the competition file), then which period's report or self-evaluation. */
function targetLines(t: CommentTarget): Element[] {
  return [
    projectLine(t.project),
    markdown(
      text(
        `赛道：${md(t.project.trackName)} · ${md(t.project.unitName)}\n针对：${md(t.periodName.zh)} · ${SUBJECT[t.subject].zh}`,
        `Track: ${md(t.project.trackNameEn)} · ${md(t.project.unitName)}\nOn: ${md(t.periodName.en)} · ${SUBJECT[t.subject].en}`,
      ),
    ),
  ];
}

const timelineButton = (projectId: string): Element =>
  button(text('查看进展记录', 'See the timeline'), { a: 'rpt.history', p: projectId, n: 1 });

function factsLine(f: SubjectFacts): Text {
  if (f.kind === 'report')
    return text(
      `最新报告：完成度 ${f.completion}% · 提交于 ${f.submittedAt}${f.revisions > 1 ? ` · 第 ${f.revisions} 版` : ''}${f.late ? ' · 逾期补报' : ''}`,
      `Latest report: completion ${f.completion}% · submitted ${f.submittedAt}${f.revisions > 1 ? ` · revision ${f.revisions}` : ''}${f.late ? ' · late' : ''}`,
    );
  return text(
    `最新自评：${f.total}/${f.max} · 提交于 ${f.submittedAt}`,
    `Latest self-evaluation: ${f.total}/${f.max} · submitted ${f.submittedAt}`,
  );
}

/**
 * A judge's comment form: the project, the period and subject, the latest report's or self-evaluation's key facts,
 * the comment, and two submit buttons: send asking the unit to answer (请回复), or send without asking. `formKey`
 * makes a second submission of this form the same comment.
 */
export function commentForm(view: {
  target: CommentTarget;
  facts: SubjectFacts;
  /** Comments already on this period's report and self-evaluation. */
  earlier: number;
  formKey: string;
}): Card {
  const t = view.target;
  const unit = md(t.project.unitName);
  const base = { a: 'gd.submit' as const, p: t.project.id, period: t.period, s: t.subject, k: view.formKey };
  return card({
    title: text(`写指导意见 · ${t.project.unitName}`, `Write guidance · ${t.project.unitName}`),
    elements: [
      ...targetLines(t),
      markdown(factsLine(view.facts)),
      markdown(
        text(
          `意见一对一发给${unit}的联络员；竞赛办和领导小组可在进展记录中看到，其他单位看不到。${
            view.earlier ? `这一期已有 ${view.earlier} 条指导意见。` : ''
          }`,
          `The comment goes one-to-one to ${unit}'s contacts; the office and the leadership see it in the timeline, other units never do.${
            view.earlier ? ` This period already has ${view.earlier} comment(s).` : ''
          }`,
        ),
      ),
      {
        tag: 'form',
        name: 'guidance_form',
        elements: [
          inputOf(GUIDANCE_COMMENT_FIELD),
          submitButton(
            text('发送并请单位回复', 'Send and ask for an answer'),
            { ...base, ask: 1 },
            { name: SEND_ASKING },
          ),
          {
            ...submitButton(
              text('发送（无需回复）', 'Send (no answer needed)'),
              { ...base, ask: 0 },
              { name: SEND_PLAIN },
            ),
            type: 'default',
          },
        ],
      },
    ],
  });
}

/**
 * The judge's receipt, in place of the form: the comment as stored and where it went (the unit's contacts, one-to-one),
 * or that the unit has no contact yet (the comment is kept and shown in the timeline).
 */
export function commentSentCard(view: {
  target: CommentTarget;
  body: string;
  needsAnswer: boolean;
  /** How many contacts of the unit it was sent to. */
  contacts: number;
}): Card {
  const t = view.target;
  const unit = md(t.project.unitName);
  const ask = view.needsAnswer
    ? text('已请单位回复，回复后会通知你。', 'The unit is asked to answer; you will be told when it does.')
    : text('无需回复；单位如有回复也会通知你。', 'No answer needed; you will be told if the unit answers anyway.');
  const where = view.contacts
    ? text(
        `已一对一发送给${unit}的 ${view.contacts} 位联络员。${ask.zh}`,
        `Sent one-to-one to ${view.contacts} contact(s) of ${unit}. ${ask.en}`,
      )
    : text(
        `${unit}还没有联络员，这条意见暂时没有发给任何人；它已保存并显示在进展记录中。请联系竞赛办为${unit}绑定联络员。`,
        `${unit} has no contact yet, so the comment was sent to no one; it is kept and shown in the timeline. Ask the competition office to bind ${unit}'s contacts.`,
      );
  return card({
    title: view.contacts ? text('指导意见已发送', 'Guidance sent') : text('指导意见已保存', 'Guidance saved'),
    template: view.contacts ? 'green' : 'orange',
    elements: [
      ...targetLines(t),
      ...field(text('你的指导意见', 'Your comment'), view.body),
      markdown(where),
      timelineButton(t.project.id),
    ],
  });
}

/**
 * The comment as a contact of the unit receives it, one-to-one: who wrote it, on what, and a form to answer. The
 * answer is required in the form either way; the wording says whether the judge asked for one (请回复) or not.
 */
export function commentToContactCard(view: {
  target: CommentTarget;
  judgeName: string;
  body: string;
  needsAnswer: boolean;
  /** Local date and time of the comment. */
  createdAt: string;
  commentId: string;
  formKey: string;
}): Card {
  const t = view.target;
  return card({
    title: view.needsAnswer
      ? text(`评委请你回复 · ${t.project.unitName}`, `A judge asks for your answer · ${t.project.unitName}`)
      : text(`评委的指导意见 · ${t.project.unitName}`, `Guidance from a judge · ${t.project.unitName}`),
    template: view.needsAnswer ? 'orange' : 'blue',
    elements: [
      ...targetLines(t),
      ...field(text(`评委 · ${view.createdAt}`, `Judge · ${view.createdAt}`), view.judgeName),
      ...field(text('指导意见', 'Guidance'), view.body),
      markdown(
        view.needsAnswer
          ? text(
              '评委请你回复：请在下方填写后提交。回复会通知评委，并记入进展记录（竞赛办和领导小组可见）。要补充文件或图片，回复这张卡片发送即可，会附到评委所指的材料。',
              'The judge asks for your answer: write it below and submit. The judge is told, and it is kept in the timeline (seen by the office and the leadership). To add files or pictures, send them as a reply to this card: they are attached to what the judge commented on.',
            )
          : text(
              '如需回复可在此填写：回复会通知评委，并记入进展记录（竞赛办和领导小组可见）。要补充文件或图片，回复这张卡片发送即可。',
              'If you wish to answer, write it here: the judge is told, and it is kept in the timeline (seen by the office and the leadership). To add files or pictures, send them as a reply to this card.',
            ),
      ),
      {
        tag: 'form',
        name: 'answer_form',
        elements: [
          inputOf(GUIDANCE_ANSWER_FIELD),
          submitButton(text('提交回复', 'Submit the answer'), { a: 'gd.answer', c: view.commentId, k: view.formKey }),
        ],
      },
      timelineButton(t.project.id),
    ],
  });
}

/** The contact's receipt, in place of the comment card: the comment and their answer as stored. */
export function answerSentCard(view: {
  target: CommentTarget;
  judgeName: string;
  comment: string;
  answer: string;
  /** Local date and time of the comment, as the card it replaces showed it. */
  commentedAt?: string;
}): Card {
  const t = view.target;
  return card({
    title: text('回复已提交', 'Answer submitted'),
    template: 'green',
    elements: [
      ...targetLines(t),
      ...field(
        view.commentedAt ? text(`评委 · ${view.commentedAt}`, `Judge · ${view.commentedAt}`) : text('评委', 'Judge'),
        view.judgeName,
      ),
      ...field(text('指导意见', 'Guidance'), view.comment),
      ...field(text('你的回复', 'Your answer'), view.answer),
      markdown(
        text(
          '已通知评委；回复已记入进展记录，竞赛办和领导小组可以看到。',
          'The judge has been told; the answer is kept in the timeline, where the office and the leadership see it.',
        ),
      ),
      timelineButton(t.project.id),
    ],
  });
}

/** The notice to the comment's author when the unit answers: the comment, the answer, who answered, the timeline. */
export function answerNoticeCard(view: {
  target: CommentTarget;
  comment: string;
  answer: string;
  answerer: string;
  /** Local date and time of the answer. */
  answeredAt: string;
}): Card {
  const t = view.target;
  const unit = md(t.project.unitName);
  return card({
    title: text(`单位已回复 · ${t.project.unitName}`, `The unit answered · ${t.project.unitName}`),
    template: 'green',
    elements: [
      ...targetLines(t),
      ...field(text('你的指导意见', 'Your comment'), view.comment),
      ...field(
        text(`回复人（${unit}）· ${view.answeredAt}`, `Answered by (${unit}) · ${view.answeredAt}`),
        view.answerer,
      ),
      ...field(text('单位回复', "The unit's answer"), view.answer),
      timelineButton(t.project.id),
    ],
  });
}

/** Answers a page of a thread's card holds at most; fewer when they are long. */
export const THREAD_PAGE = 10;

/**
 * One comment and its answers in full, oldest first, a page of answers from `offset` (as many as fit), for whoever
 * may read the project's timeline (the timeline shows the newest answers, or excerpts when a period is long).
 */
export function guidanceThreadCard(view: {
  target: CommentTarget;
  author: string;
  body: string;
  needsAnswer: boolean;
  createdAt: string;
  answers: ReadonlyArray<{ author: string; body: string; createdAt: string }>;
  offset?: number;
  commentId: string;
}): Card {
  const t = view.target;
  const total = view.answers.length;
  const offset = Math.min(view.offset ?? 0, Math.max(0, total - 1));
  const build = (n: number): Card => {
    const shown = view.answers.slice(offset, offset + n);
    const elements: Element[] = [
      ...targetLines(t),
      ...field(
        text(
          `指导意见 · ${view.createdAt}${view.needsAnswer ? ' · 请回复' : ''}`,
          `Guidance · ${view.createdAt}${view.needsAnswer ? ' · answer requested' : ''}`,
        ),
        `${view.author}：${view.body}`,
      ),
    ];
    if (!total)
      elements.push(
        markdown(
          view.needsAnswer
            ? text('单位尚未回复。', 'The unit has not answered yet.')
            : text('暂无回复。', 'No answer.'),
        ),
      );
    for (const a of shown)
      elements.push(
        ...field(text(`单位回复 · ${a.createdAt}`, `Unit's answer · ${a.createdAt}`), `${a.author}：${a.body}`),
      );
    elements.push(
      ...pager({
        offset,
        shown: shown.length,
        total,
        step: THREAD_PAGE,
        page: (o) => ({ a: 'gd.thread', c: view.commentId, o }),
        noun: text('条回复', 'answers'),
      }),
      timelineButton(t.project.id),
    );
    return card({ title: text('指导意见与回复', 'Guidance and answers'), elements });
  };
  return fitCard(build, Math.min(THREAD_PAGE, total - offset)).card;
}
