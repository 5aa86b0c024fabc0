/**
 * `competition load`: validate, show what would change, apply idempotently in one transaction.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { recordAudit } from '../features/audit/audit.repository';
import type { Competition } from './competition';
import { applyChanges, readCurrentState } from './competition.repository';
import { desiredState, planLoad, type LoadPlan } from './competition.sync';

export interface LoadResult {
  plan: LoadPlan;
  applied: boolean;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class CompetitionRefused extends Error {
  constructor(readonly plan: LoadPlan) {
    super(`competition ${plan.competitionId} not loaded:\n${plan.refusals.map((r) => `  ${r}`).join('\n')}`);
    this.name = 'CompetitionRefused';
  }
}

export async function loadCompetition(
  db: Kysely<Database>,
  competition: Competition,
  options: { dryRun: boolean; now: number; actor: string },
): Promise<LoadResult> {
  const definition = JSON.stringify(competition.file);
  const desired = desiredState(competition, definition, await sha256Hex(definition));
  return db.transaction().execute(async (trx) => {
    const plan = planLoad(await readCurrentState(trx, competition.id), desired);
    if (plan.refusals.length) throw new CompetitionRefused(plan);
    if (options.dryRun || plan.changes.length === 0) return { plan, applied: false };
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
    return { plan, applied: true };
  });
}
