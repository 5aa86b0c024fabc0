/**
 * How handlers and services reach the database: through repositories, never through the connection. A repository is
 * the set of functions of one `*.repository.ts` (each takes the database first); the store binds every one of them to
 * the connection, or to a transaction for `transaction(work)`.
 *
 * `Repositories` is filled by declaration merging: each repository file registers itself, so that nothing here (nor in
 * the Lark edge) depends on a feature, the same pattern as Hono's `ContextVariableMap`:
 *
 *   export const awardsRepository = { findAward, listAwards } satisfies Repository;
 *   declare module '../../platform/store' {
 *     interface Repositories { awards: Bound<typeof awardsRepository> }
 *   }
 *
 * The composition root (src/container.ts) lists them all once.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database> | Transaction<Database>;

// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging, one entry per repository file
export interface Repositories {}

/** The functions of a repository file: each takes the database (or a transaction) first. */
export type Repository = Readonly<Record<string, (db: any, ...rest: any[]) => unknown>>;

/** A repository with the database bound: the same functions without their first parameter. */
export type Bound<M extends Repository> = {
  readonly [K in keyof M]: M[K] extends (db: never, ...rest: infer A) => infer R ? (...rest: A) => R : never;
};

export interface Store {
  readonly repos: Repositories;
  /** Runs `work` in one transaction, with every repository bound to it: all of it commits, or none. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}

function bind(repositories: Readonly<Record<string, Repository>>, db: Db): Repositories {
  const out: Record<string, Record<string, (...rest: unknown[]) => unknown>> = {};
  for (const [name, repository] of Object.entries(repositories)) {
    const bound: Record<string, (...rest: unknown[]) => unknown> = {};
    for (const [fn, run] of Object.entries(repository)) bound[fn] = (...rest) => run(db, ...rest);
    out[name] = bound;
  }
  return out as unknown as Repositories;
}

/** The store over `db`: `repositories` is every registered repository by name (src/container.ts). */
export function createStore(
  db: Kysely<Database>,
  repositories: { readonly [K in keyof Repositories]: Repository },
): Store {
  const all = repositories as unknown as Readonly<Record<string, Repository>>;
  return {
    repos: bind(all, db),
    transaction: (work) => db.transaction().execute((trx) => work(bind(all, trx))),
  };
}
