/**
 * The award process in chat (the notice's 评比表彰 stage; README "Awards"). `表彰` shows each person the awards they deal
 * with and the buttons of the steps they may take; `公布表彰` posts the approved list. Every step re-checks on the server
 * who is acting, the award's state and the window, whatever the card says; nominations and their materials are only
 * shown in one-to-one chats, and a group only ever sees the announced list.
 */
import {
  announcementCard,
  awardsCard,
  awardStepCard,
  decisionForm,
  materialsForm,
  nominationForm,
  placeConfirmedCard,
  type AwardRow,
  type QuotaRow,
} from '../../../cards/awards';
import type { Card } from '../../../cards/kit';
import type { AttachedFile, ReceiptFiles } from '../../../cards/attachments';
import { type Competition, stageByCode, trackByCode, unitShortName } from '../../competition/competition';
import type { BotServices, CardActionContext, CardActionSpec, CardResponse, CommandSpec } from '../../lark/handlers';
import type { OutgoingMessage } from '../../lark/outbox.repository';
import { sha256Hex } from '../../platform/hash';
import { refuse } from '../../platform/errors';
import { echo, text, type Text } from '../../platform/i18n';
import { toDbInstant } from '../../platform/instant';
import { latestPublication, liveRankings } from '../rankings';
import type { Roles } from '../../core/roles';
import { matchTrack } from '../../core/scope-matcher';
import { usedPlaces, type Award } from './awards.repository';
import {
  awardWindows,
  decisionsClosed,
  isLive,
  materialsClosed,
  nominationClosed,
  placesLeft,
  stepRefused,
  trackFull,
  trackQuota,
  dutyConflict,
  type Step,
} from './awards.rules';
import { parseDecision, parseMaterials, parseNomination } from '../../../cards/awards.form';
import { problemsText } from '../../core/forms';
import { refuseInGroup } from '../../core/chats';
import { KIND_NAME, type AwardKind, type AwardStatus } from '../../core/awards';

const toastError = (t: Text): CardResponse => ({ toast: { type: 'error', text: t } });
const PRIVATE_ONLY = text(
  '提名和申报材料只在与我的一对一聊天中处理；群里只显示公布后的名单。',
  'Nominations and materials are dealt with in a one-to-one chat with me; a group only sees the announced list.',
);

/** The statuses a unit's contacts see: from the office's confirmation on. */
const CONTACT_SEES: readonly AwardStatus[] = ['allocated', 'materials_submitted', 'approved', 'rejected'];

function canSee(roles: Roles, a: Award): boolean {
  return (
    roles.office ||
    roles.leader ||
    roles.judgeOf.includes(a.track) ||
    (roles.contactOf.includes(a.unit) && CONTACT_SEES.includes(a.status))
  );
}

/** Who is looking at a list or a step card: their roles and their open_id (for the separation of duties). */
interface Viewer {
  roles: Roles;
  openId: string;
}

/** The steps the viewer may take on `a` now (the same checks the actions make). */
function buttonsFor(c: Competition, { roles, openId: viewer }: Viewer, a: Award, now: number): AwardRow['buttons'] {
  const out: AwardRow['buttons'] = [];
  const can = (step: Step) => !stepRefused(step, a.status);
  if (!nominationClosed(c, now)) {
    if (roles.judgeOf.includes(a.track) && can('withdraw'))
      out.push({ label: text('撤回提名', 'Withdraw'), value: { a: 'award.withdraw', w: a.id } });
    if (roles.office && can('confirm') && !dutyConflict('confirm', a, viewer)) {
      out.push({
        label: text('确认名额', 'Confirm the place'),
        value: { a: 'award.confirm', w: a.id },
        type: 'primary',
      });
      out.push({ label: text('不予确认', 'Decline'), value: { a: 'award.decline', w: a.id }, type: 'danger' });
    }
  }
  if (roles.contactOf.includes(a.unit) && can('materials') && !materialsClosed(c, now)) {
    out.push({
      label: a.status === 'allocated' ? text('报送材料', 'Submit materials') : text('修改材料', 'Revise materials'),
      value: { a: 'award.materials.open', w: a.id },
      type: 'primary',
    });
  }
  if (roles.leader && can('decide') && !decisionsClosed(c, now) && !dutyConflict('decide', a, viewer))
    out.push({ label: text('审定', 'Decide'), value: { a: 'award.decide.open', w: a.id }, type: 'primary' });
  return out;
}

async function rowsOf(
  s: BotServices,
  c: Competition,
  viewer: Viewer,
  awards: readonly Award[],
  now: number,
): Promise<AwardRow[]> {
  const projects = await s.repos.projects.projectLabels(
    s.competitionId,
    awards.map((a) => a.projectId),
  );
  return awards.map((a) => toRow(c, a, projects, viewer, now));
}

function toRow(
  c: Competition,
  a: Award,
  projects: ReadonlyMap<string, { code: string; name: string }>,
  viewer: Viewer | undefined,
  now: number,
): AwardRow {
  const p = projects.get(a.projectId);
  return {
    id: a.id,
    track: a.track,
    kind: a.kind,
    status: a.status,
    nominee: a.nominee,
    title: a.title,
    unitName: unitShortName(c, a.unit),
    projectCode: p?.code ?? '',
    projectName: p?.name ?? '',
    reason: a.reason,
    ...(a.materials ? { materials: a.materials } : {}),
    ...(a.decisionNote ? { decisionNote: a.decisionNote } : {}),
    buttons: viewer ? buttonsFor(c, viewer, a, now) : [],
  };
}

function windowLine(c: Competition): Text {
  const w = awardWindows(c);
  const evaluation = stageByCode(c, 'evaluation');
  return text(
    `提名与名额确认：${evaluation.start} 至 ${w.materialsDue}；材料报送截止 ${w.materialsDue}；领导小组审定至 ${evaluation.end}。`,
    `Nominations and confirmations: ${evaluation.start} to ${w.materialsDue}; materials due ${w.materialsDue}; leadership decisions until ${evaluation.end}.`,
  );
}

/** The list card for the viewer, narrowed to one track when given, a page from `offset`. */
async function listCard(
  s: BotServices,
  c: Competition,
  viewer: Viewer,
  track: string | undefined,
  now: number,
  offset = 0,
): Promise<Card> {
  const roles = viewer.roles;
  const all = await s.repos.awards.listAwards(s.competitionId);
  const visible = all.filter((a) => canSee(roles, a) && (!track || a.track === track));
  // Live ones first (by track, kind), the ended ones after.
  visible.sort((x, y) => Number(!isLive(x.status)) - Number(!isLive(y.status)));
  const used = usedPlaces(all);
  const quotaTracks = roles.office || roles.leader ? c.file.tracks.map((t) => t.code) : roles.judgeOf;
  const quotas: QuotaRow[] = c.file.tracks
    .filter((t) => quotaTracks.includes(t.code) && (!track || t.code === track))
    .map((t) => ({
      track: t.code,
      trackName: t.name,
      trackNameEn: t.nameEn,
      collectives: { used: used.get(`${t.code}|collective`) ?? 0, quota: t.quota.collectives },
      individuals: { used: used.get(`${t.code}|individual`) ?? 0, quota: t.quota.individuals },
    }));
  const nominate = nominationClosed(c, now)
    ? []
    : roles.judgeOf
        .filter((t) => !track || t === track)
        .map((t) => ({ track: t, left: placesLeft(c, used, t, 'collective') + placesLeft(c, used, t, 'individual') }))
        .filter((t) => t.left > 0);
  const mine = [...new Set([...roles.judgeOf, ...roles.contactOf.map((u) => unitShortName(c, u))])];
  const scope = roles.office || roles.leader ? text('全部赛道', 'All tracks') : text(mine.join('、'), mine.join(', '));
  const page = (o: number) => ({ a: 'award.list' as const, ...(track ? { t: track } : {}), o });
  return awardsCard({
    scope,
    quotas,
    rows: await rowsOf(s, c, viewer, visible, now),
    nominate,
    window: windowLine(c),
    offset,
    page,
  });
}

/**
 * The announced list, for groups: the awards of the latest announcement (still approved), never a decision taken
 * since and not yet announced.
 */
async function announcedCard(s: BotServices, c: Competition): Promise<Card | undefined> {
  const announced = await s.repos.announcements.latestAnnouncedIds(s.competitionId);
  if (!announced) return undefined;
  return announcement(
    c,
    (await s.repos.awards.listAwards(s.competitionId, { statuses: ['approved'] })).filter((a) => announced.has(a.id)),
  );
}

function announcement(c: Competition, approved: readonly Award[]): Card {
  return announcementCard({
    competitionName: c.file.name,
    competitionNameEn: c.file.nameEn,
    rows: approved.map((a) => ({
      kind: a.kind,
      track: a.track,
      nominee: a.nominee,
      title: a.title,
      unitName: unitShortName(c, a.unit),
    })),
  });
}

export const awardsCommand: CommandSpec = {
  name: 'awards',
  words: ['表彰', '评比表彰', 'awards', 'award'],
  summary: text(
    '评比表彰：评委在名额内提名，竞赛办确认名额，单位报送材料，领导小组审定；群里和其他人看到公布后的名单',
    'Awards: judges nominate within their quota, the office confirms, units submit materials, the leadership decides; groups and everyone else see the announced list',
  ),
  usage: text('表彰 [赛道]', 'awards [track]'),
  audience: 'everyone',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const r = ctx.roles;
    // In a group, and for anyone who takes no part in the process, the announced list: it is public once announced.
    if (ctx.event.chatType !== 'p2p' || (!r.office && !r.leader && !r.judgeOf.length && !r.contactOf.length)) {
      const announced = await announcedCard(s, c);
      return ctx.reply(
        announced ??
          text(
            '表彰名单经领导小组审定、竞赛办公布后会在这里显示。',
            'The award list will be shown here once the leadership has approved it and the office has announced it.',
          ),
        'awards',
      );
    }
    const q = ctx.command.args.join(' ').trim();
    let track: string | undefined;
    if (q) {
      const m = matchTrack(c.file.tracks, q);
      if (m.kind !== 'one')
        refuse('awards.unknown_track', `「${echo(q, 20)}」不是一个赛道。`, `"${echo(q, 20)}" is not a track.`);
      track = m.kind === 'one' ? m.item.code : undefined;
    }
    await ctx.reply(await listCard(s, c, { roles: r, openId: ctx.event.senderOpenId }, track, now), 'awards');
  },
};

export const announceAwardsCommand: CommandSpec = {
  name: 'announce-awards',
  words: ['公布表彰', 'announce awards', 'announce-awards'],
  summary: text(
    '把领导小组审定通过的表彰名单发到通知群和获奖单位的群；名单有变化可再次公布',
    'Post the approved award list to the announcement group and the groups of the units on it; announce again after a change',
  ),
  audience: 'office',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const all = await s.repos.awards.listAwards(s.competitionId);
    const approved = all.filter((a) => a.status === 'approved');
    if (!approved.length)
      refuse(
        'awards.nothing_approved',
        '还没有审定通过的表彰，暂时不能公布。',
        'Nothing has been approved yet: there is nothing to announce.',
      );
    const pending = all.filter((a) => isLive(a.status) && a.status !== 'approved').length;
    // The same list announced twice is one message per chat (the key carries the list's hash); a changed list is new.
    const hash = (
      await sha256Hex(
        approved
          .map((a) => a.id)
          .sort()
          .join(','),
      )
    ).slice(0, 16);
    const again = text(
      `这份表彰名单（${approved.length} 项）已经公布过，没有再发。名单有变化后可以再次公布。`,
      `This award list (${approved.length}) has already been announced; nothing was posted again. Announce again once it changes.`,
    );
    if (await s.repos.announcements.wasAnnounced(s.competitionId, hash)) return ctx.reply(again, 'awards-announce');
    const card = announcement(c, approved);
    const targets = new Set<string>();
    const main = await s.repos.chats.announcementChat(s.competitionId);
    if (main) targets.add(main.chatId);
    const groups = await s.repos.chats.unitGroupChats(s.competitionId);
    for (const unit of new Set(approved.map((a) => a.unit))) {
      const chat = groups.get(unit);
      if (chat) targets.add(chat);
    }
    const messages: OutgoingMessage[] = [...targets].map((chatId) => ({
      key: `awards-announced:${s.competitionId}:${hash}:${chatId}`,
      purpose: 'awards-announced',
      op: 'send',
      receiveIdType: 'chat_id',
      receiveId: chatId,
      rateKey: `chat:${chatId}`,
      msgType: 'interactive',
      content: card,
      competitionId: s.competitionId,
    }));
    const ids = approved.map((a) => a.id).sort();
    const posted = await s.transaction(async (tx) => {
      // Two offices announcing the same list at once: one row, one post.
      if (
        !(await tx.announcements.recordAnnouncement(
          { competitionId: s.competitionId, hash, awardIds: ids, chats: [...targets], actor: ctx.event.senderOpenId },
          now,
        ))
      )
        return false;
      await tx.audit.recordAudit({
        competitionId: s.competitionId,
        actor: ctx.event.senderOpenId,
        action: 'award.announce',
        entityType: 'award_list',
        entityId: hash,
        after: { approved: ids, chats: [...targets] },
        at: now,
      });
      await tx.outbox.enqueueMessages(messages, now);
      return true;
    });
    if (!posted) return ctx.reply(again, 'awards-announce');
    s.wakeOutbox();
    const where = targets.size
      ? text(
          `已发到 ${targets.size} 个群${main ? '（含通知群）' : '（还没有设置通知群：可在通知群里发送「设为通知群」）'}。`,
          `Posted to ${targets.size} group(s)${main ? ' (the announcement group among them)' : ' (no announcement group is set: send "announce-here" in it)'}.`,
        )
      : text(
          '没有可发的群：请先在通知群里发送「设为通知群」，或把单位群绑定到单位。',
          'No group to post to: send "announce-here" in the announcement group, or bind the units\' groups first.',
        );
    const note = pending
      ? text(
          `另有 ${pending} 个提名尚未走完流程，不在这次名单里。`,
          `${pending} more nominations have not finished the process and are not on this list.`,
        )
      : text('', '');
    await ctx.reply(
      text(
        `表彰名单（${approved.length} 项）${where.zh}${note.zh}`,
        `The award list (${approved.length}). ${where.en}${note.en ? ` ${note.en}` : ''}`,
      ),
      'awards-announce',
    );
  },
};

// ── card actions ──────────────────────────────────────────────────────────────────────────────────

const requirePrivate = (ctx: CardActionContext) => refuseInGroup(ctx.services.repos, ctx.action.chatId, PRIVATE_ONLY);

/**
 * What every step on an award checks first, whatever the card says: a one-to-one chat, the award, that the operator
 * is the one who may take this step on it (`owner`), the step from its status, and the step's window.
 */
async function awardFor(
  ctx: CardActionContext,
  id: string,
  step: Step,
  closed: (c: Competition, now: number) => Text | undefined,
  owner?: (c: Competition, a: Award) => void | Promise<void>,
) {
  await requirePrivate(ctx);
  const s = ctx.services;
  const c = await s.competition();
  const found = await s.repos.awards.findAward(s.competitionId, id);
  if (!found) refuse('awards.unknown', '找不到这个提名。', 'This nomination does not exist.');
  const a = found!;
  await owner?.(c, a);
  const conflict = dutyConflict(step, a, ctx.action.operatorOpenId);
  if (conflict) refuse('awards.separation_of_duties', conflict.zh, conflict.en);
  const why = stepRefused(step, a.status);
  if (why) refuse('awards.stale', why.zh, why.en);
  const now = s.clock.now();
  requireOpen(closed(c, now));
  return { s, c, a, now };
}

function requireOpen(why: Text | undefined): void {
  if (why) refuse('awards.closed', why.zh, why.en);
}

/** A judge of the track, not of the nominee's unit: judges neither nominate nor withdraw for their own unit. */
async function requireTrackJudge(ctx: CardActionContext, c: Competition, track: string, unit?: string): Promise<void> {
  const t = trackByCode(c, track);
  if (!t) refuse('awards.no_track', `没有 ${track} 赛道。`, `There is no track ${track}.`);
  if (!ctx.roles.judgeOf.includes(track))
    refuse(
      'awards.not_judge',
      `你不是 ${track} 赛道的评委，不能在这个赛道提名。`,
      `You are not a judge of track ${track}: you cannot nominate there.`,
    );
  if (
    unit &&
    (await ctx.services.repos.roles.unitsOfJudge(ctx.services.competitionId, ctx.action.operatorOpenId)).has(unit)
  ) {
    refuse(
      'awards.own_unit',
      `这是你所在单位（${unitShortName(c, unit)}）的项目，需要回避，不能提名。`,
      `This project is of your own unit (${unitShortName(c, unit)}): you must recuse yourself and cannot nominate it.`,
    );
  }
}

/**
 * After a step: the award as it now stands, or the toast that says someone else was first. `done` is the toast (it may
 * name the nominee: toasts are plain text); `headline` is the card's sentence, our words only (the card shows the
 * nominee below it).
 */
async function stepped(
  ctx: CardActionContext,
  c: Competition,
  a: Award | undefined,
  done: Text,
  headline: Text = done,
  files?: ReceiptFiles,
): Promise<CardResponse> {
  const s = ctx.services;
  if (!a)
    return toastError(
      text(
        '这个提名刚被其他人处理过；请重新发送「表彰」查看最新情况。',
        'Someone else has just dealt with this nomination. Send "awards" for the latest.',
      ),
    );
  const row = toRow(
    c,
    a,
    await s.repos.projects.projectLabels(s.competitionId, [a.projectId]),
    { roles: ctx.roles, openId: ctx.action.operatorOpenId },
    s.clock.now(),
  );
  return {
    card: awardStepCard({ row, done: headline, ...(files ? { files } : {}) }),
    toast: { type: 'success', text: done },
  };
}

async function nominationCard(ctx: CardActionContext, c: Competition, track: string): Promise<Card> {
  const s = ctx.services;
  const used = usedPlaces(await s.repos.awards.listAwards(s.competitionId, { tracks: [track] }));
  const left = {
    collective: placesLeft(c, used, track, 'collective'),
    individual: placesLeft(c, used, track, 'individual'),
  };
  if (left.collective <= 0 && left.individual <= 0)
    refuse(
      'awards.full',
      `${track} 赛道的名额已经提满；可以先撤回一个提名。`,
      `Track ${track} has used all its places; withdraw a nomination first.`,
    );
  const own = await s.repos.roles.unitsOfJudge(s.competitionId, ctx.action.operatorOpenId);
  const projects = (await s.repos.projects.allActiveProjects(s.competitionId, [track])).filter((p) => !own.has(p.unit));
  // A form whose required project list is empty could never be submitted: say why instead.
  if (!projects.length)
    refuse(
      'awards.nothing_to_nominate',
      `${track} 赛道目前没有你可以提名的项目（本单位的项目需要回避）。`,
      `Track ${track} has no project you may nominate (projects of your own unit are recused).`,
    );
  // By the live ranking when there is one, so that the judge nominates from the top.
  const [ranking] = await liveRankings(s.repos, c, [track]);
  const rank = new Map((ranking?.projects ?? []).flatMap((p) => (p.rank ? [[p.id, p.rank] as const] : [])));
  projects.sort((x, y) => (rank.get(x.id) ?? 1e9) - (rank.get(y.id) ?? 1e9) || x.code.localeCompare(y.code));
  const t = trackByCode(c, track)!;
  return nominationForm({
    track,
    trackName: t.name,
    trackNameEn: t.nameEn,
    left,
    projects: projects.map((p) => ({
      id: p.id,
      code: p.code,
      name: p.name,
      unitName: unitShortName(c, p.unit),
      ...(rank.has(p.id) ? { rank: rank.get(p.id)! } : {}),
    })),
  });
}

export const openNominationAction: CardActionSpec<'award.nominate.open'> = {
  action: 'award.nominate.open',
  audience: 'judge',
  async run(ctx, v) {
    await requirePrivate(ctx);
    const c = await ctx.services.competition();
    await requireTrackJudge(ctx, c, v.t);
    requireOpen(nominationClosed(c, ctx.services.clock.now()));
    return { card: await nominationCard(ctx, c, v.t) };
  },
};

export const nominateAction: CardActionSpec<'award.nominate'> = {
  action: 'award.nominate',
  audience: 'judge',
  async run(ctx, v) {
    const s = ctx.services;
    await requirePrivate(ctx);
    const c = await s.competition();
    const now = s.clock.now();
    await requireTrackJudge(ctx, c, v.t);
    requireOpen(nominationClosed(c, now));
    const projects = await s.repos.projects.allActiveProjects(s.competitionId, [v.t]);
    const checked = parseNomination(ctx.action.formValue, projects);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const project = projects.find((p) => p.id === checked.value.projectId)!;
    await requireTrackJudge(ctx, c, v.t, project.unit);
    const kind: AwardKind = checked.value.kind;
    const quota = trackQuota(c, v.t, kind);
    const outcome = await s.repos.awards.insertNomination({
      ...checked.value,
      competitionId: s.competitionId,
      track: v.t,
      unit: project.unit,
      quota,
      actor: ctx.action.operatorOpenId,
      now,
    });
    if (outcome.kind === 'full') return toastError(trackFull(v.t, kind, quota));
    if (outcome.kind === 'duplicate')
      return toastError(
        text(
          `「${checked.value.nominee}」已经被提名为${KIND_NAME[kind].zh}。`,
          `"${checked.value.nominee}" is already nominated as an ${KIND_NAME[kind].en.toLowerCase()}.`,
        ),
      );
    return stepped(
      ctx,
      c,
      outcome.award,
      text(
        `已提名${KIND_NAME[kind].zh}「${outcome.award.nominee}」，等待竞赛办确认名额。`,
        `Nominated "${outcome.award.nominee}" as an ${KIND_NAME[kind].en.toLowerCase()}; the office will confirm the place.`,
      ),
      text(
        `已提名${KIND_NAME[kind].zh}，等待竞赛办确认名额。`,
        `Nominated as an ${KIND_NAME[kind].en.toLowerCase()}; the office will confirm the place.`,
      ),
    );
  },
};

export const withdrawNominationAction: CardActionSpec<'award.withdraw'> = {
  action: 'award.withdraw',
  audience: 'judge',
  async run(ctx, v) {
    const { s, c, a, now } = await awardFor(ctx, v.w, 'withdraw', nominationClosed, (c, a) =>
      requireTrackJudge(ctx, c, a.track),
    );
    const after = await s.repos.awards.stepAward(
      s.competitionId,
      a.id,
      ['nominated'],
      { status: 'withdrawn', audit: { action: 'award.withdraw', actor: ctx.action.operatorOpenId } },
      now,
    );
    return stepped(ctx, c, after, text('已撤回提名，名额空出。', 'Nomination withdrawn; its place is free again.'));
  },
};

export const confirmPlaceAction: CardActionSpec<'award.confirm'> = {
  action: 'award.confirm',
  audience: 'office',
  async run(ctx, v) {
    const { s, c, a, now } = await awardFor(ctx, v.w, 'confirm', nominationClosed);
    const contacts = await s.repos.roles.holdersOf(s.competitionId, 'contact', a.unit);
    const due = awardWindows(c).materialsDue;
    const projects = await s.repos.projects.projectLabels(s.competitionId, [a.projectId]);
    const after = await s.repos.awards.stepAward(
      s.competitionId,
      a.id,
      ['nominated'],
      {
        status: 'allocated',
        set: { allocated_by: ctx.action.operatorOpenId },
        audit: { action: 'award.confirm', actor: ctx.action.operatorOpenId },
        // The unit's contacts learn that materials are now owed; the reminders take it from there.
        messages: (x) =>
          contacts.map((openId) => ({
            key: `award-confirmed:${x.id}:${openId}`,
            purpose: 'award-confirmed',
            op: 'send',
            receiveIdType: 'open_id',
            receiveId: openId,
            rateKey: `user:${openId}`,
            msgType: 'interactive',
            content: placeConfirmedCard({ row: toRow(c, x, projects, undefined, now), due }),
            competitionId: s.competitionId,
          })),
      },
      now,
    );
    if (after) s.wakeOutbox();
    return stepped(
      ctx,
      c,
      after,
      text(
        `已确认名额，已通知${unitShortName(c, a.unit)}的联络员 ${due} 前报送材料。`,
        `Place confirmed; ${unitShortName(c, a.unit)}'s contacts are asked for the materials by ${due}.`,
      ),
    );
  },
};

export const declinePlaceAction: CardActionSpec<'award.decline'> = {
  action: 'award.decline',
  audience: 'office',
  async run(ctx, v) {
    const { s, c, a, now } = await awardFor(ctx, v.w, 'decline', nominationClosed);
    const after = await s.repos.awards.stepAward(
      s.competitionId,
      a.id,
      ['nominated'],
      {
        status: 'declined',
        set: { decided_by: ctx.action.operatorOpenId },
        audit: { action: 'award.decline', actor: ctx.action.operatorOpenId },
      },
      now,
    );
    return stepped(
      ctx,
      c,
      after,
      text('已不予确认，名额空出，评委可另行提名。', 'Declined; the place is free again for another nomination.'),
    );
  },
};

function requireContact(ctx: CardActionContext, c: Competition, a: Award): void {
  if (!ctx.roles.contactOf.includes(a.unit)) {
    const u = unitShortName(c, a.unit);
    refuse(
      'awards.not_contact',
      `这个表彰属于${u}，只有${u}的联络员可以报送材料。`,
      `This award belongs to ${u}: only ${u}'s contacts can submit its materials.`,
    );
  }
}

export const openMaterialsAction: CardActionSpec<'award.materials.open'> = {
  action: 'award.materials.open',
  audience: 'contact',
  async run(ctx, v) {
    const { s, c, a, now } = await awardFor(ctx, v.w, 'materials', materialsClosed, (c, a) =>
      requireContact(ctx, c, a),
    );
    const row = toRow(c, a, await s.repos.projects.projectLabels(s.competitionId, [a.projectId]), undefined, now);
    return {
      card: materialsForm({
        row,
        due: awardWindows(c).materialsDue,
        ...(a.materials ? { prefill: { materials: a.materials, links: a.materialsLinks } } : {}),
      }),
    };
  },
};

export const submitMaterialsAction: CardActionSpec<'award.materials'> = {
  action: 'award.materials',
  audience: 'contact',
  async run(ctx, v) {
    const { s, c, a, now } = await awardFor(ctx, v.w, 'materials', materialsClosed, (c, a) =>
      requireContact(ctx, c, a),
    );
    const checked = parseMaterials(ctx.action.formValue);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const after = await s.repos.awards.stepAward(
      s.competitionId,
      a.id,
      ['allocated', 'materials_submitted'],
      {
        status: 'materials_submitted',
        set: {
          materials: checked.value.materials,
          materials_links: JSON.stringify(checked.value.links),
          materials_by: ctx.action.operatorOpenId,
          materials_at: toDbInstant(now),
        },
        audit: {
          action: a.status === 'allocated' ? 'award.materials' : 'award.materials.revise',
          actor: ctx.action.operatorOpenId,
          after: checked.value,
        },
      },
      now,
    );
    const attachable = after ? await rememberReceipt(ctx, after) : false;
    return stepped(
      ctx,
      c,
      after,
      MATERIALS_IN,
      MATERIALS_IN,
      attachable ? await receiptFiles(s, c, a.id, a.projectId, true) : undefined,
    );
  },
};

const MATERIALS_IN = text(
  '材料已报送，等待领导小组审定；截止前还可以修改。',
  'Materials submitted for the leadership’s decision; you may still revise them until the due day.',
);

// ── evidence files (src/features/attachments) ───────────────────────────────────────────────────

/**
 * The materials' receipt (the card replacing the form, in a one-to-one chat: materials are dealt with only there)
 * becomes what files sent next attach to, or in reply to it. Whether it did.
 */
async function rememberReceipt(ctx: CardActionContext, a: Award): Promise<boolean> {
  const s = ctx.services;
  const { messageId, chatId, operatorOpenId } = ctx.action;
  // A group's receipt lists no files: they would show to everyone there.
  if (!messageId || !operatorOpenId || (chatId && (await s.repos.chats.isKnownGroup(chatId)))) return false;
  await s.repos.attachments.rememberTarget(s.competitionId, {
    messageId,
    openId: operatorOpenId,
    projectId: a.projectId,
    subject: 'award',
    subjectKey: a.id,
    createdAt: s.clock.now(),
  });
  return true;
}

async function attachedFiles(s: BotServices, a: { id: string; projectId: string }): Promise<AttachedFile[]> {
  const files = await s.repos.attachments.attachmentsOf(a.projectId, 'award', a.id);
  return files.map((f) => ({ id: f.id, name: f.fileName, sizeBytes: f.sizeBytes }));
}

async function receiptFiles(
  s: BotServices,
  c: Competition,
  id: string,
  projectId: string,
  open: boolean,
): Promise<ReceiptFiles> {
  return {
    subject: 'award',
    files: await attachedFiles(s, { id, projectId }),
    windowMinutes: c.file.attachments.windowMinutes,
    perItem: c.file.attachments.perItem,
    open,
  };
}

/**
 * An award's materials as the attachments feature sees them (wired in src/container.ts): whose they are, how the
 * confirmation names them, whether files may still come or go (while the materials may change: the same step and
 * window as 修改材料), and the receipt card as it now stands, with the buttons `viewer` may use.
 */
export async function awardAttachSubject(
  s: BotServices,
  target: { subject: 'report' | 'self_evaluation' | 'award'; subjectKey: string },
  viewer: Viewer,
) {
  if (target.subject !== 'award') return undefined;
  const a = await s.repos.awards.findAward(s.competitionId, target.subjectKey);
  if (!a) return undefined;
  const c = await s.competition();
  const now = s.clock.now();
  const closed = stepRefused('materials', a.status) ?? materialsClosed(c, now);
  const projects = await s.repos.projects.projectLabels(s.competitionId, [a.projectId]);
  const code = projects.get(a.projectId)?.code ?? '';
  return {
    unit: a.unit,
    track: a.track,
    name: text(`${code}「${KIND_NAME[a.kind].zh}申报材料」`, `${code} "${KIND_NAME[a.kind].en} award materials"`),
    closed,
    receipt: async (): Promise<Card | undefined> =>
      awardStepCard({
        row: toRow(c, a, projects, viewer, now),
        done: a.status === 'materials_submitted' ? MATERIALS_IN : text('评比表彰', 'Awards'),
        files: await receiptFiles(s, c, a.id, a.projectId, !closed),
      }),
  };
}

export const openDecisionAction: CardActionSpec<'award.decide.open'> = {
  action: 'award.decide.open',
  audience: 'leader',
  async run(ctx, v) {
    const { s, c, a, now } = await awardFor(ctx, v.w, 'decide', decisionsClosed);
    return {
      card: decisionForm({
        row: toRow(c, a, await s.repos.projects.projectLabels(s.competitionId, [a.projectId]), undefined, now),
        links: a.materialsLinks,
        standing: await standingOf(s, c, a),
        files: await attachedFiles(s, a),
      }),
    };
  },
};

/**
 * Where the nominee's project stands, for the leadership's decision: its rank in the latest published rankings (or
 * the live standings, which leaders may read one-to-one, before publication), out of the track's ranked projects.
 */
async function standingOf(s: BotServices, c: Competition, a: Award): Promise<Text> {
  const published = (await latestPublication(s.repos, s.competitionId))?.snapshots.get(a.track)?.results;
  const ranking = published ?? (await liveRankings(s.repos, c, [a.track]))[0];
  const p = ranking?.projects.find((x) => x.id === a.projectId);
  const where = published
    ? text('已发布排行', 'published rankings')
    : text('实时排名（未发布）', 'live standings (unpublished)');
  if (!ranking || !p?.rank)
    return text(
      `所依托的项目在${where.zh}中没有名次（没有计入的评分）。`,
      `The project has no rank in the ${where.en} (no counted scores).`,
    );
  return text(
    `所依托的项目在${where.zh}中列 ${a.track} 赛道第 ${p.rank} 名（共 ${ranking.ranked} 个有名次的项目，名额线 ${ranking.quota}）。`,
    `The project ranks #${p.rank} of ${ranking.ranked} in track ${a.track} in the ${where.en} (award line: ${ranking.quota}).`,
  );
}

export const decideAction: CardActionSpec<'award.decide'> = {
  action: 'award.decide',
  audience: 'leader',
  async run(ctx, v) {
    const { s, c, a, now } = await awardFor(ctx, v.w, 'decide', decisionsClosed);
    const checked = parseDecision(v.d, ctx.action.formValue);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const approve = checked.value.decision === 'approve';
    const after = await s.repos.awards.stepAward(
      s.competitionId,
      a.id,
      ['materials_submitted'],
      {
        status: approve ? 'approved' : 'rejected',
        set: {
          decided_by: ctx.action.operatorOpenId,
          decision_note: checked.value.note || null,
          decided_at: toDbInstant(now),
        },
        audit: {
          action: approve ? 'award.approve' : 'award.reject',
          actor: ctx.action.operatorOpenId,
          after: { note: checked.value.note },
        },
      },
      now,
    );
    return stepped(
      ctx,
      c,
      after,
      approve ? text('已审定通过。', 'Approved.') : text('已审定为不通过。', 'Not approved.'),
    );
  },
};

export const listAwardsAction: CardActionSpec<'award.list'> = {
  action: 'award.list',
  audience: 'everyone',
  async run(ctx, v) {
    await requirePrivate(ctx);
    const s = ctx.services;
    const r = ctx.roles;
    if (!r.office && !r.leader && !r.judgeOf.length && !r.contactOf.length)
      refuse('awards.no_role', '你目前没有表彰相关的角色。', 'You hold no role in the award process.');
    const c = await s.competition();
    const track = v.t && c.file.tracks.some((t) => t.code === v.t) ? v.t : undefined;
    return { card: await listCard(s, c, { roles: r, openId: ctx.action.operatorOpenId }, track, s.clock.now(), v.o) };
  },
};

export const AWARD_COMMANDS: readonly CommandSpec[] = [awardsCommand, announceAwardsCommand];
export const AWARD_ACTIONS: readonly CardActionSpec<any>[] = [
  openNominationAction,
  nominateAction,
  withdrawNominationAction,
  confirmPlaceAction,
  declinePlaceAction,
  openMaterialsAction,
  submitMaterialsAction,
  openDecisionAction,
  decideAction,
  listAwardsAction,
];
