/**
 * Rankings from the stored scores: the inputs of each track (rankings.rules), the live standings, and publication
 * (发布排行), which freezes one snapshot per track, checks each by recomputing it, stores them with their hashes in the
 * audit log, and posts the overview to the announcement group, all in one transaction.
 */
import { sheetsWithTracks } from '../scoring';
import type { Repositories } from '../../platform/store';
import {
  publishedCard,
  rankingsOverviewCard,
  trackRankingCard,
  type CrossRow,
  type RankingMode,
  type RankRow,
  type TrackRef,
  type TrackSummary,
  type UnitRow,
} from '../../../cards/rankings';
import type { Card } from '../../../cards/kit';
import { localDateOf, localDateTimeOf } from '../../competition/calendar';
import { type Competition, trackByCode, unitShortName } from '../../competition/competition';
import type { BotServices } from '../../lark/handlers';
import type { Project } from '../../core/projects.repository';
import { computeTrackRanking, rankingParameters, type TrackRanking } from './rankings.method';
import { freezeRanking, verifySnapshot, type RankingSnapshot } from './rankings.snapshot';
import { crossTrackOverview, unitSummaries } from './rankings.views';
import { rankingSeed, trackRankingInput, type SkippedSheet } from './rankings.rules';
import type { TrackRankingInput } from './rankings.input';
import type { Publication } from './snapshots.repository';
import { unitsOfPeople } from '../../core/roles';

export interface TrackInputs {
  track: string;
  input: TrackRankingInput;
  skipped: SkippedSheet[];
}

/** The ranking inputs of some tracks (all of the file's, in its order, when omitted), read from the database. */
export async function loadTrackInputs(
  repos: Repositories,
  c: Competition,
  tracks?: readonly string[],
): Promise<TrackInputs[]> {
  const wanted = c.file.tracks.filter((t) => !tracks || tracks.includes(t.code));
  const codes = wanted.map((t) => t.code);
  const [projects, allSheets, grants] = await Promise.all([
    repos.projects.allActiveProjects(c.id, codes),
    repos.scores.sheetsOfCompetition(c.id),
    repos.roles.judgingGrants(c.id),
  ]);
  const sheets = sheetsWithTracks(allSheets, projects);
  const unitsOf = unitsOfPeople(grants);
  return wanted.map((t) => {
    const built = trackRankingInput({
      track: t.code,
      // Projects are entered by units: a track's ranking line is its quota of advanced collectives.
      quota: t.quota.collectives,
      rubric: c.file.rubric,
      projects: projects.filter((p) => p.track === t.code).map((p) => ({ id: p.id, unit: p.unit, code: p.code })),
      sheets: sheets
        .filter((s) => s.track === t.code)
        .map((s) => ({ judge: s.judge, project: s.projectId, scores: s.scores, recused: s.recused })),
      judges: grants.filter((g) => g.role === 'judge' && g.scope === t.code).map((g) => g.openId),
      unitsOf,
    });
    return { track: t.code, ...built };
  });
}

export async function parametersFor(competitionId: string, track: string) {
  return rankingParameters({ seed: await rankingSeed(competitionId, track) });
}

/** The standings now, from the stored scores, for some tracks (not stored, not published). */
export async function liveRankings(
  repos: Repositories,
  c: Competition,
  tracks?: readonly string[],
): Promise<TrackRanking[]> {
  const inputs = await loadTrackInputs(repos, c, tracks);
  return Promise.all(inputs.map(async (t) => computeTrackRanking(t.input, await parametersFor(c.id, t.track))));
}

export interface PublishOutcome {
  version: number;
  /** `judges`: judges whose sheets count in the track. */
  tracks: Array<{
    track: string;
    hash: string;
    ranked: number;
    projects: number;
    judges: number;
    closeCalls: number;
    skipped: number;
  }>;
  verified: boolean;
  /** The announcement group's name ('' when unnamed) when the overview was posted there; undefined when there is none. */
  posted?: string;
}

/**
 * Freezes every track's ranking as version n+1. Each snapshot is recomputed from its own inputs and parameters
 * before it is stored (the receipt says whether that held: it could only fail on an engine that rounds differently);
 * the snapshots, one audit record per track with its hash, and the overview for the announcement group commit
 * together or not at all.
 */
export async function publishRankings(
  s: BotServices,
  c: Competition,
  actor: string,
  now: number,
): Promise<PublishOutcome> {
  const inputs = await loadTrackInputs(s.repos, c);
  const snapshots: RankingSnapshot[] = [];
  let verified = true;
  for (const t of inputs) {
    const snapshot = await freezeRanking(t.input, await parametersFor(c.id, t.track));
    verified &&= (await verifySnapshot(snapshot)).ok;
    snapshots.push(snapshot);
  }
  const projects = await s.repos.projects.allActiveProjects(c.id);
  const chat = await s.repos.chats.announcementChat(c.id);
  const version = await s.transaction(async (tx) => {
    await tx.snapshots.lockPublications(c.id);
    const v = (await tx.snapshots.latestVersion(c.id)) + 1;
    await tx.snapshots.insertSnapshots(c.id, v, snapshots, actor, now);
    for (const snap of snapshots) {
      await tx.audit.recordAudit({
        competitionId: c.id,
        actor,
        action: 'ranking.publish',
        entityType: 'ranking_snapshot',
        entityId: `v${v}/${snap.inputs.track}`,
        after: {
          version: v,
          track: snap.inputs.track,
          hash: snap.hash,
          method: snap.method,
          seed: snap.parameters.seed,
          resamples: snap.parameters.resamples,
          ranked: snap.results.ranked,
        },
        at: now,
      });
    }
    if (chat) {
      const publication: Publication = {
        version: v,
        publishedAt: now,
        publishedBy: actor,
        snapshots: new Map(snapshots.map((x) => [x.inputs.track, x])),
      };
      const card = overviewCard(c, publication, projects, 0);
      await tx.outbox.enqueueMessages(
        [
          {
            key: `ranking-published:${c.id}:${v}:${chat.chatId}`,
            purpose: 'ranking-published',
            op: 'send',
            receiveIdType: 'chat_id',
            receiveId: chat.chatId,
            rateKey: `chat:${chat.chatId}`,
            msgType: 'interactive',
            content: card,
            competitionId: c.id,
          },
        ],
        now,
      );
    }
    return v;
  });
  // The outbox row goes out with the drain that the office's reply starts.
  return {
    version,
    verified,
    tracks: inputs.map((t, i) => ({
      track: t.track,
      hash: snapshots[i]!.hash,
      ranked: snapshots[i]!.results.ranked,
      projects: t.input.projects.length,
      judges: snapshots[i]!.results.judges.filter((j) => j.projects > 0).length,
      closeCalls: snapshots[i]!.results.projects.filter((p) => p.closeCall).length,
      skipped: t.skipped.length,
    })),
    ...(chat ? { posted: chat.name ?? '' } : {}),
  };
}

export const latestPublication = (repos: Repositories, competitionId: string, version?: number) =>
  repos.snapshots.findPublication(competitionId, version);

// ── view models for the cards ─────────────────────────────────────────────────────────────────────────────────────

const trackRef = (c: Competition, code: string): TrackRef => {
  const t = trackByCode(c, code);
  return { code, name: t?.name ?? code, nameEn: t?.nameEn ?? code };
};

/** Names of projects by id; a project withdrawn since a snapshot is still named by its code. */
const namesOf = (projects: readonly Project[]) => new Map(projects.map((p) => [p.id, p.name]));

export function rankRows(
  c: Competition,
  r: TrackRanking,
  names: ReadonlyMap<string, string>,
): { rows: RankRow[]; unscored: Array<{ code: string; name: string }> } {
  const rows: RankRow[] = [];
  const unscored: Array<{ code: string; name: string }> = [];
  for (const p of r.projects) {
    if (p.rank === null) unscored.push({ code: p.code, name: names.get(p.id) ?? '' });
    else
      rows.push({
        rank: p.rank,
        code: p.code,
        name: names.get(p.id) ?? '',
        unitName: unitShortName(c, p.unit),
        score: p.score!,
        rawMean: p.rawMean!,
        judges: p.judges,
        inQuota: p.inQuota,
        closeCall: p.closeCall,
      });
  }
  return { rows, unscored };
}

const modeOf = (c: Competition, publication: Publication | undefined, now: number, track?: string): RankingMode =>
  publication
    ? {
        kind: 'published',
        version: publication.version,
        publishedOn: localDateOf(publication.publishedAt, c.timeZone),
        ...(track ? { hash: publication.snapshots.get(track)?.hash } : {}),
      }
    : { kind: 'live', asOf: localDateTimeOf(now, c.timeZone) };

/** One track's ranking card: from a publication, or live (publication undefined) as of `now`. */
export function trackCard(
  c: Competition,
  ranking: TrackRanking,
  publication: Publication | undefined,
  projects: readonly Project[],
  offset: number,
  now: number,
): Card {
  const { rows, unscored } = rankRows(c, ranking, namesOf(projects));
  const version = publication?.version ?? 0;
  return trackRankingCard({
    track: trackRef(c, ranking.track),
    mode: modeOf(c, publication, now, ranking.track),
    quota: ranking.quota,
    rows,
    unscored,
    flatJudges: ranking.judges.filter((j) => j.status === 'flat').length,
    offset,
    page: (o) => ({ a: 'rank.track', t: ranking.track, v: version, o }),
    overview: { a: 'rank.overview', v: version, o: 0 },
  });
}

/** The cross-track overview card of some rankings: a publication's, or live ones. */
export function overviewOf(
  c: Competition,
  rankings: readonly TrackRanking[],
  mode: RankingMode,
  version: number,
  projects: readonly Project[],
  offset: number,
): Card {
  const names = namesOf(projects);
  const tracks: TrackSummary[] = rankings.map((r) => ({
    ...trackRef(c, r.track),
    ranked: r.ranked,
    quota: r.quota,
    closeCalls: r.projects.filter((p) => p.closeCall).length,
    inQuota: r.projects
      .filter((p) => p.inQuota)
      .map((p) => ({
        rank: p.rank!,
        code: p.code,
        name: names.get(p.id) ?? '',
        unitName: unitShortName(c, p.unit),
        closeCall: p.closeCall,
      })),
  }));
  const units: UnitRow[] = unitSummaries(rankings).map((u) => ({
    unitName: unitShortName(c, u.unit),
    meanPercentile: u.meanPercentile,
    ranked: u.ranked,
    inQuota: u.inQuota,
    closeCalls: u.closeCalls,
  }));
  const entries: CrossRow[] = crossTrackOverview(rankings).map((e) => ({
    position: e.position,
    trackCode: e.track,
    code: e.code,
    name: names.get(e.id) ?? '',
    unitName: unitShortName(c, e.unit),
    percentile: e.percentile,
    rank: e.rank,
    of: e.of,
    inQuota: e.inQuota,
    closeCall: e.closeCall,
  }));
  return rankingsOverviewCard({
    mode,
    tracks,
    units,
    entries,
    offset,
    page: (o) => ({ a: 'rank.overview', v: version, o }),
    trackAction: (t) => ({ a: 'rank.track', t, v: version, o: 0 }),
  });
}

/** A publication's overview card, its cross-track table from `offset`. */
export function overviewCard(
  c: Competition,
  publication: Publication,
  projects: readonly Project[],
  offset: number,
): Card {
  const rankings = [...publication.snapshots.values()].map((s) => s.results);
  return overviewOf(
    c,
    rankings,
    modeOf(c, publication, publication.publishedAt),
    publication.version,
    projects,
    offset,
  );
}

export const liveMode = (c: Competition, now: number): RankingMode => modeOf(c, undefined, now);

/** The office's receipt card for a publication. */
export function publishedReceipt(c: Competition, o: PublishOutcome): Card {
  return publishedCard({
    version: o.version,
    verified: o.verified,
    posted: o.posted,
    tracks: o.tracks.map((t) => ({
      track: trackRef(c, t.track),
      ranked: t.ranked,
      projects: t.projects,
      judges: t.judges,
      closeCalls: t.closeCalls,
      hash: t.hash,
      skipped: t.skipped,
    })),
  });
}
