/** The repositories over a test database, bound as the bot binds them (src/container.ts REPOSITORIES). */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { REPOSITORIES } from '../../src/container';
import { createStore, type Store } from '../../src/platform/store';

export const storeOf = (db: Kysely<Database>): Store => createStore(db, REPOSITORIES);
