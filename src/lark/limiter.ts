/**
 * Sliding-window rate limits, as Lark counts them: per app 50/s and 1000/min on the message APIs, and 5/s per
 * receiving user or chat (shared by every bot in a group) [LARK.md §4.1, §4.6]. Only the holder of the outbox lease
 * sends, so counting in its memory is counting for the whole deployment.
 */
export interface WindowLimit {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimits {
  readonly app: readonly WindowLimit[];
  readonly perKey: readonly WindowLimit[];
}

/** Each window is widened by a small margin so that network jitter never makes Lark see one request too many. */
export const LARK_MESSAGE_LIMITS: RateLimits = {
  app: [
    { limit: 50, windowMs: 1_000 },
    { limit: 1_000, windowMs: 60_000 },
  ],
  perKey: [{ limit: 5, windowMs: 1_000 }],
};

export class SlidingWindowLimiter {
  private readonly app: number[] = [];
  private readonly byKey = new Map<string, number[]>();
  private recorded = 0;

  constructor(
    private readonly limits: RateLimits = LARK_MESSAGE_LIMITS,
    private readonly marginMs = 60,
  ) {}

  /** Milliseconds to wait before a request for `key` may go out at `now` (0: now). */
  waitFor(key: string, now: number): number {
    return Math.max(this.waitIn(this.app, this.limits.app, now), this.waitIn(this.byKey.get(key) ?? [], this.limits.perKey, now));
  }

  /** The part of the wait imposed by the app-wide limits alone (it holds for every key). */
  appWaitFor(now: number): number {
    return this.waitIn(this.app, this.limits.app, now);
  }

  record(key: string, now: number): void {
    this.app.push(now);
    let list = this.byKey.get(key);
    if (!list) this.byKey.set(key, (list = []));
    list.push(now);
    this.prune(list, now);
  }

  private waitIn(times: readonly number[], limits: readonly WindowLimit[], now: number): number {
    let wait = 0;
    for (const { limit, windowMs } of limits) {
      const span = windowMs + this.marginMs;
      const recent = times.filter((t) => t > now - span);
      if (recent.length >= limit) wait = Math.max(wait, recent[recent.length - limit]! + span - now);
    }
    return wait;
  }

  private prune(keyList: number[], now: number): void {
    const longest = Math.max(...this.limits.app.map((l) => l.windowMs), ...this.limits.perKey.map((l) => l.windowMs)) + this.marginMs;
    const drop = (list: number[]) => {
      while (list.length && list[0]! <= now - longest) list.shift();
    };
    drop(this.app);
    drop(keyList);
    // Forget idle keys now and then, not on every send (there can be thousands of them).
    if (++this.recorded % 1000 === 0) {
      for (const [k, list] of this.byKey) {
        drop(list);
        if (!list.length) this.byKey.delete(k);
      }
    }
  }
}
