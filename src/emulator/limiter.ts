/**
 * Exact sliding-window limits and the per-second counters tests read.
 *
 * A window of `windowMs` at time t covers (t − windowMs, t]; only admitted hits are remembered, so no span of
 * `windowMs` can ever contain more than `limit` admitted hits (with a non-decreasing clock).
 */
import type { RateScope } from './types';

export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Milliseconds until one more hit fits in the window at `at`; 0 when it fits now. */
  waitMs(key: string, at: number): number {
    const hits = this.prune(key, at);
    if (hits.length < this.limit) return 0;
    const oldest = hits[hits.length - this.limit] ?? at;
    return Math.max(1, oldest + this.windowMs - at);
  }

  admit(key: string, at: number): void {
    this.prune(key, at).push(at);
  }

  clear(): void {
    this.hits.clear();
  }

  private prune(key: string, at: number): number[] {
    let hits = this.hits.get(key);
    if (!hits) {
      hits = [];
      this.hits.set(key, hits);
    }
    if (hits.length && hits[hits.length - 1]! > at) {
      // The clock went back (the playground's time travel): what it counted "later" has not happened yet. Without
      // this, hits from the future would sit at the front, never age out, and refuse every request to the key.
      hits = hits.filter((h) => h <= at);
      this.hits.set(key, hits);
    }
    const cutoff = at - this.windowMs;
    let drop = 0;
    while (drop < hits.length && (hits[drop] ?? 0) <= cutoff) drop++;
    if (drop > 0) hits.splice(0, drop);
    return hits;
  }
}

/** A rejection by one of several windows: the limit that tripped and whole seconds until a retry fits. */
export interface LimitRejection {
  limit: number;
  resetSeconds: number;
}

/**
 * Several windows over the same keys (e.g. 50/s and 1000/min). A hit is admitted only if every window has room,
 * and is then remembered by all of them.
 */
export class MultiWindowLimiter {
  constructor(private readonly windows: SlidingWindow[]) {}

  tryAdmit(key: string, at: number): LimitRejection | undefined {
    let worst: LimitRejection | undefined;
    for (const w of this.windows) {
      const wait = w.waitMs(key, at);
      if (wait > 0) {
        const resetSeconds = Math.max(1, Math.ceil(wait / 1000));
        if (!worst || resetSeconds > worst.resetSeconds) worst = { limit: w.limit, resetSeconds };
      }
    }
    if (worst) return worst;
    for (const w of this.windows) w.admit(key, at);
    return undefined;
  }

  clear(): void {
    for (const w of this.windows) w.clear();
  }
}

/**
 * Every attempt (admitted or not) per scope: fixed per-second buckets for the state, and the raw times to find
 * the busiest sliding second, which is what "never more than 5 per second" really means.
 */
export class AttemptLog {
  private readonly times = new Map<RateScope, number[]>();

  constructor(private readonly buckets: Map<RateScope, Map<number, number>>) {}

  record(scope: RateScope, at: number): void {
    const second = Math.floor(at / 1000);
    let perSecond = this.buckets.get(scope);
    if (!perSecond) {
      perSecond = new Map();
      this.buckets.set(scope, perSecond);
    }
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    let times = this.times.get(scope);
    if (!times) {
      times = [];
      this.times.set(scope, times);
    }
    times.push(at);
  }

  /** The largest number of attempts inside any window of `windowMs` (sliding). */
  peak(scope: RateScope, windowMs = 1000): number {
    const times = [...(this.times.get(scope) ?? [])].sort((a, b) => a - b);
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      const endAt = times[end] ?? 0;
      while ((times[start] ?? 0) <= endAt - windowMs) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  scopes(): RateScope[] {
    return [...this.times.keys()];
  }

  clear(): void {
    this.times.clear();
    this.buckets.clear();
  }
}
