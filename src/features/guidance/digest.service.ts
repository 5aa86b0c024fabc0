/**
 * The judges' daily card (competition file `guidance.judgeDigest`), run from the minute tick: at the configured local
 * time on each (working) day from the start of implementation until judging closes, every track judge gets one card
 * one-to-one listing what is new in their tracks since their last card: reports and self-evaluations (first ones and
 * revisions) and answers to guidance comments. Nothing is sent when nothing is new.
 *
 * Exactly once across servers and re-runs: the judge_digests row of (judge, day) and the card's outbox message commit
 * together; the outbox key (`judge-digest:<competition>:<open_id>:<day>`) backs it up.
 */
import { judgeDigestCard, type JudgeDigestView } from '../../../cards/guidance-digest';
import { localDateTimeOf } from '../../competition/calendar';
import { milestoneByCode, periodByCode, stageByCode, type Competition } from '../../competition/competition';
import type { BotServices } from '../../lark/handlers';
import type { OutgoingMessage } from '../../lark/outbox.repository';
import { text } from '../../platform/i18n';
import {
  dueJudgeDigest,
  firstCardSince,
  judgeDigestEntries,
  type DigestEntry,
  type DigestEvent,
  type DigestSeason,
} from './guidance.rules';

/** From the first day of implementation to the day judging closes (the end of evaluation without that milestone). */
export function digestSeason(c: Competition): DigestSeason {
  return {
    timeZone: c.timeZone,
    calendar: c.calendar,
    from: stageByCode(c, 'implementation').start,
    until: milestoneByCode(c, 'judging-close')?.date ?? stageByCode(c, 'evaluation').end,
  };
}

function view(c: Competition, day: string, since: number, tracks: ReadonlySet<string>, entries: DigestEntry[]) {
  const periodName = (code: string) => {
    const p = periodByCode(c, code);
    return p ? text(p.name, p.nameEn) : text(code, code);
  };
  const v: JudgeDigestView = {
    day,
    since: localDateTimeOf(since, c.timeZone),
    tracks: c.file.tracks.filter((t) => tracks.has(t.code)),
    projects: entries.map((e) => ({
      id: e.project.id,
      code: e.project.code,
      name: e.project.name,
      trackCode: e.project.track,
      periods: e.periods.map((p) => ({
        name: periodName(p.period),
        ...(p.report ? { report: p.report } : {}),
        ...(p.selfEvaluation ? { selfEvaluation: p.selfEvaluation } : {}),
        ...(p.answers ? { answers: p.answers } : {}),
      })),
    })),
  };
  return v;
}

export interface JudgeDigestRun {
  /** Cards enqueued by this run. */
  sent: number;
  /** Judges checked with nothing new (recorded, nothing sent). */
  empty: number;
}

/**
 * Sends the cards due at `now` (see dueJudgeDigest) to the judges not yet recorded for the day. Never throws: a
 * failure is logged, and the next tick tries again within the day's grace.
 */
export async function runJudgeDigests(s: BotServices, now: number): Promise<JudgeDigestRun> {
  const run: JudgeDigestRun = { sent: 0, empty: 0 };
  try {
    const c = await s.competition();
    const settings = c.file.guidance.judgeDigest;
    const season = digestSeason(c);
    const slot = dueJudgeDigest(settings, season, now);
    // Most minutes end here.
    if (!slot) return run;
    const tracksOf = new Map<string, Set<string>>();
    for (const g of await s.repos.roles.judgingGrants(s.competitionId))
      if (g.role === 'judge') tracksOf.set(g.openId, (tracksOf.get(g.openId) ?? new Set()).add(g.scope));
    const done = await s.repos.judgeDigests.judgesDigestedOn(s.competitionId, slot.day);
    const pending = [...tracksOf.keys()].filter((j) => !done.has(j)).sort();
    if (!pending.length) return run;

    const last = await s.repos.judgeDigests.lastCoveredUntil(s.competitionId, pending);
    const first = firstCardSince(settings, season, slot.day);
    const sinceOf = (judge: string) => Math.min(last.get(judge) ?? first, slot.at);
    const earliest = Math.min(...pending.map(sinceOf));
    const tracks = new Set(pending.flatMap((j) => [...tracksOf.get(j)!]));
    const projects = await s.repos.projects.allActiveProjects(s.competitionId, [...tracks].sort());
    const ids = projects.map((p) => p.id);
    const [reports, selfs, answers] = await Promise.all([
      s.repos.reports.reportsOfProjects(ids),
      s.repos.reports.selfEvaluationsOfProjects(ids),
      s.repos.guidance.answersBetween(s.competitionId, earliest, slot.at),
    ]);
    const events: DigestEvent[] = [
      ...reports.map((r) => ({
        kind: 'report' as const,
        projectId: r.projectId,
        period: r.period,
        revision: r.revision,
        at: r.submittedAt,
      })),
      ...selfs.map((r) => ({
        kind: 'self_evaluation' as const,
        projectId: r.projectId,
        period: r.period,
        revision: r.revision,
        at: r.submittedAt,
      })),
      ...answers.map(({ answer, comment }) => ({
        kind: 'answer' as const,
        projectId: comment.projectId,
        period: comment.period,
        commentBy: comment.authorOpenId,
        at: answer.createdAt,
      })),
    ].filter((e) => e.at >= earliest && e.at < slot.at);
    const digestProjects = projects.map((p) => ({ id: p.id, code: p.code, name: p.name, track: p.track }));
    const periodOrder = c.periods.map((p) => p.code);

    for (const judge of pending) {
      const since = sinceOf(judge);
      const mine = tracksOf.get(judge)!;
      const entries = judgeDigestEntries({
        judge,
        tracks: mine,
        projects: digestProjects,
        events,
        since,
        until: slot.at,
        periodOrder,
      });
      const message: OutgoingMessage | undefined = entries.length
        ? {
            key: `judge-digest:${s.competitionId}:${judge}:${slot.day}`,
            purpose: 'judge-digest',
            op: 'send',
            receiveIdType: 'open_id',
            receiveId: judge,
            rateKey: `user:${judge}`,
            msgType: 'interactive',
            content: judgeDigestCard(view(c, slot.day, since, mine, entries)),
            competitionId: s.competitionId,
          }
        : undefined;
      const claimed = await s.transaction(async (tx) => {
        const made = await tx.judgeDigests.claimJudgeDigest(
          {
            competitionId: s.competitionId,
            openId: judge,
            day: slot.day,
            coveredUntil: slot.at,
            items: entries.length,
          },
          now,
        );
        if (made && message) await tx.outbox.enqueueMessages([message], now);
        return made;
      });
      if (claimed && message) run.sent++;
      else if (claimed) run.empty++;
    }
    if (run.sent) {
      s.wakeOutbox();
      s.logger.info('judge digests', { day: slot.day, ...run });
    }
    return run;
  } catch (err) {
    s.logger.error('judge digests failed; the next tick tries again', { err });
    return run;
  }
}
