/**
 * Judging through chat and cards: `评分` lists the judge's projects (with their latest progress and
 * self-evaluation), each opening a scoring form; a submit or a recusal is checked on the server and answered with a
 * receipt or a toast that says what to fix. Judges' own scores are only ever shown in one-to-one chats.
 */
import { trackByCode } from '../../competition/competition';
import { JUDGE_PAGE, judgeListCard, recusalForm, recusedCard, scoreForm, scoreSaved } from '../../../cards/judging';
import type { Card } from '../../../cards/kit';
import type { Competition } from '../../competition/competition';
import type { BotServices, CardActionContext, CardActionSpec, CardResponse, CommandSpec } from '../../lark/handlers';
import { refuse } from '../../platform/errors';
import { echo, text, type Text } from '../../platform/i18n';
import type { Roles } from '../../core/roles';
import { matchTrack } from '../../core/scope-matcher';
import { judgingWindow, scoringClosed, tallyStates } from './scoring.rules';
import { parseRecusalReason, parseScoreSheet } from '../../../cards/judging.form';
import {
  judgedProject,
  judgeWork,
  nextToScore,
  projectForJudge,
  refuseOwnUnit,
  scoringContext,
  sheetTotal,
  storeSheet,
  withProgress,
} from './scoring.service';
import { problemsText } from '../../core/forms';
import { refuseInGroup } from '../../core/chats';

const toastError = (t: Text): CardResponse => ({ toast: { type: 'error', text: t } });

const PRIVATE_ONLY = text(
  '评分请在与我的一对一聊天中进行：评分卡片会显示你的分数，不能出现在群里。',
  'Score in a one-to-one chat with me: scoring cards show your scores, which must not appear in a group.',
);

function windowStatus(c: Competition, now: number) {
  const w = judgingWindow(c);
  return {
    opens: w.opens,
    closes: w.closes,
    status: now < w.opensAt ? ('before' as const) : now >= w.closesAt ? ('closed' as const) : ('open' as const),
  };
}

function requireOpen(c: Competition, now: number): void {
  const closed = scoringClosed(judgingWindow(c), now);
  if (closed) refuse('judging.closed', closed.zh, closed.en);
}

/** The judge's list for '*' (all their tracks) or one of their tracks, a page from `offset`. */
async function listCard(
  s: BotServices,
  c: Competition,
  roles: Roles,
  judge: string,
  track: string,
  offset: number,
): Promise<Card> {
  if (track !== '*' && !roles.judgeOf.includes(track))
    refuse(
      'judging.not_judge',
      `你不是 ${track} 赛道的评委，不能查看它的评分列表。`,
      `You are not a judge of track ${track}: you cannot see its scoring list.`,
    );
  const tracks = track === '*' ? roles.judgeOf : [track];
  const work = await judgeWork(s, c, judge, tracks);
  const start = Math.min(offset, Math.max(0, work.items.length - 1));
  const page = await withProgress(s, c, work.items.slice(start, start + JUDGE_PAGE));
  const items = [...work.items.slice(0, start), ...page, ...work.items.slice(start + JUDGE_PAGE)];
  const names = tracks.map((code) => trackByCode(c, code)).filter((t) => t !== undefined);
  return judgeListCard({
    scope: text(
      names.map((t) => `${t.code} ${t.name}`).join('、'),
      names.map((t) => `${t.code} ${t.nameEn}`).join(', '),
    ),
    tally: tallyStates(work.states.map((x) => x.state)),
    window: windowStatus(c, s.clock.now()),
    items,
    offset: start,
    page: (o) => ({ a: 'judge.list', t: track, o }),
  });
}

/** The scoring form of a project the judge may score now. */
async function formCard(s: BotServices, c: Competition, judge: string, projectId: string, roles: Roles): Promise<Card> {
  const p = await projectForJudge(s, roles, projectId);
  refuseOwnUnit(c, p, await s.repos.roles.unitsOfJudge(s.competitionId, judge));
  requireOpen(c, s.clock.now());
  const ctx = await scoringContext(s, c, judge, p);
  return scoreForm({
    project: judgedProject(c, p),
    rubric: c.file.rubric,
    prefill: ctx.sheet && !ctx.sheet.recused ? { scores: ctx.sheet.scores, comment: ctx.sheet.comment } : undefined,
    ...(ctx.sheet?.recused ? { recusedBefore: ctx.sheet.recusalReason } : {}),
    latest: ctx.latest,
    selfEvaluation: ctx.selfEvaluation,
    closes: judgingWindow(c).closes,
  });
}

/**
 * What every action on a judge's sheet checks first, whatever the card says: a one-to-one chat, a project of the
 * judge's tracks, not of the judge's own unit, and scoring open now.
 */
async function sheetAction(ctx: CardActionContext, projectId: string) {
  const s = ctx.services;
  await refuseInGroup(s.repos, ctx.action.chatId, PRIVATE_ONLY);
  const c = await s.competition();
  const judge = ctx.action.operatorOpenId;
  const p = await projectForJudge(s, ctx.roles, projectId);
  refuseOwnUnit(c, p, await s.repos.roles.unitsOfJudge(s.competitionId, judge));
  requireOpen(c, s.clock.now());
  return { c, judge, p };
}

const PROJECT_CODE = /^[A-Za-z0-9]{1,8}-[A-Z0-9]{1,16}-[A-Z][A-Z0-9]{0,7}-\d+$/;

export const scoreCommand: CommandSpec = {
  name: 'score',
  words: ['评分', 'score', 'scoring'],
  summary: text(
    '为你评审的赛道的项目打分或申请回避（评分表附最新进展和自评）',
    'Score the projects of your tracks, or recuse yourself (the form shows their latest progress and self-evaluation)',
  ),
  usage: text('评分 [赛道或项目编号]', 'score [track or project code]'),
  audience: 'judge',
  async run(ctx) {
    const s = ctx.services;
    if (ctx.event.chatType !== 'p2p') refuse('judging.group', PRIVATE_ONLY.zh, PRIVATE_ONLY.en);
    const c = await s.competition();
    const judge = ctx.event.senderOpenId;
    const q = ctx.command.args.join(' ').trim();
    if (q && PROJECT_CODE.test(q.toUpperCase())) {
      const code = q.toUpperCase();
      const id = await s.repos.projects.projectIdByCode(s.competitionId, code);
      if (!id) refuse('judging.unknown_code', `没有编号为 ${code} 的项目。`, `There is no project ${code}.`);
      return ctx.reply(await formCard(s, c, judge, id!, ctx.roles), 'score-form');
    }
    let track = '*';
    if (q) {
      const m = matchTrack(c.file.tracks, q);
      if (m.kind !== 'one')
        refuse(
          'judging.unknown_track',
          `「${echo(q, 20)}」不是赛道或项目编号。你评审的赛道：${ctx.roles.judgeOf.join('、')}。`,
          `"${echo(q, 20)}" is not a track or a project code. Your tracks: ${ctx.roles.judgeOf.join(', ')}.`,
        );
      track = m.kind === 'one' ? m.item.code : '*';
    }
    await ctx.reply(await listCard(s, c, ctx.roles, judge, track, 0), 'score-list');
  },
};

export const judgeListAction: CardActionSpec<'judge.list'> = {
  action: 'judge.list',
  audience: 'judge',
  async run(ctx, v) {
    const s = ctx.services;
    await refuseInGroup(s.repos, ctx.action.chatId, PRIVATE_ONLY);
    return { card: await listCard(s, await s.competition(), ctx.roles, ctx.action.operatorOpenId, v.t, v.o) };
  },
};

export const judgeOpenAction: CardActionSpec<'judge.open'> = {
  action: 'judge.open',
  audience: 'judge',
  async run(ctx, v) {
    const s = ctx.services;
    await refuseInGroup(s.repos, ctx.action.chatId, PRIVATE_ONLY);
    return { card: await formCard(s, await s.competition(), ctx.action.operatorOpenId, v.p, ctx.roles) };
  },
};

export const judgeSubmitAction: CardActionSpec<'judge.submit'> = {
  action: 'judge.submit',
  audience: 'judge',
  async run(ctx, v) {
    const s = ctx.services;
    const { c, judge, p } = await sheetAction(ctx, v.p);
    const checked = parseScoreSheet(ctx.action.formValue, c.file.rubric);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const outcome = await storeSheet(s, c, judge, p, { kind: 'score', ...checked.value });
    const next = nextToScore(await judgeWork(s, c, judge, ctx.roles.judgeOf), p.id);
    return {
      card: scoreSaved({
        project: judgedProject(c, p),
        rubric: c.file.rubric,
        scores: checked.value.scores,
        total: sheetTotal(c, checked.value.scores),
        outcome: outcome.kind,
        closes: judgingWindow(c).closes,
        next: next && judgedProject(c, next),
      }),
      toast: {
        type: 'success',
        text: outcome.kind === 'revised' ? text('评分已修改', 'Scores revised') : text('评分已保存', 'Scores saved'),
      },
    };
  },
};

export const judgeRecuseAction: CardActionSpec<'judge.recuse'> = {
  action: 'judge.recuse',
  audience: 'judge',
  async run(ctx, v) {
    const s = ctx.services;
    const { c, judge, p } = await sheetAction(ctx, v.p);
    const ctxSheet = await scoringContext(s, c, judge, p);
    return {
      card: recusalForm({
        project: judgedProject(c, p),
        closes: judgingWindow(c).closes,
        reason: ctxSheet.sheet?.recused ? ctxSheet.sheet.recusalReason : undefined,
      }),
    };
  },
};

export const judgeRecuseSubmitAction: CardActionSpec<'judge.recuse.submit'> = {
  action: 'judge.recuse.submit',
  audience: 'judge',
  async run(ctx, v) {
    const s = ctx.services;
    const { c, judge, p } = await sheetAction(ctx, v.p);
    const checked = parseRecusalReason(ctx.action.formValue);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    await storeSheet(s, c, judge, p, { kind: 'recuse', reason: checked.value });
    const next = nextToScore(await judgeWork(s, c, judge, ctx.roles.judgeOf), p.id);
    return {
      card: recusedCard({
        project: judgedProject(c, p),
        reason: checked.value,
        closes: judgingWindow(c).closes,
        next: next && judgedProject(c, next),
      }),
      toast: { type: 'success', text: text('已回避', 'Recused') },
    };
  },
};

export const SCORING_COMMANDS = [scoreCommand] as const;
export const SCORING_ACTIONS = [
  judgeListAction,
  judgeOpenAction,
  judgeSubmitAction,
  judgeRecuseAction,
  judgeRecuseSubmitAction,
] as const;
