/**
 * Receipts make every delivery take effect once: the first server to insert (kind, key) owns the work, every other
 * delivery of the same event, message or click finds the row and does nothing (Lark delivers at least once:
 * https://open.feishu.cn/document/server-docs/event-subscription-guide/overview).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { insertIfAbsent } from '../platform/db';
import { toDbInstant } from '../platform/instant';
import { prepare } from '../platform/prepared';

export type ReceiptKind = 'event' | 'message' | 'card_action';

const insertReceipt = prepare<{ kind: ReceiptKind; receipt_key: string; created_at: string }>(
  ['kind', 'receipt_key', 'created_at'],
  (db, v) => {
    const insert = db.insertInto('receipts').values(v);
    return insertIfAbsent(db, insert, ['kind', 'receipt_key']);
  },
);

/** True when this call made the claim; false when it was claimed before (a duplicate). */
export async function claimReceipt(
  db: Kysely<Database> | Transaction<Database>,
  kind: ReceiptKind,
  key: string,
  now: number,
): Promise<boolean> {
  const result = await insertReceipt(db, { kind, receipt_key: key.slice(0, 191), created_at: toDbInstant(now) });
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/**
 * A per-process memory of receipts this server has already seen, in front of the database: a duplicate that comes
 * back to the same server (Lark's retries, concurrent copies) is answered without a database round trip. The
 * database stays the authority across servers: a key missing here is always claimed there.
 */
export class RecentReceipts {
  private readonly seen = new Map<string, true>();
  constructor(private readonly capacity = 10_000) {}

  has(kind: ReceiptKind, key: string): boolean {
    return this.seen.has(`${kind}:${key}`);
  }

  add(kind: ReceiptKind, key: string): void {
    const k = `${kind}:${key}`;
    this.seen.delete(k);
    this.seen.set(k, true);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
  }
}
