/**
 * Summaries for chats: participation and punctuality (never scores) until the rankings are published, and the
 * scheduled digest to the announcement group (competition file `summaries`), run from the minute tick and posted
 * once per slot however many servers tick: the slot's summary_runs row and its outbox message commit together.
 */
import { sheetsWithTracks } from '../scoring';
import { participationCard, type ParticipationView, type TrackRef } from '../../../cards/rankings';
import type { Card } from '../../../cards/kit';
import { startOfLocalDay } from '../../competition/calendar';
import { stageAt, stageByCode, type Competition } from '../../competition/competition';
import type { BotServices } from '../../lark/handlers';
import { text, type Text } from '../../platform/i18n';
import { registrationOverview } from '../registration';
import { defaultPeriod, periodOverview } from '../reports';
import { judgingProgress, judgingWindow } from '../scoring';
import { overviewCard } from '../rankings';
import { digestKind, dueDigestSlot } from './summaries.rules';
import { periodWindows } from '../../core/periods';
import { unitsOfPeople } from '../../core/roles';

const trackRefs = (c: Competition): TrackRef[] =>
  c.file.tracks.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn }));

/**
 * The participation card at `now`: registrations always; during implementation and evaluation, the punctuality of
 * the latest period already due (or the open one); during evaluation, judging progress. `note` says why no score is
 * shown, when someone asked for rankings.
 */
export async function participationCardAt(s: BotServices, c: Competition, now: number, note?: Text): Promise<Card> {
  const stage = stageAt(c, now);
  const beforeSeason = !stage && now < startOfLocalDay(stageByCode(c, 'registration').start, c.timeZone);
  // Outside the stages: before registration reads like registration, after evaluation like its end.
  const kind: ParticipationView['kind'] =
    stage?.code === 'implementation'
      ? 'implementation'
      : stage?.code === 'registration' || beforeSeason
        ? 'registration'
        : 'judging';
  const stageName = stage
    ? text(`${stage.name}（${stage.start} ~ ${stage.end}）`, `${stage.nameEn} (${stage.start} – ${stage.end})`)
    : beforeSeason
      ? text('报名尚未开始', 'registration has not started')
      : text('本届竞赛已结束', 'the competition is over');
  const tracks = trackRefs(c);
  const overview = registrationOverview({
    units: c.file.units,
    tracks: c.file.tracks,
    counts: await s.repos.projects.activeCounts(s.competitionId),
  });
  const view: ParticipationView = {
    kind,
    stage: stageName,
    tracks,
    registrations: {
      rows: overview.rows.map((r) => ({ unitName: r.name, byTrack: r.byTrack, total: r.total })),
      trackTotals: overview.trackTotals,
      total: overview.total,
      unitsWithout: overview.unitsWithout,
    },
    ...(note ? { note } : {}),
  };
  if (kind === 'registration') return participationCard(view);

  const projects = await s.repos.projects.allActiveProjects(s.competitionId);
  const windows = periodWindows(c);
  const period = windows.filter((w) => w.dueAt <= now).at(-1) ?? defaultPeriod(windows, now);
  if (period) {
    const first = await s.repos.reports.firstReportTimes(s.competitionId, period.code);
    const byProject = new Map([...first].map(([k, v]) => [k.split('|')[0]!, v]));
    const o = periodOverview(
      period,
      projects.map((p) => ({ id: p.id, code: p.code, unit: p.unit, track: p.track, createdAt: p.createdAt })),
      byProject,
      now,
    );
    view.reports = {
      periodName: text(period.name, period.nameEn),
      due: period.due,
      total: o.total,
      byUnit: c.file.units
        .filter((u) => o.byUnit.has(u.code))
        .map((u) => ({ unitName: u.shortName, tally: o.byUnit.get(u.code)! })),
      byTrack: tracks.filter((t) => o.byTrack.has(t.code)).map((t) => ({ track: t, tally: o.byTrack.get(t.code)! })),
    };
  }
  if (kind === 'judging') {
    const [grants, allSheets] = await Promise.all([
      s.repos.roles.judgingGrants(s.competitionId),
      s.repos.scores.sheetsOfCompetition(s.competitionId),
    ]);
    const sheets = sheetsWithTracks(allSheets, projects);
    const progress = judgingProgress({
      tracks: tracks.map((t) => t.code),
      projects,
      judges: grants.filter((g) => g.role === 'judge').map((g) => ({ openId: g.openId, track: g.scope })),
      unitsOf: unitsOfPeople(grants),
      sheets,
    });
    view.judging = {
      closes: judgingWindow(c).closes,
      byTrack: progress.map((p, i) => ({ track: tracks[i]!, judges: p.judges, done: p.done, expected: p.expected })),
    };
  }
  return participationCard(view);
}

/** What the digest posts at `now`: the published overview once there is a publication, else participation. */
export async function digestAt(
  s: BotServices,
  c: Competition,
  now: number,
): Promise<{ card: Card; kind: string } | undefined> {
  const publication = await s.repos.snapshots.findPublication(s.competitionId);
  const kind = digestKind(stageAt(c, now)?.code, publication !== undefined);
  if (!kind) return undefined;
  if (kind === 'rankings')
    return { kind, card: overviewCard(c, publication!, await s.repos.projects.allActiveProjects(s.competitionId), 0) };
  return { kind, card: await participationCardAt(s, c, now) };
}

/**
 * The scheduled digest, from the minute tick: when a slot is due (see dueDigestSlot) and not yet recorded, and the
 * competition has an announcement group, records the slot and enqueues the digest in one transaction. The row's key
 * makes it once per slot across servers and repeated ticks. Never throws: a failure is logged and the next tick
 * tries again within the slot's grace. Returns how many digests this call posted (0 or 1).
 */
export async function runScheduledSummaries(s: BotServices, now: number): Promise<number> {
  try {
    const c = await s.competition();
    const schedule = c.file.summaries;
    if (!schedule) return 0;
    const slot = dueDigestSlot(
      schedule,
      {
        timeZone: c.timeZone,
        calendar: c.calendar,
        from: stageByCode(c, 'registration').start,
        until: stageByCode(c, 'evaluation').end,
      },
      now,
    );
    // Most minutes end here, or at the next line, without writing anything.
    if (!slot || (await s.repos.summaries.digestRan(s.competitionId, slot.slot))) return 0;
    const chat = await s.repos.chats.announcementChat(s.competitionId);
    if (!chat) return 0;
    const digest = await digestAt(s, c, now);
    if (!digest) return 0;
    const posted = await s.transaction(async (tx) => {
      if (
        !(await tx.summaries.claimDigest(
          { competitionId: s.competitionId, slot: slot.slot, chatId: chat.chatId, kind: digest.kind },
          now,
        ))
      )
        return false;
      await tx.outbox.enqueueMessages(
        [
          {
            key: `digest:${s.competitionId}:${slot.slot}:${chat.chatId}`,
            purpose: 'summary-digest',
            op: 'send',
            receiveIdType: 'chat_id',
            receiveId: chat.chatId,
            rateKey: `chat:${chat.chatId}`,
            msgType: 'interactive',
            content: digest.card,
            competitionId: s.competitionId,
          },
        ],
        now,
      );
      return true;
    });
    if (posted) s.logger.info('summary digest', { slot: slot.slot, kind: digest.kind, chat: chat.chatId });
    return posted ? 1 : 0;
  } catch (err) {
    s.logger.error('summary digest failed; the next tick tries again', { err });
    return 0;
  }
}
