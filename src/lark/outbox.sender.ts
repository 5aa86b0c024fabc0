/**
 * Drains an app's outbox into the Open API within Lark's limits. One server at a time holds the app's drain lease, so
 * the in-memory limiter counts for the whole deployment and no row is sent by two servers. Failures:
 * - 429 / 5xx / timeouts / "rate limited" codes: retried with exponential backoff, or after `x-ogw-ratelimit-reset`;
 * - anything else (bot not in the chat, user left, content rejected): given up at once, the reason stored and the
 *   office told.
 *
 * Priorities (outbox.repository.ts priorityOf: 0 replies, 1 notices, 2 bulk). A batch is claimed most urgent first,
 * and its workers always start the most urgent row the limits allow. While a batch holds less urgent rows, a watcher
 * looks every `pollMs` (200 ms), or at once when this server enqueues something (`drain()` while draining), for due
 * rows more urgent than the least urgent one queued (one indexed read on (app, status, priority, next_attempt_at)),
 * claims them and puts them at the front: a reply enqueued on any server waits behind at most the sends in flight,
 * not behind a 2,000-message reminder step. Bulk rows may use only `bulkShare` (90%) of each app window (45 of 50/s,
 * 900 of 1,000/min), so a window filled by reminders still has room for replies
 * (https://open.larksuite.com/document/ukTMukTMukTM/uUzN04SN3QjL1cDN: 50/s and 1,000/min per app). And bulk is paced
 * (`bulkPace`, default 150 per 10 s, the 90% of 1,000/min spread evenly): sent at 45/s, a step would fill 900 of the
 * minute in 20 s and then nothing would leave the window for 40 s, so replies at a few per second would use up the
 * reserve and wait for the minute to turn (measured: p99 3 s at 5 replies/s); paced, sends leave the window as
 * steadily as they came. A 2,000-message step takes about as long either way (the minute window is what holds it).
 *
 * Failover. The drain lease (`outbox-drain:<app>`) and the claimed rows' leases last `leaseMs` (3 s) and are renewed
 * together every `leaseMs / 3` (1 s) by the watcher, idle waits for the limiter included. A renewal is a conditional
 * update (the owner still holds an unexpired lease: leases.repository.ts renewLease), so a late renewal cannot take
 * the lease back from a server that took it over. The drainer starts no send later than `marginMs` (750 ms) before its
 * lease would run out unrenewed, counted from when the last successful renewal was issued: a slow database pauses the
 * sending instead of letting two drainers overlap; a failed renewal, or the lease running out, stops the drain and
 * hands its unsent rows back. After a SIGKILL the lease and the rows run out within 3 s of the last renewal, and the
 * next server to look (the Node entry looks every second) takes both over: sending resumes within about 4 s. A row
 * whose request was in flight when its drainer died is re-sent with the same uuid, which Lark drops if the first
 * arrived (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create). The leases
 * compare instants written by different servers: their clocks must agree to well within the margin (NTP does).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Logger } from '../platform/logger';
import { acquireLease, releaseLease, renewLease } from '../platform/leases.repository';
import { isLockConflict, retryOnLockConflict } from '../platform/db';
import { toLarkApiError, type LarkApi, type LarkApiError } from './client';
import { SlidingWindowLimiter, type RateLimits, type WindowLimit } from './limiter';
import {
  claimDue,
  DEFAULT_APP,
  extendSendingLeases,
  markFailed,
  markRetry,
  markSent,
  recentlySent,
  releaseClaimed,
  type OutboxRow,
} from './outbox.repository';

export interface RealTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: RealTime = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface SenderOptions {
  owner: string;
  /** The Lark app whose rows this sender drains, with that app's credentials (default 'default'). */
  app?: string;
  /** How long the drain lease and a claimed batch stay ours without renewal (default 3 s). */
  leaseMs?: number;
  /** No send starts later than this before the lease would run out unrenewed (default leaseMs / 4). */
  marginMs?: number;
  /** How often a batch looks for more urgent rows (default 200 ms). */
  pollMs?: number;
  /** The share of each app-wide window bulk (priority 2) sends may use (default 0.9). */
  bulkShare?: number;
  /** Windows bulk sends alone must also keep within (default 150 per 10 s). */
  bulkPace?: readonly WindowLimit[];
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
  /** Set when the drain did not run, or stopped because its lease was lost. */
  skipped?: 'disabled' | 'lease';
}

/** A request that timed out may still be counted by Lark a while later: assume it landed up to this much later. */
const UNKNOWN_FATE_MS = 2_000;

/** Waits of any number of loops that something else can cut short. */
class Signal {
  private waiters: (() => void)[] = [];

  constructor(private readonly time: RealTime) {}

  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      void this.time.sleep(ms).then(() => {
        this.waiters = this.waiters.filter((w) => w !== resolve);
        resolve();
      });
    });
  }

  fire(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}

export function backoffMs(attempts: number, base: number, max: number, jitter: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1)) * (0.8 + 0.4 * jitter);
}

export class OutboxSender {
  private readonly limiter: SlidingWindowLimiter;
  private readonly time: RealTime;
  private readonly o: Required<Omit<SenderOptions, 'onGiveUp' | 'limits' | 'time' | 'bulkPace'>>;
  /** Bulk sends only, against `bulkPace`. */
  private readonly bulkPace: SlidingWindowLimiter;
  private readonly leaseName: string;
  private pausedUntil = 0;
  /** Rows this server sent in the last minute (id → answer time), to tell them from other servers' sends. */
  private readonly sentHere = new Map<string, number>();
  private running: Promise<DrainReport> | undefined;
  private again = false;
  /** Rows claimed over this sender's life, against `maxSends`. */
  private claimed = 0;
  /** Until when (our clock, from when the last successful renewal was issued) the drain lease is surely ours. */
  private heldUntil = 0;
  /** Wakes the running batch's watcher: something was just enqueued here. */
  private readonly nudged: Signal;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly api: LarkApi,
    private readonly logger: Logger,
    private readonly options: SenderOptions,
  ) {
    this.limiter = new SlidingWindowLimiter(options.limits);
    this.bulkPace = new SlidingWindowLimiter({
      app: options.bulkPace ?? [{ limit: 150, windowMs: 10_000 }],
      perKey: [],
    });
    this.time = options.time ?? realTime;
    this.nudged = new Signal(this.time);
    const leaseMs = options.leaseMs ?? 3_000;
    this.o = {
      owner: options.owner,
      app: options.app ?? DEFAULT_APP,
      leaseMs,
      marginMs: options.marginMs ?? Math.round(leaseMs / 4),
      pollMs: options.pollMs ?? 200,
      bulkShare: options.bulkShare ?? 0.9,
      batchSize: options.batchSize ?? 200,
      concurrency: options.concurrency ?? 8,
      maxAttempts: options.maxAttempts ?? 10,
      maxSends: options.maxSends ?? Number.POSITIVE_INFINITY,
      baseBackoffMs: options.baseBackoffMs ?? 1_000,
      maxBackoffMs: options.maxBackoffMs ?? 5 * 60_000,
    };
    this.leaseName = `outbox-drain:${this.o.app}`;
  }

  /**
   * Drains until nothing is due (or `budgetMs` has passed). Concurrent calls on one server share one drain; a call
   * made while a drain runs makes it look again before it stops, and look at once for rows more urgent than the
   * batch it is sending.
   */
  drain(budgetMs = Number.POSITIVE_INFINITY): Promise<DrainReport> {
    if (this.running) {
      this.again = true;
      this.nudged.fire();
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
    if (!(await acquireLease(this.db, this.leaseName, this.o.owner, started, this.o.leaseMs)))
      return { ...report, skipped: 'lease' };
    this.heldUntil = started + this.o.leaseMs;
    try {
      await this.rememberOthersSends(started);
      do {
        this.again = false;
        for (;;) {
          const now = this.time.now();
          if (now - started > budgetMs) return report;
          if (!(await this.renew(now))) return { ...report, skipped: 'lease' };
          const room = Math.min(this.o.batchSize, this.o.maxSends - this.claimed);
          if (room <= 0) return report;
          const rows = await claimDue(this.db, this.o.owner, now, this.o.leaseMs, room, { app: this.o.app });
          if (!rows.length) break;
          this.claimed += rows.length;
          if (!(await this.sendBatch(rows, report))) return { ...report, skipped: 'lease' };
        }
      } while (this.again);
      return report;
    } finally {
      await releaseLease(this.db, this.leaseName, this.o.owner).catch(() => {});
    }
  }

  /**
   * Extends the drain lease and this drain's row leases; false when the lease is no longer ours. The rows' renewal
   * can lose a lock conflict to a row being marked sent at the same moment: it runs again, and if it still loses, the
   * rows keep their current lease until the next renewal (a third of it is used up at most).
   */
  private async renew(now: number): Promise<boolean> {
    if (!(await renewLease(this.db, this.leaseName, this.o.owner, now, this.o.leaseMs))) return false;
    this.heldUntil = Math.max(this.heldUntil, now + this.o.leaseMs);
    await retryOnLockConflict(() => extendSendingLeases(this.db, this.o.owner, now + this.o.leaseMs, this.o.app)).catch(
      (err) => {
        if (!isLockConflict(err)) throw err;
        this.logger.warn('outbox row leases not renewed this time (lock conflict)', { err });
      },
    );
    return true;
  }

  /**
   * Sends a batch with bounded concurrency, in order per chat or user, most urgent first, never faster than the
   * limits allow; a watcher beside the workers renews the leases and brings in more urgent rows as they come due.
   * False when the lease was lost (the unsent rows are handed back).
   */
  private async sendBatch(rows: OutboxRow[], report: DrainReport): Promise<boolean> {
    const queue = [...rows].sort((a, b) => a.priority - b.priority);
    const busyKeys = new Set<string>();
    const queueChanged = new Signal(this.time);
    let lost = false;
    let lastRenewal = this.time.now();

    const loseLease = (why: string) => {
      if (lost) return;
      lost = true;
      this.logger.warn(`outbox drain lease lost (${why}); leaving the rest of the batch to its next holder`);
      queueChanged.fire();
    };

    const worker = async () => {
      while (queue.length && !lost) {
        const now = this.time.now();
        // Start nothing we may not own by the time it lands: wait for the watcher's renewal, or stop.
        if (now >= this.heldUntil - this.o.marginMs) {
          if (now >= this.heldUntil) loseLease('not renewed in time');
          else await queueChanged.wait(Math.min(50, this.heldUntil - now));
          continue;
        }
        const picked = this.pick(queue, busyKeys, now);
        if (typeof picked === 'number') {
          await queueChanged.wait(Math.max(1, Math.min(picked, 1_000)));
          continue;
        }
        busyKeys.add(picked.rateKey);
        const limiters = picked.priority >= 2 ? [this.limiter, this.bulkPace] : [this.limiter];
        for (const l of limiters) l.start(picked.rateKey);
        let landedBy: number | 'not counted' = Number.POSITIVE_INFINITY;
        try {
          landedBy = await this.sendOne(picked, report);
        } finally {
          const at = landedBy === 'not counted' ? 0 : Math.min(landedBy, this.time.now() + UNKNOWN_FATE_MS);
          for (const l of limiters)
            landedBy === 'not counted' ? l.abandon(picked.rateKey) : l.finish(picked.rateKey, at);
          busyKeys.delete(picked.rateKey);
          queueChanged.fire();
        }
      }
    };

    const watch = async (stop: { done: boolean }) => {
      while (!stop.done && !lost) {
        await this.nudged.wait(this.o.pollMs);
        if (stop.done || lost) return;
        const now = this.time.now();
        if (now - lastRenewal >= this.o.leaseMs / 3) {
          try {
            if (!(await this.renew(now))) return loseLease('renewal refused');
            lastRenewal = now;
          } catch (err) {
            // The database is away: try again next poll; the workers stop on their own when the lease runs out.
            this.logger.warn('outbox drain lease not renewed this time', { err });
            if (this.time.now() >= this.heldUntil) return loseLease('renewal failed');
          }
        }
        const least = queue.reduce((p, r) => Math.max(p, r.priority), 0);
        const room = Math.min(this.o.batchSize, this.o.maxSends - this.claimed);
        if (!queue.length || least === 0 || room <= 0) continue;
        const urgent = await claimDue(this.db, this.o.owner, now, this.o.leaseMs, room, {
          app: this.o.app,
          below: least as 1 | 2,
        }).catch((err) => {
          this.logger.warn('outbox: looking for urgent rows failed', { err });
          return [] as OutboxRow[];
        });
        if (!urgent.length) continue;
        this.claimed += urgent.length;
        queue.push(...urgent);
        queue.sort((a, b) => a.priority - b.priority); // stable: each class keeps its order
        queueChanged.fire();
      }
    };

    // The watcher may bring rows in just as the last worker leaves: go round again for them.
    while (queue.length && !lost) {
      const stop = { done: false };
      const watcher = watch(stop);
      try {
        await Promise.all(Array.from({ length: this.o.concurrency }, worker));
      } finally {
        // Also when a worker failed (the database away while marking a row): no watcher outlives its batch to keep
        // renewing a lease nobody sends under.
        stop.done = true;
        this.nudged.fire();
        await watcher;
      }
    }
    if (lost && queue.length)
      await releaseClaimed(
        this.db,
        this.o.owner,
        queue.map((r) => r.id),
      ).catch(() => {});
    return !lost;
  }

  /** The first queued row that may go now (removed from the queue), or how long to wait before looking again. */
  private pick(queue: OutboxRow[], busyKeys: ReadonlySet<string>, now: number): OutboxRow | number {
    const global = Math.max(this.pausedUntil - now, this.limiter.appWaitFor(now));
    if (global > 0) return global;
    // Bulk rows keep clear of the last part of each app window (bulkShare), at an even pace (bulkPace).
    const bulkWait = Math.max(this.limiter.appWaitFor(now, this.o.bulkShare), this.bulkPace.appWaitFor(now));
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < queue.length; i++) {
      const row = queue[i]!;
      if (busyKeys.has(row.rateKey)) {
        soonest = Math.min(soonest, 5);
        continue;
      }
      const wait = Math.max(row.priority >= 2 ? bulkWait : 0, this.limiter.keyWaitFor(row.rateKey, now));
      if (wait === 0) return queue.splice(i, 1)[0]!;
      soonest = Math.min(soonest, wait);
    }
    return Number.isFinite(soonest) ? soonest : 5;
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
    for (const r of await recentlySent(this.db, now - 61_000, this.o.app)) {
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
