/**
 * Rankings as the bot uses them, pure: who may see which view where, the inputs of a track's ranking from the stored
 * sheets (with the automatic own-unit recusals), and the seed of the bootstrap. The method itself is ranking.ts.
 */
import type { Roles } from '../../core/roles';
import { sha256Hex } from '../../platform/hash';
import type { RankingProject, Recusal, RubricCriterion, ScoreSheet, TrackRankingInput } from './rankings.input';

/**
 * What someone asking for rankings is shown:
 *  - 'published': the latest published snapshots. Once the office has published, everybody who may ask sees them,
 *    in any chat: they are the official results.
 *  - 'live': the standings computed now from the stored scores, before publication. Only in a one-to-one chat, and
 *    only for the office and the leadership (every track) and a track's judges (their tracks), once scoring has
 *    opened. Scores never reach a group before publication, whatever the command or the role.
 *  - 'participation': registrations and reporting punctuality, never a score, for those who hold a role.
 *  - 'pending': someone who holds no role, before publication: only that the rankings come once published. The
 *    published rankings are for everyone; nothing else of the competition is theirs to read.
 */
export type RankingView = 'published' | 'live' | 'participation' | 'pending';

export function rankingView(a: {
  roles: Roles;
  chatType: 'p2p' | 'group';
  track: string | undefined;
  published: boolean;
  scoringOpened: boolean;
}): RankingView {
  if (a.published) return 'published';
  const r = a.roles;
  if (!r.office && !r.leader && !r.contactOf.length && !r.judgeOf.length) return 'pending';
  if (a.chatType !== 'p2p' || !a.scoringOpened) return 'participation';
  const mayRead =
    a.track === undefined
      ? a.roles.office || a.roles.leader || a.roles.judgeOf.length > 0
      : liveTracks(a.roles, [a.track]).length > 0;
  return mayRead ? 'live' : 'participation';
}

/** Of `tracks`, those whose live standings these roles may read: all of them for the office and the leadership. */
export function liveTracks(roles: Roles, tracks: readonly string[]): string[] {
  return roles.office || roles.leader ? [...tracks] : tracks.filter((t) => roles.judgeOf.includes(t));
}

/**
 * The bootstrap's seed for a track: the first 32 bits of SHA-256("<competition>|<track>"). Fixed per track rather
 * than drawn at publication, so that publishing again with the same scores gives the same close calls: nobody can
 * re-publish until the 复议 flags suit them. It is stored with every snapshot all the same.
 */
export async function rankingSeed(competitionId: string, track: string): Promise<number> {
  return Number.parseInt((await sha256Hex(`${competitionId}|${track}`)).slice(0, 8), 16);
}

export interface StoredSheetRow {
  readonly judge: string;
  readonly project: string;
  readonly scores: Readonly<Record<string, number>>;
  readonly recused: boolean;
}

export interface SkippedSheet {
  readonly judge: string;
  readonly project: string;
  /** not-a-judge: the person no longer judges this track; incomplete: the rubric changed after they scored. */
  readonly reason: 'not-a-judge' | 'incomplete';
}

/**
 * A track's ranking input from what is stored: the track's active projects; the complete sheets of its current
 * judges; as recusals, every sheet a judge marked recused plus every (judge, project of the judge's own unit) pair.
 * Sheets of people who no longer judge the track, and sheets the rubric has outgrown (a criterion added or its
 * maximum lowered after scoring), are left out and reported, never guessed at.
 */
export function trackRankingInput(a: {
  track: string;
  quota: number;
  rubric: readonly RubricCriterion[];
  projects: readonly RankingProject[];
  sheets: readonly StoredSheetRow[];
  judges: readonly string[];
  unitsOf: ReadonlyMap<string, ReadonlySet<string>>;
}): { input: TrackRankingInput; skipped: SkippedSheet[] } {
  const ids = new Set(a.projects.map((p) => p.id));
  const judges = new Set(a.judges);
  const scores: ScoreSheet[] = [];
  const recusals: Recusal[] = [];
  const skipped: SkippedSheet[] = [];
  for (const s of a.sheets) {
    if (!ids.has(s.project)) continue;
    if (!judges.has(s.judge)) {
      skipped.push({ judge: s.judge, project: s.project, reason: 'not-a-judge' });
      continue;
    }
    if (s.recused) {
      recusals.push({ judge: s.judge, project: s.project });
      continue;
    }
    const complete = a.rubric.every(
      (c) => Number.isInteger(s.scores[c.code]) && s.scores[c.code]! >= 0 && s.scores[c.code]! <= c.max,
    );
    if (!complete) {
      skipped.push({ judge: s.judge, project: s.project, reason: 'incomplete' });
      continue;
    }
    scores.push({
      judge: s.judge,
      project: s.project,
      scores: Object.fromEntries(a.rubric.map((c) => [c.code, s.scores[c.code]!])),
    });
  }
  for (const judge of judges) {
    const units = a.unitsOf.get(judge);
    if (!units) continue;
    for (const p of a.projects) if (units.has(p.unit)) recusals.push({ judge, project: p.id });
  }
  return {
    input: {
      track: a.track,
      quota: a.quota,
      projects: a.projects.map((p) => ({ id: p.id, unit: p.unit, code: p.code })),
      rubric: a.rubric.map((c) => ({ code: c.code, weight: c.weight, max: c.max })),
      scores,
      recusals,
    },
    skipped,
  };
}
