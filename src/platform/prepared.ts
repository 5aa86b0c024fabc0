/**
 * Queries built and compiled once per dialect, then run with new values. For the statements every callback makes
 * (the claim, the roles, a project, a report, its audit entry): building and compiling a query in Kysely costs about
 * as much CPU as the driver's own work for it, and the bot's CPU is what a burst of clicks on a deadline day waits on.
 *
 * `build` receives stand-ins for the values. Each must reach the SQL as one plain parameter: not inside an IN list,
 * a LIMIT, an identifier or a computed value. The first run checks that every stand-in landed in exactly one
 * parameter and nowhere in the SQL text, and throws otherwise (a programming error, caught by any test that runs
 * the query).
 */
import {
  type CompiledQuery,
  createQueryId,
  type Compilable,
  type Kysely,
  type QueryResult,
  type Transaction,
} from 'kysely';
import type { Database } from '../../db/schema';
import { dialectOf, type DialectName } from './db';

type Db = Kysely<Database> | Transaction<Database>;

interface Compiled {
  sql: string;
  query: CompiledQuery['query'];
  /** The compiled parameters, with the index of the value each stand-in is replaced by (-1: keep as compiled). */
  parameters: readonly unknown[];
  slots: readonly number[];
}

/** A stand-in no real value looks like: a control character, the key's position, another control character. */
const standIn = (i: number) => `\u0001prepared:${i}\u0001`;

export function prepare<V extends object, R = unknown>(
  keys: readonly (keyof V & string)[],
  build: (db: Kysely<Database>, v: V) => Compilable<R>,
): (db: Db, values: V) => Promise<QueryResult<R>> {
  const compiled = new Map<DialectName, Compiled>();
  const compile = (db: Db): Compiled => {
    const standIns = Object.fromEntries(keys.map((k, i) => [k, standIn(i)])) as unknown as V;
    const c = build(db, standIns).compile();
    const slots = c.parameters.map((p) => (typeof p === 'string' ? keys.findIndex((_, i) => p === standIn(i)) : -1));
    for (let i = 0; i < keys.length; i++) {
      const uses = slots.filter((s) => s === i).length;
      if (uses !== 1 || c.sql.includes(standIn(i)))
        throw new Error(`prepare: "${keys[i]}" must reach the SQL as exactly one parameter (${uses} found): ${c.sql}`);
    }
    return { sql: c.sql, query: c.query, parameters: c.parameters, slots };
  };
  return async (db, values) => {
    const dialect = dialectOf(db);
    let c = compiled.get(dialect);
    if (!c) {
      c = compile(db);
      compiled.set(dialect, c);
    }
    const parameters = c.parameters.map((p, i) =>
      c.slots[i]! >= 0 ? (values as Record<string, unknown>)[keys[c.slots[i]!]!] : p,
    );
    return db.executeQuery<R>({ sql: c.sql, query: c.query, parameters, queryId: createQueryId() });
  };
}
