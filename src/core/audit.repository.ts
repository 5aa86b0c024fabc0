import { type Kysely, sql, type Transaction } from 'kysely';
import { fromDbInstant } from '../platform/instant';
import type { Bound, Repository } from '../platform/store';
import type { Database } from '../../db/schema';
import { newId } from '../platform/ids';
import { toDbInstant } from '../platform/instant';
import { prepare } from '../platform/prepared';

export interface AuditEntry {
  competitionId: string | null;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  at: number;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

const AUDIT_COLUMNS = [
  'id',
  'competition_id',
  'actor',
  'action',
  'entity_type',
  'entity_id',
  'before_json',
  'after_json',
  'at',
] as const;
const insertAudit = prepare([...AUDIT_COLUMNS], (db, v: Database['audit_log']) => db.insertInto('audit_log').values(v));

/** Written in the caller's transaction, so that a change and its audit record commit together. */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, e: AuditEntry): Promise<void> {
  await insertAudit(db, {
    id: newId('aud'),
    competition_id: e.competitionId,
    actor: e.actor,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    before_json: json(e.before),
    after_json: json(e.after),
    at: toDbInstant(e.at),
  });
}

export interface AuditRecord {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  at: string;
}

export async function listAudit(db: Kysely<Database>, competitionId: string, limit = 100): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('competition_id', '=', competitionId)
    .orderBy('at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before_json ? JSON.parse(r.before_json) : null,
    after: r.after_json ? JSON.parse(r.after_json) : null,
    at: r.at,
  }));
}

/** An audit entry as the records export shows it. */
export interface AuditRow {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: string | null;
  after: string | null;
  at: number;
}

/** Audit entries per query. */
export const AUDIT_PAGE = 1_000;

/**
 * A narrowing of the audit log done by the database, for a caller that keeps a part of it (the export of one track):
 * the entries of `prefixedTypes` whose entity id starts with `entityIdPrefix`, and every entry of `otherTypes`. It may
 * let through entries the caller does not want (LIKE follows the column's case-insensitive collation); it must never
 * hold back one it wants.
 */
export interface AuditScope {
  readonly entityIdPrefix: string;
  readonly prefixedTypes: readonly string[];
  readonly otherTypes: readonly string[];
}

/** `s` matched literally by LIKE … ESCAPE '!'. */
const likeLiteral = (s: string) => s.replace(/[!%_]/g, (ch) => `!${ch}`);

/**
 * The audit log of the competition (or the part of it in `scope`), oldest first, a page at a time (keyset on at, id:
 * stable under new inserts; `at >= ?` lets SQLite start each page at the last one's end in audit_log_at_idx, MariaDB
 * makes a range of the OR by itself).
 */
export async function* auditPages(
  db: Kysely<Database>,
  competitionId: string,
  options: { scope?: AuditScope; pageSize?: number } = {},
): AsyncGenerator<AuditRow[]> {
  const { scope, pageSize = AUDIT_PAGE } = options;
  if (scope && !scope.prefixedTypes.length && !scope.otherTypes.length) return;
  let after: { at: string; id: string } | undefined;
  for (;;) {
    let q = db
      .selectFrom('audit_log')
      .select(['id', 'actor', 'action', 'entity_type', 'entity_id', 'before_json', 'after_json', 'at'])
      .where('competition_id', '=', competitionId);
    if (scope) {
      const { entityIdPrefix, prefixedTypes, otherTypes } = scope;
      q = q.where((eb) =>
        eb.or([
          ...(prefixedTypes.length
            ? [
                eb.and([
                  eb('entity_type', 'in', [...prefixedTypes]),
                  sql<boolean>`${eb.ref('entity_id')} like ${`${likeLiteral(entityIdPrefix)}%`} escape '!'`,
                ]),
              ]
            : []),
          ...(otherTypes.length ? [eb('entity_type', 'in', [...otherTypes])] : []),
        ]),
      );
    }
    if (after) {
      const { at, id } = after;
      q = q
        .where('at', '>=', at)
        .where((eb) => eb.or([eb('at', '>', at), eb.and([eb('at', '=', at), eb('id', '>', id)])]));
    }
    const rows = await q.orderBy('at').orderBy('id').limit(pageSize).execute();
    if (!rows.length) return;
    yield rows.map((r) => ({
      actor: r.actor,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before_json,
      after: r.after_json,
      at: fromDbInstant(r.at),
    }));
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}

/** Who wrote the competition's audit entries, with the actions each wrote (one row per actor and action). */
export async function auditActors(
  db: Kysely<Database> | Transaction<Database>,
  competitionId: string,
): Promise<Array<{ actor: string; action: string }>> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['actor', 'action'])
    .distinct()
    .where('competition_id', '=', competitionId)
    .execute();
  return rows.sort((a, b) => a.actor.localeCompare(b.actor) || a.action.localeCompare(b.action));
}

/**
 * Deletes the competition's audit entries written by these actors: only the playground's `demo seed` does, replacing
 * the history of its own season (the audit log of a real competition is never deleted). How many went.
 */
export async function deleteAuditBy(
  db: Kysely<Database> | Transaction<Database>,
  competitionId: string,
  actors: readonly string[],
): Promise<number> {
  if (!actors.length) return 0;
  const r = await db
    .deleteFrom('audit_log')
    .where('competition_id', '=', competitionId)
    .where('actor', 'in', [...actors])
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const auditRepository = { recordAudit, listAudit, auditPages, auditActors, deleteAuditBy } satisfies Repository;

declare module '../platform/store' {
  interface Repositories {
    audit: Bound<typeof auditRepository>;
  }
}
