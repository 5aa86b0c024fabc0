/**
 * Rankings in chat: `排行 [赛道]` shows what the asker may see where they ask (rankingView), `发布排行` freezes and
 * publishes, and the cards' buttons page through a track or the overview. Before publication no score ever reaches a
 * group: the answer there is participation and punctuality. A button on a card in a group never replaces that card
 * (one message every member sees): the page goes to the clicker one-to-one (answerClick, src/lark/group-click.ts).
 */
import type { Card } from '../../../cards/kit';
import { type Competition, trackByCode } from '../../competition/competition';
import type { BotServices, CardActionSpec, CommandSpec } from '../../lark/handlers';
import { answerClick } from '../../lark/group-click';
import { refuse } from '../../platform/errors';
import { echo, text, type Text } from '../../platform/i18n';
import type { Roles } from '../../core/roles';
import { matchTrack } from '../../core/scope-matcher';
import { judgingWindow } from '../scoring';
import {
  latestPublication,
  liveMode,
  liveRankings,
  overviewCard,
  overviewOf,
  publishedReceipt,
  publishRankings,
  trackCard,
} from './rankings.service';
import { liveTracks, rankingView } from './rankings.rules';
import { participationCardAt } from '../summaries';
import type { Publication } from './snapshots.repository';
import { refuseInGroup } from '../../core/chats';

const NOT_LIVE = text(
  '你不能查看这个赛道的实时排名：排行发布前，只有竞赛办、领导小组和本赛道评委能在与我的一对一聊天中查看。',
  "You cannot see the live standings of this track: before publication only the office, the leadership and the track's judges can, in a one-to-one chat with me.",
);
const NO_SCORES_IN_GROUPS = text(
  '排行发布前，群里不显示任何分数；评分截止、竞赛办发布后再看排行。',
  'No score is shown in a group before the rankings are published; ask again once scoring has closed and the office has published them.',
);
const AFTER_PUBLICATION = text(
  '竞赛办发布排行后，这里会显示各赛道的排名。',
  'Rankings will be shown here once the office publishes them.',
);
const NOT_YET_PUBLISHED = text(
  '排行还没有发布。竞赛办发布后，任何人发送「排行」都可以查看各赛道的排名。',
  'The rankings have not been published yet. Once the office publishes them, anyone can send "ranking" to see them.',
);

/** What a click asked for, for the toast: a track's ranking (from which rank) or the overview (from which entry). */
function trackWhat(c: Competition, track: string, offset: number): Text {
  const t = trackByCode(c, track);
  return text(
    `排行 · ${track} ${t?.name ?? ''}${offset ? `（第 ${offset + 1} 名起）` : ''}`,
    `Ranking · ${track} ${t?.nameEn ?? ''}${offset ? ` (from rank ${offset + 1})` : ''}`,
  );
}
const overviewWhat = (offset: number): Text =>
  text(
    `排行总览${offset ? `（第 ${offset + 1} 个起）` : ''}`,
    `Rankings overview${offset ? ` (from entry ${offset + 1})` : ''}`,
  );

function publishedTrackCard(
  c: Competition,
  publication: Publication,
  track: string,
  projects: Parameters<typeof trackCard>[3],
  offset: number,
  now: number,
): Card {
  const snapshot = publication.snapshots.get(track);
  if (!snapshot)
    refuse(
      'ranking.no_track',
      `第 ${publication.version} 版排行里没有 ${track} 赛道。`,
      `Track ${track} is not in version ${publication.version} of the rankings.`,
    );
  return trackCard(c, snapshot!.results, publication, projects, offset, now);
}

/** Live standings a person may read in a one-to-one chat: one track, or (office, leadership) the overview. */
async function liveCards(
  s: BotServices,
  c: Competition,
  roles: Roles,
  track: string | undefined,
  now: number,
): Promise<Card[]> {
  const projects = await s.repos.projects.allActiveProjects(s.competitionId);
  if (track) return (await liveRankings(s.repos, c, [track])).map((r) => trackCard(c, r, undefined, projects, 0, now));
  if (roles.office || roles.leader)
    return [overviewOf(c, await liveRankings(s.repos, c), liveMode(c, now), 0, projects, 0)];
  return (
    await liveRankings(
      s.repos,
      c,
      liveTracks(
        roles,
        c.file.tracks.map((t) => t.code),
      ),
    )
  ).map((r) => trackCard(c, r, undefined, projects, 0, now));
}

export const rankingCommand: CommandSpec = {
  name: 'ranking',
  words: ['排行', '排名', 'ranking', 'rankings'],
  summary: text(
    '各赛道排行与跨赛道总览（发布后）；发布前为报名和报告情况，评委、竞赛办和领导可在一对一聊天中看实时排名',
    'Rankings per track and across tracks (once published); before that, registrations and reporting, and live standings in a one-to-one chat for judges, the office and the leadership',
  ),
  usage: text('排行 [赛道]', 'ranking [track]'),
  // Published rankings are for everyone; rankingView decides what else, if anything, the asker sees before that.
  audience: 'everyone',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const q = ctx.command.args.join(' ').trim();
    let track: string | undefined;
    if (q) {
      const m = matchTrack(c.file.tracks, q);
      if (m.kind !== 'one') {
        const choices = (m.candidates.length ? m.candidates : c.file.tracks).map((t) => t.code);
        refuse(
          'ranking.unknown_track',
          `「${echo(q, 20)}」不是一个赛道。可以写：${choices.join('、')}`,
          `"${echo(q, 20)}" is not a track. Try: ${choices.join(', ')}`,
        );
      }
      track = m.kind === 'one' ? m.item.code : undefined;
    }
    const publication = await latestPublication(s.repos, s.competitionId);
    const view = rankingView({
      roles: ctx.roles,
      chatType: ctx.event.chatType,
      track,
      published: publication !== undefined,
      scoringOpened: now >= judgingWindow(c).opensAt,
    });
    switch (view) {
      case 'published': {
        const projects = await s.repos.projects.allActiveProjects(s.competitionId);
        return ctx.reply(
          track
            ? publishedTrackCard(c, publication!, track, projects, 0, now)
            : overviewCard(c, publication!, projects, 0),
          'ranking',
        );
      }
      case 'live':
        for (const card of await liveCards(s, c, ctx.roles, track, now)) await ctx.reply(card, 'ranking-live');
        return;
      case 'participation': {
        const note =
          ctx.event.chatType === 'group'
            ? NO_SCORES_IN_GROUPS
            : track && ctx.roles.judgeOf.length && now >= judgingWindow(c).opensAt
              ? NOT_LIVE
              : AFTER_PUBLICATION;
        return ctx.reply(await participationCardAt(s, c, now, note), 'participation');
      }
      case 'pending':
        return ctx.reply(NOT_YET_PUBLISHED, 'ranking-pending');
    }
  },
};

export const publishCommand: CommandSpec = {
  name: 'publish-rankings',
  words: ['发布排行', '发布排名', 'publish rankings', 'publish'],
  summary: text(
    '评分截止后发布各赛道排行：冻结快照（输入、参数、结果、哈希）并发到通知群；再次发布生成新版本',
    'After scoring closes, publish the rankings: freeze one snapshot per track (inputs, parameters, results, hash) and post them to the announcement group; publishing again makes a new version',
  ),
  audience: 'office',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const w = judgingWindow(c);
    if (now < w.closesAt)
      refuse(
        'ranking.too_early',
        `评分 ${w.closes} 截止后才能发布排行：在那之前评委还可以修改分数。`,
        `Rankings can be published once scoring has closed (end of ${w.closes}): until then judges may still change their scores.`,
      );
    const outcome = await publishRankings(s, c, ctx.event.senderOpenId, now);
    await ctx.reply(publishedReceipt(c, outcome), 'ranking-publish');
  },
};

/** The live view of one track, if the operator may read it here and now. */
async function liveTrack(
  s: BotServices,
  c: Competition,
  roles: Roles,
  chatId: string | undefined,
  track: string,
  offset: number,
): Promise<Card> {
  const now = s.clock.now();
  if (!liveTracks(roles, [track]).length || now < judgingWindow(c).opensAt)
    refuse('ranking.not_live', NOT_LIVE.zh, NOT_LIVE.en);
  await refuseInGroup(s.repos, chatId, NOT_LIVE);
  const [ranking] = await liveRankings(s.repos, c, [track]);
  return trackCard(c, ranking!, undefined, await s.repos.projects.allActiveProjects(s.competitionId), offset, now);
}

async function publication(s: BotServices, version: number): Promise<Publication> {
  const p = await latestPublication(s.repos, s.competitionId, version);
  if (!p) refuse('ranking.no_version', `没有第 ${version} 版排行。`, `There is no version ${version} of the rankings.`);
  return p!;
}

function ensureTrack(c: Competition, track: string): void {
  if (!c.file.tracks.some((x) => x.code === track))
    refuse('ranking.no_track', `没有 ${track} 赛道。`, `There is no track ${track}.`);
}

export const rankTrackAction: CardActionSpec<'rank.track'> = {
  action: 'rank.track',
  // Published rankings are posted to groups: whoever sees the card may page through it. Live ones are re-checked.
  audience: 'everyone',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    ensureTrack(c, v.t);
    // Live standings never reach a group: liveTrack refuses the click there.
    if (v.v === 0) return { card: await liveTrack(s, c, ctx.roles, ctx.action.chatId, v.t, v.o) };
    const p = await publication(s, v.v);
    const projects = await s.repos.projects.allActiveProjects(s.competitionId);
    const card = publishedTrackCard(c, p, v.t, projects, v.o, s.clock.now());
    return answerClick(ctx, card, trackWhat(c, v.t, v.o), 'ranking');
  },
};

export const rankOverviewAction: CardActionSpec<'rank.overview'> = {
  action: 'rank.overview',
  audience: 'everyone',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const projects = await s.repos.projects.allActiveProjects(s.competitionId);
    if (v.v > 0)
      return answerClick(ctx, overviewCard(c, await publication(s, v.v), projects, v.o), overviewWhat(v.o), 'ranking');
    const now = s.clock.now();
    if (!(ctx.roles.office || ctx.roles.leader) || now < judgingWindow(c).opensAt) {
      refuse(
        'ranking.not_live',
        '你不能查看实时排名总览：排行发布前，只有竞赛办和领导小组能在一对一聊天中查看。',
        'You cannot see the live overview: before publication only the office and the leadership can, in a one-to-one chat with me.',
      );
    }
    await refuseInGroup(s.repos, ctx.action.chatId, NOT_LIVE);
    return { card: overviewOf(c, await liveRankings(s.repos, c), liveMode(c, now), 0, projects, v.o) };
  },
};

export const RANKING_COMMANDS = [rankingCommand, publishCommand] as const;
export const RANKING_ACTIONS = [rankTrackAction, rankOverviewAction] as const;
