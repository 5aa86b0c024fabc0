/**
 * The award process as pure rules (the notice's 评比表彰 stage): track judges nominate within their track's quota, the office
 * confirms each nomination (allocates the place), the unit submits the materials, the leadership approves or rejects,
 * the office announces. Who may do what, in which state and until when, is decided here; the handlers only load and
 * store.
 *
 *   nominated ──office confirms──▶ allocated ──unit submits──▶ materials_submitted ──leader──▶ approved | rejected
 *       │ judge withdraws / office declines                      (resubmitted until the due day)
 *       ▼
 *   withdrawn | declined
 */
import {
  type Competition,
  deadlineInstant,
  milestoneByCode,
  stageByCode,
  trackByCode,
} from '../../competition/competition';
import { startOfLocalDay } from '../../competition/calendar';
import { text, type Text } from '../../platform/i18n';
import { KIND_NAME, STATUS_NAME, type AwardKind, type AwardStatus } from '../../core/awards';

/** Statuses that hold a quota place. */
export const LIVE: readonly AwardStatus[] = ['nominated', 'allocated', 'materials_submitted', 'approved'];
export const isLive = (s: string): boolean => (LIVE as readonly string[]).includes(s);

// ── windows ──────────────────────────────────────────────────────────────────────────────────────

export interface AwardWindows {
  /** Nominations and the office's confirmations: from the start of the evaluation stage to the materials' due day. */
  nominateFrom: number;
  nominateUntil: number;
  /** Materials: until the end of the materials' due day. */
  materialsUntil: number;
  materialsDue: string;
  /** Decisions: until the end of the evaluation stage. */
  decideUntil: number;
}

export function awardWindows(c: Competition): AwardWindows {
  const evaluation = stageByCode(c, 'evaluation');
  const materials = milestoneByCode(c, 'materials-due');
  const materialsDue = materials?.date ?? evaluation.end;
  return {
    nominateFrom: startOfLocalDay(evaluation.start, c.timeZone),
    nominateUntil: deadlineInstant(c, materialsDue),
    materialsUntil: deadlineInstant(c, materialsDue),
    materialsDue,
    decideUntil: deadlineInstant(c, evaluation.end),
  };
}

/** Why nominating (or confirming) is not possible now, if it is not. */
export function nominationClosed(c: Competition, now: number): Text | undefined {
  const w = awardWindows(c);
  const evaluation = stageByCode(c, 'evaluation');
  if (now < w.nominateFrom)
    return text(
      `评比表彰阶段 ${evaluation.start} 开始，届时才能提名。`,
      `Nominations open with the evaluation stage on ${evaluation.start}.`,
    );
  if (now >= w.nominateUntil)
    return text(
      `提名和名额确认已于 ${w.materialsDue} 截止。`,
      `Nominations and confirmations closed on ${w.materialsDue}.`,
    );
  return undefined;
}

export function materialsClosed(c: Competition, now: number): Text | undefined {
  const w = awardWindows(c);
  if (now >= w.materialsUntil)
    return text(`申报材料已于 ${w.materialsDue} 截止报送。`, `Award materials were due on ${w.materialsDue}.`);
  return undefined;
}

export function decisionsClosed(c: Competition, now: number): Text | undefined {
  const evaluation = stageByCode(c, 'evaluation');
  if (now >= awardWindows(c).decideUntil)
    return text(`评比表彰阶段已于 ${evaluation.end} 结束。`, `The evaluation stage ended on ${evaluation.end}.`);
  return undefined;
}

// ── quotas ───────────────────────────────────────────────────────────────────────────────────────

export function trackQuota(c: Competition, track: string, kind: AwardKind): number {
  const t = trackByCode(c, track);
  if (!t) return 0;
  return kind === 'collective' ? t.quota.collectives : t.quota.individuals;
}

/** Places of `kind` still free in `track`, given the live nominations per `track|kind` (usedPlaces). */
export function placesLeft(c: Competition, used: ReadonlyMap<string, number>, track: string, kind: AwardKind): number {
  return trackQuota(c, track, kind) - (used.get(`${track}|${kind}`) ?? 0);
}

/** What a judge is told when the track's places of that kind are all taken. */
export function trackFull(track: string, kind: AwardKind, quota: number): Text {
  return text(
    `${track} 赛道的${KIND_NAME[kind].zh}名额（${quota} 个）已经提满；可以先撤回一个提名。`,
    `Track ${track} has used all ${quota} of its ${KIND_NAME[kind].en.toLowerCase()} places; withdraw a nomination first.`,
  );
}

// ── the forms ────────────────────────────────────────────────────────────────────────────────────

/** Who a nomination is, for the uniqueness of live nominations: the project's team, or a person of the project. */
export function activeKey(kind: AwardKind, projectId: string, nominee: string): string {
  const person = nominee.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return kind === 'collective' ? `collective|${projectId}` : `individual|${projectId}|${person}`.slice(0, 200);
}

// ── transitions ──────────────────────────────────────────────────────────────────────────────────

export type Step = 'withdraw' | 'confirm' | 'decline' | 'materials' | 'decide';

const FROM: Record<Step, readonly AwardStatus[]> = {
  withdraw: ['nominated'],
  confirm: ['nominated'],
  decline: ['nominated'],
  materials: ['allocated', 'materials_submitted'],
  decide: ['materials_submitted'],
};

/** Why `step` cannot be taken from `status`, if it cannot (a stale button, or someone else was first). */
export function stepRefused(step: Step, status: string): Text | undefined {
  if ((FROM[step] as readonly string[]).includes(status)) return undefined;
  const now = STATUS_NAME[status as AwardStatus] ?? text(status, status);
  return text(
    `这个提名现在的状态是「${now.zh}」，不能再这样操作；请重新发送「表彰」查看最新情况。`,
    `This nomination is now "${now.en}": that can no longer be done. Send "awards" for the latest.`,
  );
}

/**
 * Separation of duties on one award: whoever nominated it does not also confirm (or decline) its place, and whoever
 * confirmed the place does not also approve it, even when one person holds both roles. The notice gives each step to
 * a different body: judges nominate, the office allocates, the leadership group approves.
 */
export function dutyConflict(
  step: Step,
  award: { nominatedBy: string; allocatedBy: string | null },
  operator: string,
): Text | undefined {
  if ((step === 'confirm' || step === 'decline') && award.nominatedBy === operator) {
    return text(
      '这个人选是你提名的：名额须由竞赛办的其他成员确认或不予确认。',
      'You nominated this candidate: another member of the office confirms or declines the place.',
    );
  }
  if (step === 'decide' && award.allocatedBy === operator) {
    return text(
      '这个名额是你确认的：须由领导小组的其他成员审定。',
      'You confirmed this place: another member of the leadership group decides on it.',
    );
  }
  return undefined;
}
