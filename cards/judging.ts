/**
 * Judging cards: a judge's list of projects, the scoring form (with the project's latest progress and its
 * self-evaluation at hand), the receipt, and the recusal form. They show the judge's own scores, so they are only
 * ever sent in one-to-one chats and cannot be forwarded. What people typed goes through `userText` / `plain`.
 */
import type { ActionValue } from './actions';
import { excerpt, text, type Text } from '../src/platform/i18n';
import { recusalInputs, scoreSheetInputs } from './judging.form';
import {
  button,
  buttonRow,
  card,
  divider,
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

/** Where the judge stands with a project (the scoring rules decide it; own unit wins: the recusal is automatic). */
export type SheetState = 'todo' | 'scored' | 'recused' | 'own-unit';

export interface JudgedProject {
  id: string;
  code: string;
  name: string;
  unitName: string;
  trackName: Text;
}

export interface JudgeListItem extends JudgedProject {
  state: SheetState;
  /** The judge's weighted total (0..100) when scored. */
  total?: number;
  /** The latest report: its period and the completion it gave. */
  progress?: { periodName: Text; completion: number };
  selfEvaluation?: { total: number; max: number };
}

/** Cards with a judge's own scores stay in the chat they were sent to. */
const private_ = (c: Card): Card => ({ ...c, config: { ...c.config, enable_forward: false } });

const STATE: Record<SheetState, Text> = {
  todo: text('未评', 'to score'),
  scored: text('已评', 'scored'),
  recused: text('已回避', 'recused'),
  'own-unit': text('本单位项目，已自动回避', 'own unit: recused automatically'),
};

const fmt1 = (x: number) => x.toFixed(1);

function itemLine(i: JudgeListItem): Text {
  const state =
    i.state === 'scored' && i.total !== undefined
      ? text(`已评 **${fmt1(i.total)}**`, `scored **${fmt1(i.total)}**`)
      : STATE[i.state];
  const progress = i.progress
    ? text(
        `${md(i.progress.periodName.zh)}完成度 ${i.progress.completion}%`,
        `${md(i.progress.periodName.en)}: ${i.progress.completion}% done`,
      )
    : text('尚无进展报告', 'no report yet');
  const sev = i.selfEvaluation
    ? text(
        ` · 自评 ${i.selfEvaluation.total}/${i.selfEvaluation.max}`,
        ` · self-evaluation ${i.selfEvaluation.total}/${i.selfEvaluation.max}`,
      )
    : text('', '');
  return text(
    `${state.zh} · ${md(i.unitName)} · ${progress.zh}${sev.zh}`,
    `${state.en} · ${md(i.unitName)} · ${progress.en}${sev.en}`,
  );
}

const row = buttonRow;

export const JUDGE_PAGE = 12;

/**
 * A page of the judge's projects (at most JUDGE_PAGE, fewer when the card would pass the size budget), with a
 * score or revise button and the timeline button on each, and paging buttons.
 */
export function judgeListCard(view: {
  scope: Text;
  tally: { scored: number; recused: number; ownUnit: number; todo: number };
  window: { opens: string; closes: string; status: 'before' | 'open' | 'closed' };
  items: readonly JudgeListItem[];
  offset: number;
  page: (offset: number) => ActionValue;
}): Card {
  const total = view.items.length;
  const build = (n: number): Card => {
    const shown = view.items.slice(view.offset, view.offset + n);
    const w = view.window;
    const when = {
      before: text(
        `评分 ${w.opens} 开始，${w.closes} 截止（含当天）。`,
        `Scoring opens on ${w.opens} and closes at the end of ${w.closes}.`,
      ),
      open: text(
        `评分截止 ${w.closes}（含当天），截止前可以修改。`,
        `Scoring closes at the end of ${w.closes}; until then you may revise.`,
      ),
      closed: text(`评分已于 ${w.closes} 截止。`, `Scoring closed on ${w.closes}.`),
    }[w.status];
    const elements: Element[] = [
      markdown(
        text(
          `${md(view.scope.zh)}：已评 **${view.tally.scored}** · 未评 **${view.tally.todo}** · 回避 ${view.tally.recused} · 本单位自动回避 ${view.tally.ownUnit}。\n${when.zh}`,
          `${md(view.scope.en)}: scored **${view.tally.scored}** · to score **${view.tally.todo}** · recused ${view.tally.recused} · own unit ${view.tally.ownUnit}.\n${when.en}`,
        ),
      ),
    ];
    for (const i of shown) {
      elements.push(divider(), userText(`${i.code} · ${i.name}`), markdown(itemLine(i)));
      const buttons: Element[] = [];
      if (w.status === 'open' && i.state !== 'own-unit')
        buttons.push(
          button(
            i.state === 'todo' ? text('评分', 'Score') : text('修改', 'Revise'),
            { a: 'judge.open', p: i.id },
            i.state === 'todo' ? 'primary' : 'default',
          ),
        );
      buttons.push(button(text('进展记录', 'Timeline'), { a: 'rpt.history', p: i.id }));
      elements.push(row(buttons));
    }
    if (!total) elements.push(markdown(text('你评审的赛道还没有项目。', 'Your tracks have no projects yet.')));
    const nav = pager({ offset: view.offset, shown: shown.length, total, step: JUDGE_PAGE, page: view.page });
    if (nav.length) elements.push(divider(), ...nav);
    return card({ title: text('评分 · 我的项目', 'Scoring · my projects'), template: 'purple', elements });
  };
  return private_(fitCard(build, Math.min(JUDGE_PAGE, Math.max(0, total - view.offset))).card);
}

/** At most this many characters of a report or a justification on the form; the timeline has the rest. */
const EXCERPT = 300;

export function scoreForm(view: {
  project: JudgedProject;
  rubric: ReadonlyArray<{ code: string; name: string; nameEn: string; max: number }>;
  prefill?: { scores: Record<string, number>; comment: string };
  recusedBefore?: string;
  latest?: { periodName: Text; completion: number; results: string; submittedOn: string };
  selfEvaluation?: { periodName: Text; total: number; max: number; justification: string };
  closes: string;
}): Card {
  const p = view.project;
  const elements: Element[] = [
    userText(`${p.code} · ${p.name}`),
    markdown(text(`${md(p.unitName)} · ${md(p.trackName.zh)}`, `${md(p.unitName)} · ${md(p.trackName.en)}`)),
    divider(),
  ];
  if (view.latest) {
    elements.push(
      markdown(
        text(
          `**最新进展** ：${md(view.latest.periodName.zh)}，完成度 ${view.latest.completion}%（${view.latest.submittedOn} 提交）`,
          `**Latest progress**: ${md(view.latest.periodName.en)}, ${view.latest.completion}% done (submitted ${view.latest.submittedOn})`,
        ),
      ),
    );
    elements.push(...field(text('取得的成效', 'Results'), excerpt(view.latest.results, EXCERPT)));
  } else elements.push(markdown(text('**最新进展** ：还没有报告。', '**Latest progress**: no report yet.')));
  if (view.selfEvaluation) {
    const s = view.selfEvaluation;
    elements.push(
      markdown(
        text(
          `**单位自评** （${md(s.periodName.zh)}）：${s.total}/${s.max}`,
          `**Unit's self-evaluation** (${md(s.periodName.en)}): ${s.total}/${s.max}`,
        ),
      ),
    );
    elements.push(...field(text('自评理由', 'Justification'), excerpt(s.justification, EXCERPT)));
  }
  elements.push(button(text('查看全部进展记录', 'Full timeline'), { a: 'rpt.history', p: p.id }), divider());
  elements.push(
    markdown(
      text(
        `按评比标准给每项打整数分，并写一句评语。${view.closes} 前可以修改。${view.recusedBefore !== undefined ? '\n你此前已回避这个项目；提交评分即取消回避。' : ''}`,
        `Give a whole-number score on each criterion and a short comment. You may revise until the end of ${view.closes}.${view.recusedBefore !== undefined ? '\nYou recused yourself from this project; submitting scores withdraws the recusal.' : ''}`,
      ),
    ),
    {
      tag: 'form',
      name: 'score',
      elements: [
        ...scoreSheetInputs(view.rubric, view.prefill),
        submitButton(text('提交评分', 'Submit scores'), { a: 'judge.submit', p: p.id }),
      ],
    },
    row([
      button(text('申请回避', 'Recuse myself'), { a: 'judge.recuse', p: p.id }, 'danger'),
      button(text('返回列表', 'Back to the list'), { a: 'judge.list', t: '*', o: 0 }),
    ]),
  );
  return private_(card({ title: text('评分', 'Score a project'), template: 'purple', elements }));
}

export function scoreSaved(view: {
  project: JudgedProject;
  rubric: ReadonlyArray<{ code: string; name: string; nameEn: string }>;
  scores: Record<string, number>;
  total: number;
  outcome: 'created' | 'revised' | 'unchanged';
  closes: string;
  next?: JudgedProject;
}): Card {
  const p = view.project;
  const parts = view.rubric.map((c) => ({
    zh: `${c.name} ${view.scores[c.code]}`,
    en: `${c.nameEn} ${view.scores[c.code]}`,
  }));
  const how =
    view.outcome === 'revised'
      ? text('（已修改）', ' (revised)')
      : view.outcome === 'unchanged'
        ? text('（与上次相同）', ' (same as before)')
        : text('', '');
  const buttons = [button(text('修改', 'Revise'), { a: 'judge.open', p: p.id })];
  if (view.next)
    buttons.unshift(
      button(
        text(`下一个：${view.next.code}`, `Next: ${view.next.code}`),
        { a: 'judge.open', p: view.next.id },
        'primary',
      ),
    );
  buttons.push(button(text('返回列表', 'Back to the list'), { a: 'judge.list', t: '*', o: 0 }));
  return private_(
    card({
      title: text('评分已保存', 'Scores saved'),
      template: 'green',
      elements: [
        userText(`${p.code} · ${p.name}`),
        markdown(
          text(
            `${parts.map((x) => x.zh).join(' · ')}\n加权总分 **${fmt1(view.total)}** （满分 100）${how.zh}。${view.closes} 前可以修改。`,
            `${parts.map((x) => x.en).join(' · ')}\nWeighted total **${fmt1(view.total)}** of 100${how.en}. You may revise until the end of ${view.closes}.`,
          ),
        ),
        ...(view.next
          ? []
          : [markdown(text('你评审的项目都已评分或回避。', 'Every project of your tracks is scored or recused.'))]),
        row(buttons),
      ],
    }),
  );
}

export function recusalForm(view: { project: JudgedProject; closes: string; reason?: string }): Card {
  const p = view.project;
  return private_(
    card({
      title: text('申请回避', 'Recuse yourself'),
      template: 'orange',
      elements: [
        userText(`${p.code} · ${p.name}`),
        markdown(
          text(
            `与项目有利害关系时请回避：你的分数不计入这个项目，也不影响你对其他项目的评分基准。本单位的项目已自动回避，无需申请。${view.closes} 前可以改回评分。`,
            `Recuse yourself when you have a conflict of interest: nothing you score counts for this project, and your baseline on the others is unaffected. Projects of your own unit are recused automatically. You may score it again until the end of ${view.closes}.`,
          ),
        ),
        {
          tag: 'form',
          name: 'recusal',
          elements: [
            ...recusalInputs(view.reason),
            submitButton(text('确认回避', 'Recuse'), { a: 'judge.recuse.submit', p: p.id }, { type: 'danger' }),
          ],
        },
        button(text('返回评分', 'Back to scoring'), { a: 'judge.open', p: p.id }),
      ],
    }),
  );
}

export function recusedCard(view: {
  project: JudgedProject;
  reason: string;
  closes: string;
  next?: JudgedProject;
}): Card {
  const p = view.project;
  const buttons = [button(text('改为评分', 'Score it instead'), { a: 'judge.open', p: p.id })];
  if (view.next)
    buttons.unshift(
      button(
        text(`下一个：${view.next.code}`, `Next: ${view.next.code}`),
        { a: 'judge.open', p: view.next.id },
        'primary',
      ),
    );
  return private_(
    card({
      title: text('已回避', 'Recused'),
      template: 'grey',
      elements: [
        userText(`${p.code} · ${p.name}`),
        ...field(text('回避理由', 'Reason'), view.reason),
        markdown(
          text(
            `你的分数不计入这个项目。${view.closes} 前可以改为评分。`,
            `Nothing you score counts for this project. You may score it instead until the end of ${view.closes}.`,
          ),
        ),
        row(buttons),
      ],
    }),
  );
}
