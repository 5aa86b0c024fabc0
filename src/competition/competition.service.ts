/**
 * `competition load`: validate, show what would change, apply idempotently in one transaction.
 */
import { sha256Hex } from '../platform/hash';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { recordAudit } from '../core/audit.repository';
import type { Competition } from './competition';
import { applyChanges, readCurrentState } from './competition.repository';
import {
  desiredState,
  lookupsNeeded,
  planLoad,
  resolvePeople,
  type DirectoryAnswer,
  type LoadPlan,
  type Lookup,
  type Resolution,
} from './competition.sync';

export interface LoadResult {
  plan: LoadPlan;
  applied: boolean;
  /** Who the people named by e-mail or mobile turned out to be, and who could not be found. */
  resolution: Resolution;
  /** Why the contact API could not be asked (not configured, or its error), when it could not. */
  lookupProblem?: string;
}

/** Finds open_ids by e-mail and mobile: the contact API (LarkApi.resolveIds) in production, anything in tests. */
export type PeopleResolver = (lookup: Lookup) => Promise<readonly DirectoryAnswer[]>;

export class CompetitionRefused extends Error {
  constructor(readonly plan: LoadPlan) {
    super(`competition ${plan.competitionId} not loaded:\n${plan.refusals.map((r) => `  ${r}`).join('\n')}`);
    this.name = 'CompetitionRefused';
  }
}

export async function loadCompetition(
  db: Kysely<Database>,
  competition: Competition,
  options: { dryRun: boolean; now: number; actor: string; resolve?: PeopleResolver },
): Promise<LoadResult> {
  const definition = JSON.stringify(competition.file);
  const hash = await sha256Hex(definition);
  const needed = lookupsNeeded(competition.file.people);
  let answers: readonly DirectoryAnswer[] | undefined;
  let lookupProblem: string | undefined;
  if (needed.emails.length + needed.mobiles.length > 0) {
    // Asked before the transaction: no row lock waits on the network. A failure is reported, never fatal: the load
    // still applies everything else, and people an earlier load resolved keep their roles (see resolvePeople).
    if (!options.resolve)
      lookupProblem = 'Lark is not configured (LARK_APP_ID / LARK_APP_SECRET), so the contact API was not asked';
    else {
      try {
        answers = await options.resolve(needed);
      } catch (err) {
        lookupProblem = `the contact API failed: ${(err as Error)?.message ?? String(err)}`;
      }
    }
  }
  return db.transaction().execute(async (trx) => {
    const current = await readCurrentState(trx, competition.id);
    const resolution = resolvePeople(needed, answers, current.people);
    const plan = planLoad(current, desiredState(competition, definition, hash, resolution.openIds));
    if (plan.refusals.length) throw new CompetitionRefused(plan);
    const result = { plan, resolution, ...(lookupProblem ? { lookupProblem } : {}) };
    if (options.dryRun || plan.changes.length === 0) return { ...result, applied: false };
    await applyChanges(trx, competition.id, plan.changes, options.now, options.actor);
    await recordAudit(trx, {
      competitionId: competition.id,
      actor: options.actor,
      action: 'competition.load',
      entityType: 'competition',
      entityId: competition.id,
      after: { changes: plan.changes.map((c) => ({ entity: c.entity, key: c.key, op: c.op, fields: c.fields })) },
      at: options.now,
    });
    return { ...result, applied: true };
  });
}

/** One line per person of the file that has no open_id after the load, saying why (for logs and the CLI). */
export function unresolvedLines(result: Pick<LoadResult, 'resolution' | 'lookupProblem'>): string[] {
  return result.resolution.unresolved.map(({ who, reason }) =>
    reason === 'not-found'
      ? `${who}: not found by the contact API (unknown, resigned, or outside the app's contact range); no role given`
      : `${who}: not resolved, ${result.lookupProblem ?? 'the contact API was not asked'}; no role given until it is`,
  );
}
