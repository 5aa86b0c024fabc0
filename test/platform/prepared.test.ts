/**
 * Queries compiled once and run with new values (src/platform/prepared.ts), on the test database's engine: the
 * values reach the right parameters, in and out of a transaction, and a query whose values do not map one to one onto
 * parameters is refused when first run rather than sent with a stand-in in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimReceipt } from '../../src/lark/receipts.repository';
import { prepare } from '../../src/platform/prepared';
import { freshDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.destroy());

const receiptsOf = prepare(['kind', 'since'], (k, v: { kind: string; since: string }) =>
  k
    .selectFrom('receipts')
    .select(['receipt_key'])
    .where('kind', '=', v.kind)
    .where('created_at', '>=', v.since)
    .orderBy('receipt_key'),
);

describe('prepared queries', () => {
  it('run with each call’s own values, in and out of a transaction', async () => {
    expect(await claimReceipt(db.db, 'event', 'prep-a', Date.UTC(2024, 4, 1))).toBe(true);
    expect(await claimReceipt(db.db, 'event', 'prep-a', Date.UTC(2024, 4, 1))).toBe(false);
    expect(await claimReceipt(db.db, 'event', 'prep-b', Date.UTC(2024, 4, 3))).toBe(true);
    expect(await claimReceipt(db.db, 'message', 'prep-c', Date.UTC(2024, 4, 3))).toBe(true);
    const keys = async (k: Parameters<typeof receiptsOf>[0], kind: string, since: string) =>
      (await receiptsOf(k, { kind, since })).rows.map((r) => r.receipt_key);
    expect(await keys(db.db, 'event', '2024-01-01 00:00:00.000')).toEqual(['prep-a', 'prep-b']);
    expect(await keys(db.db, 'event', '2024-05-02 00:00:00.000')).toEqual(['prep-b']);
    expect(await keys(db.db, 'message', '2024-01-01 00:00:00.000')).toEqual(['prep-c']);
    await db.db.transaction().execute(async (trx) => {
      expect(await claimReceipt(trx, 'event', 'prep-d', Date.UTC(2024, 4, 4))).toBe(true);
      expect(await keys(trx, 'event', '2024-05-04 00:00:00.000')).toEqual(['prep-d']);
    });
  });

  it('refuses a value that does not land in exactly one parameter', async () => {
    const twice = prepare(['key'], (k, v: { key: string }) =>
      k.selectFrom('receipts').select('kind').where('receipt_key', '=', v.key).where('kind', '=', v.key),
    );
    await expect(twice(db.db, { key: 'x' })).rejects.toThrow(
      /"key" must reach the SQL as exactly one parameter \(2 found\)/,
    );
    const unused = prepare(['key', 'kind'], (k, v: { key: string; kind: string }) =>
      k.selectFrom('receipts').select('kind').where('receipt_key', '=', v.key),
    );
    await expect(unused(db.db, { key: 'x', kind: 'event' })).rejects.toThrow(
      /"kind" must reach the SQL as exactly one parameter \(0 found\)/,
    );
  });
});
