import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { newId } from '../platform/ids';
import { toDbInstant } from '../platform/instant';
import type { Change, CurrentState, Row } from './competition.sync';
import { competitionFileSchema } from './competition.schema';
import { buildCompetition, type Competition } from './competition';

type Db = Kysely<Database> | Transaction<Database>;

export async function readCurrentState(db: Db, competitionId: string): Promise<CurrentState> {
  const [competition, stages, tracks, units, grants, projects] = await Promise.all([
    db.selectFrom('competitions').selectAll().where('id', '=', competitionId).executeTakeFirst(),
    db.selectFrom('stages').selectAll().where('competition_id', '=', competitionId).execute(),
    db.selectFrom('tracks').selectAll().where('competition_id', '=', competitionId).execute(),
    db.selectFrom('units').selectAll().where('competition_id', '=', competitionId).execute(),
    db
      .selectFrom('role_grants')
      .select(['open_id', 'role', 'scope', 'source'])
      .where('competition_id', '=', competitionId)
      .execute(),
    db.selectFrom('projects').select(['unit_code', 'track_code']).where('competition_id', '=', competitionId).execute(),
  ]);
  const people = await db.selectFrom('people').select(['open_id', 'name', 'email', 'mobile']).execute();
  const chats = await db.selectFrom('chats').select(['chat_id', 'competition_id', 'purpose', 'unit_code']).execute();
  const count = (key: 'unit_code' | 'track_code') => {
    const m = new Map<string, number>();
    for (const p of projects) m.set(p[key], (m.get(p[key]) ?? 0) + 1);
    return m;
  };
  return {
    competition: competition as Row | undefined,
    stages: stages as Row[],
    tracks: tracks as Row[],
    units: units as Row[],
    people: people as Row[],
    grants: grants as Row[],
    chats: chats as Row[],
    projectsByUnit: count('unit_code'),
    projectsByTrack: count('track_code'),
  };
}

/** Applies planned changes inside the caller's transaction. */
export async function applyChanges(
  trx: Transaction<Database>,
  competitionId: string,
  changes: readonly Change[],
  now: number,
  actor: string,
): Promise<void> {
  const at = toDbInstant(now);
  for (const ch of changes) {
    const row = ch.row ?? {};
    switch (ch.entity) {
      case 'competition':
        if (ch.op === 'add')
          await trx
            .insertInto('competitions')
            .values({ ...(row as any), created_at: at, updated_at: at })
            .execute();
        else
          await trx
            .updateTable('competitions')
            .set({ ...(row as any), updated_at: at })
            .where('id', '=', competitionId)
            .execute();
        break;
      case 'stage':
      case 'track':
      case 'unit': {
        const table = ch.entity === 'stage' ? 'stages' : ch.entity === 'track' ? 'tracks' : 'units';
        if (ch.op === 'add')
          await trx
            .insertInto(table)
            .values(row as any)
            .execute();
        else if (ch.op === 'update')
          await trx
            .updateTable(table)
            .set(row as any)
            .where('competition_id', '=', competitionId)
            .where('code', '=', ch.key)
            .execute();
        else
          await trx.deleteFrom(table).where('competition_id', '=', competitionId).where('code', '=', ch.key).execute();
        break;
      }
      case 'person':
        if (ch.op === 'add')
          await trx
            .insertInto('people')
            .values({ ...(row as any), created_at: at, updated_at: at })
            .execute();
        else
          await trx
            .updateTable('people')
            .set({ ...(row as any), updated_at: at })
            .where('open_id', '=', ch.key)
            .execute();
        break;
      case 'role':
        if (ch.op === 'add') {
          await trx
            .insertInto('role_grants')
            .values({
              id: newId('rol'),
              competition_id: competitionId,
              open_id: String(row.open_id),
              role: String(row.role),
              scope: String(row.scope),
              source: 'file',
              granted_by: actor,
              created_at: at,
            })
            .execute();
        } else {
          await trx
            .deleteFrom('role_grants')
            .where('competition_id', '=', competitionId)
            .where('open_id', '=', String(row.open_id))
            .where('role', '=', String(row.role))
            .where('scope', '=', String(row.scope))
            .where('source', '=', 'file')
            .execute();
        }
        break;
      case 'chat':
        if (ch.op === 'add') {
          await trx
            .insertInto('chats')
            .values({ ...(row as any), name: null, chat_type: 'group', bot_present: 0, created_at: at, updated_at: at })
            .execute();
        } else
          await trx
            .updateTable('chats')
            .set({ ...(row as any), updated_at: at })
            .where('chat_id', '=', ch.key)
            .execute();
        break;
      default: {
        const never: never = ch.entity;
        throw new Error(`unknown entity ${String(never)}`);
      }
    }
  }
}

/** The competition as stored: every server builds the same rules from the same stored definition. */
export async function findCompetition(db: Db, competitionId: string): Promise<Competition | undefined> {
  const row = await db
    .selectFrom('competitions')
    .select('definition')
    .where('id', '=', competitionId)
    .executeTakeFirst();
  return row ? buildCompetition(competitionFileSchema.parse(JSON.parse(row.definition))) : undefined;
}

/** Workers have no competition file at hand: they run the competition loaded most recently. */
export async function latestCompetitionId(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('competitions')
    .select('id')
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
