import type { Kysely, Transaction } from 'kysely';
import { dialectOf } from '../platform/db';
import type { Database } from '../../db/schema';
import { applyFileChatChange, chatRows } from '../core/chats.repository';
import { applyPersonChange, personRows } from '../core/people.repository';
import { projectPlaces } from '../core/projects.repository';
import { applyFileGrantChange, grantRows } from '../core/roles.repository';
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
    grantRows(db, competitionId),
    projectPlaces(db, competitionId),
  ]);
  const people = await personRows(db);
  const chats = await chatRows(db);
  const count = (key: 'unit' | 'track') => {
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
    projectsByUnit: count('unit'),
    projectsByTrack: count('track'),
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
      // People, roles from the file and chats from the file belong to the core: their repositories apply the change.
      case 'person':
        await applyPersonChange(trx, ch.op, ch.key, row, at);
        break;
      case 'role':
        await applyFileGrantChange(trx, competitionId, ch.op, row, actor, at);
        break;
      case 'chat':
        await applyFileChatChange(trx, ch.op, ch.key, row, at);
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

/**
 * Serialises the writers of one competition that must see each other's rows (the announcement group, a publication's
 * version) on its row, in the caller's transaction. SQLite runs one write transaction at a time: nothing to lock.
 */
export async function lockCompetition(trx: Transaction<Database>, competitionId: string): Promise<void> {
  if (dialectOf(trx) === 'mysql')
    await trx.selectFrom('competitions').select('id').where('id', '=', competitionId).forUpdate().execute();
}

/** Every loaded competition and the Lark app its file names, oldest first (the Workers entry's deployment). */
export async function deployedCompetitions(db: Db): Promise<{ id: string; app: string }[]> {
  const rows = await db
    .selectFrom('competitions')
    .select(['id', 'definition'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const app = (JSON.parse(r.definition) as { app?: unknown }).app;
    return { id: r.id, app: typeof app === 'string' ? app : 'default' };
  });
}
