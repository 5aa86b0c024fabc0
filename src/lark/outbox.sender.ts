/**
 * Drains the outbox into the Open API within Lark's limits. One server at a time holds the drain lease, so the
 * in-memory limiter counts for the whole deployment and no row is sent by two servers. Failures:
 * - 429 / 5xx / timeouts / "rate limited" codes: retried with exponential backoff, or after `x-ogw-ratelimit-reset`;
 * - anything else (bot not in the chat, user left, content rejected): given up at once, the reason stored and the
 *   office told.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Logger } from '../platform/logger';
import { acquireLease, releaseLease } from '../platform/leases.repository';
import { isLockConflict, retryOnLockConflict } from '../platform/db';
import { toLarkApiError, type LarkApi, type LarkApiError } from './client';
import { SlidingWindowLimiter, type RateLimits } from './limiter';
import {
  claimDue,
  extendSendingLeases,
  markFailed,
  markRetry,
  markSent,
  recentlySent,
  type OutboxRow,
} from './outbox.repository';

export interface RealTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: RealTime = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface SenderOptions {
  owner: string;
  /** How long a claimed batch (and the drain lease) stays ours without renewal. */
  leaseMs?: number;
  batchSize?: number;
  /** Requests in flight at once (Lark answers in ~100 ms; 50/s needs several at a time). */
  concurrency?: number;
  maxAttempts?: number;
  /**
   * Rows this sender may claim (one Lark call each) over its life; unlimited by default. The Workers entry builds a
   * sender per invocation and sets this under the plan's subrequest limit
   * (https://developers.cloudflare.com/workers/platform/limits/#subrequests); the rest waits for the next invocation.
   */
  maxSends?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  limits?: RateLimits;
  time?: RealTime;
  /** Told about every message given up on, for the office. */
  onGiveUp?: (row: OutboxRow, reason: string) => Promise<void>;
}

export interface DrainReport {
  sent: number;
  retried: number;
  failed: number;
  /** Set when the drain did not run. */
  skipped?: 'disabled' | 'lease';
}

const LEASE_NAME = 'outbox-drain';
/** A request that timed out may still be counted by Lark a while later: assume it landed up to this much later. */
const UNKNOWN_FATE_MS = 2_000;

export function backoffMs(attempts: number, base: number, max: number, jitter: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1)) * (0.8 + 0.4 * jitter);
}

export class OutboxSender {
  private readonly limiter: SlidingWindowLimiter;
  private readonly time: RealTime;
  private readonly o: Required<Omit<SenderOptions, 'onGiveUp' | 'limits' | 'time'>>;
  private pausedUntil = 0;
  /** Rows this server sent in the last minute (id → answer time), to tell them from other servers' sends. */
  private readonly sentHere = new Map<string, number>();
  private running: Promise<DrainReport> | undefined;
  private again = false;
  /** Rows claimed over this sender's life, against `maxSends`. */
  private claimed = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly api: LarkApi,
    private readonly logger: Logger,
    private readonly options: SenderOptions,
  ) {
    this.limiter = new SlidingWindowLimiter(options.limits);
    this.time = options.time ?? realTime;
    this.o = {
      owner: options.owner,
      leaseMs: options.leaseMs ?? 30_000,
      batchSize: options.batchSize ?? 200,
      concurrency: options.concurrency ?? 8,
      maxAttempts: options.maxAttempts ?? 10,
      maxSends: options.maxSends ?? Number.POSITIVE_INFINITY,
      baseBackoffMs: options.baseBackoffMs ?? 1_000,
      maxBackoffMs: options.maxBackoffMs ?? 5 * 60_000,
    };
  }

  /**
   * Drains until nothing is due (or `budgetMs` has passed). Concurrent calls on one server share one drain; a call
   * made while a drain runs makes it look again before it stops.
   */
  drain(budgetMs = Number.POSITIVE_INFINITY): Promise<DrainReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drainLoop(budgetMs).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drainLoop(budgetMs: number): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, retried: 0, failed: 0 };
    if (!this.api.enabled) return { ...report, skipped: 'disabled' };
    const started = this.time.now();
    if (!(await acquireLease(this.db, LEASE_NAME, this.o.owner, started, this.o.leaseMs)))
      return { ...report, skipped: 'lease' };
    try {
      await this.rememberOthersSends(started);
      do {
        this.again = false;
        for (;;) {
          const now = this.time.now();
          if (now - started > budgetMs) return report;
          if (!(await acquireLease(this.db, LEASE_NAME, this.o.owner, now, this.o.leaseMs)))
            return { ...report, skipped: 'lease' };
          const room = Math.min(this.o.batchSize, this.o.maxSends - this.claimed);
          if (room <= 0) return report;
          const rows = await claimDue(this.db, this.o.owner, now, this.o.leaseMs, room);
          if (!rows.length) break;
          this.claimed += rows.length;
          await this.sendBatch(rows, report);
        }
      } while (this.again);
      return report;
    } finally {
      await releaseLease(this.db, LEASE_NAME, this.o.owner).catch(() => {});
    }
  }

  /** Sends a batch with bounded concurrency, in order per chat or user, never faster than the limits allow. */
  private async sendBatch(rows: OutboxRow[], report: DrainReport): Promise<void> {
    const queue = [...rows];
    const busyKeys = new Set<string>();
    let lastRenewal = this.time.now();
    let lostLease = false;
    const worker = async () => {
      while (queue.length && !lostLease) {
        const now = this.time.now();
        // Keep the drain lease (and the batch's row leases) while a long batch is under way.
        if (now - lastRenewal > this.o.leaseMs / 3) {
          lastRenewal = now;
          if (!(await renewLeases(this.db, LEASE_NAME, this.o.owner, now, this.o.leaseMs, this.logger))) {
            lostLease = true;
            this.logger.warn('outbox drain lease lost; leaving the rest of the batch to its new holder');
            return;
          }
        }
        const picked = this.pick(queue, busyKeys, now);
        if (typeof picked === 'number') {
          await this.time.sleep(Math.max(1, Math.min(picked, 1_000)));
          continue;
        }
        busyKeys.add(picked.rateKey);
        this.limiter.start(picked.rateKey);
        let landedBy: number | 'not counted' = Number.POSITIVE_INFINITY;
        try {
          landedBy = await this.sendOne(picked, report);
        } finally {
          if (landedBy === 'not counted') this.limiter.abandon(picked.rateKey);
          else this.limiter.finish(picked.rateKey, Math.min(landedBy, this.time.now() + UNKNOWN_FATE_MS));
          busyKeys.delete(picked.rateKey);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, rows.length) }, worker));
  }

  /** The first queued row that may go now (removed from the queue), or how long to wait before looking again. */
  private pick(queue: OutboxRow[], busyKeys: ReadonlySet<string>, now: number): OutboxRow | number {
    const global = Math.max(this.pausedUntil - now, this.limiter.appWaitFor(now));
    if (global > 0) return global;
    let soonest = 5;
    for (let i = 0; i < queue.length; i++) {
      const row = queue[i]!;
      if (busyKeys.has(row.rateKey)) continue;
      const wait = this.limiter.waitFor(row.rateKey, now);
      if (wait === 0) return queue.splice(i, 1)[0]!;
      soonest = Math.min(soonest, wait);
    }
    return soonest;
  }

  /**
   * Sends one row and records the outcome; returns by when Lark has surely counted the request, or 'not counted'
   * when Lark's rate limiter turned it away (a 429 is refused before it is admitted, so it uses no quota).
   */
  private async sendOne(row: OutboxRow, report: DrainReport): Promise<number | 'not counted'> {
    const attempts = row.attempts + 1;
    let answeredAt = Number.POSITIVE_INFINITY;
    try {
      const messageId = await this.deliver(row);
      answeredAt = this.time.now();
      this.sentHere.set(row.id, answeredAt);
      await markSent(this.db, row.id, messageId, answeredAt);
      report.sent += 1;
      return answeredAt;
    } catch (err) {
      const error = toLarkApiError(err);
      // An answer (even an error) means Lark has counted the request; a timeout leaves it unknown.
      if (error.httpStatus !== 0) answeredAt = Math.min(answeredAt, this.time.now());
      const counted = error.httpStatus !== 429;
      const reason = describe(error);
      if (error.retryable && attempts < this.o.maxAttempts) {
        if (error.httpStatus === 429 && error.retryAfterMs)
          this.pausedUntil = Math.max(this.pausedUntil, this.time.now() + error.retryAfterMs);
        const delay =
          error.retryAfterMs ?? backoffMs(attempts, this.o.baseBackoffMs, this.o.maxBackoffMs, Math.random());
        await markRetry(this.db, row.id, attempts, this.time.now() + delay, reason);
        report.retried += 1;
        this.logger.debug('outbox retry', { id: row.id, attempts, delayMs: Math.round(delay), reason });
      } else {
        const final = error.retryable ? `gave up after ${attempts} attempts: ${reason}` : reason;
        await markFailed(this.db, row.id, attempts, final);
        report.failed += 1;
        this.logger.warn('outbox gave up', { id: row.id, receiveId: row.receiveId, reason: final });
        await this.options
          .onGiveUp?.(row, final)
          .catch((e) => this.logger.error('failure notice not queued', { err: e }));
      }
      return counted ? answeredAt : 'not counted';
    }
  }

  /**
   * Another server may have drained since this one last held the lease: what it sent in the last minute counts
   * against the same limits, so it is read back from the outbox before sending anything.
   */
  private async rememberOthersSends(now: number): Promise<void> {
    for (const [id, at] of this.sentHere) if (at < now - 61_000) this.sentHere.delete(id);
    for (const r of await recentlySent(this.db, now - 61_000)) {
      if (!this.sentHere.has(r.id)) {
        this.sentHere.set(r.id, r.sentAt);
        this.limiter.remember(r.rateKey, r.sentAt);
      }
    }
  }

  private async deliver(row: OutboxRow): Promise<string> {
    switch (row.op) {
      case 'send':
        return (
          await this.api.send({
            receiveIdType: row.receiveIdType as never,
            receiveId: row.receiveId,
            msgType: row.msgType,
            content: row.content,
            uuid: row.uuid,
          })
        ).messageId;
      case 'reply':
        return (
          await this.api.reply({ messageId: row.receiveId, msgType: row.msgType, content: row.content, uuid: row.uuid })
        ).messageId;
      case 'patch':
        await this.api.patch({ messageId: row.receiveId, content: row.content });
        return row.receiveId;
      case 'card_update':
        await this.api.delayedCardUpdate({ token: row.receiveId, card: JSON.parse(row.content) });
        return '';
      case 'forward':
        return (
          await this.api.forward({
            messageId: String((JSON.parse(row.content) as { message_id?: unknown }).message_id ?? ''),
            receiveIdType: row.receiveIdType as never,
            receiveId: row.receiveId,
            uuid: row.uuid,
          })
        ).messageId;
      default: {
        const never: never = row.op;
        throw new Error(`unknown outbox op ${String(never)}`);
      }
    }
  }
}

function describe(e: LarkApiError): string {
  return `${e.httpStatus ? `HTTP ${e.httpStatus}` : 'network'}${e.code !== undefined ? ` code ${e.code}` : ''}${e.msg ? `: ${e.msg}` : ''}`;
}

/**
 * Extends the drain lease and the leases of the rows this owner is sending; false when the drain lease is gone. The
 * rows' renewal can lose a lock conflict to a row being marked sent at the same moment: it runs again, and if it still
 * loses, the rows keep their current lease (a third of it is used up at most) until the next renewal.
 */
async function renewLeases(
  db: Kysely<Database>,
  name: string,
  owner: string,
  now: number,
  leaseMs: number,
  logger: Logger,
): Promise<boolean> {
  if (!(await acquireLease(db, name, owner, now, leaseMs))) return false;
  await retryOnLockConflict(() => extendSendingLeases(db, owner, now + leaseMs)).catch((err) => {
    if (!isLockConflict(err)) throw err;
    logger.warn('outbox row leases not renewed this time (lock conflict)', { err });
  });
  return true;
}
