/**
 * Sliding-window rate limits, as Lark counts them: per app 50/s and 1000/min on the message APIs, and 5/s per
 * receiving user or chat (shared by every bot in a group)
 * (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create,
 * https://open.larksuite.com/document/ukTMukTMukTM/uUzN04SN3QjL1cDN). Only the holder of the outbox lease sends, so
 * counting in its memory is counting for the whole deployment.
 */
export interface WindowLimit {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimits {
  readonly app: readonly WindowLimit[];
  readonly perKey: readonly WindowLimit[];
}

/**
 * Windows are counted from answers (see below), so Lark's count of a request is never later than ours; the small
 * margin only absorbs millisecond rounding between the two clocks.
 */
export const LARK_MESSAGE_LIMITS: RateLimits = {
  app: [
    { limit: 50, windowMs: 1_000 },
    { limit: 1_000, windowMs: 60_000 },
  ],
  perKey: [{ limit: 5, windowMs: 1_000 }],
};

/**
 * When Lark counts a request is somewhere between our sending it and our getting the answer. So a request occupies
 * its windows from the moment it starts (while in flight it counts as "now") until its answer, and it is then
 * remembered at the time of the answer: the next request can never land within a window of it. A request whose
 * fate is unknown (a timeout: Lark may still be working on it) is remembered as landing later still.
 */
interface Window {
  /** Answer times, ascending. */
  readonly done: number[];
  inFlight: number;
}

export class SlidingWindowLimiter {
  private readonly app: Window = { done: [], inFlight: 0 };
  private readonly byKey = new Map<string, Window>();
  private finished = 0;

  constructor(
    private readonly limits: RateLimits = LARK_MESSAGE_LIMITS,
    private readonly marginMs = 10,
  ) {}

  /**
   * Milliseconds to wait before a request for `key` may go out at `now` (0: now). `appShare` below 1 lets the request
   * use only that share of each app-wide window, keeping the rest for more urgent requests (the outbox gives bulk
   * sends 90%, so a reply never waits a minute behind a full 1,000/min window of reminders).
   */
  waitFor(key: string, now: number, appShare = 1): number {
    const perKey = this.byKey.get(key);
    return Math.max(this.appWaitFor(now, appShare), perKey ? this.waitIn(perKey, this.limits.perKey, now) : 0);
  }

  /** The part of the wait imposed by the app-wide limits alone (it holds for every key). */
  appWaitFor(now: number, appShare = 1): number {
    if (appShare >= 1) return this.waitIn(this.app, this.limits.app, now);
    const shared = this.limits.app.map((l) => ({ ...l, limit: Math.max(1, Math.floor(l.limit * appShare)) }));
    return this.waitIn(this.app, shared, now);
  }

  /** The part of the wait imposed by `key`'s own limits alone. */
  keyWaitFor(key: string, now: number): number {
    const perKey = this.byKey.get(key);
    return perKey ? this.waitIn(perKey, this.limits.perKey, now) : 0;
  }

  /** A request for `key` is going out now. */
  start(key: string): void {
    this.app.inFlight += 1;
    this.windowOf(key).inFlight += 1;
  }

  /** The request started for `key` got its answer (or gave up) at `at`. */
  finish(key: string, at: number): void {
    const w = this.windowOf(key);
    for (const win of [this.app, w]) {
      win.inFlight = Math.max(0, win.inFlight - 1);
      insertSorted(win.done, at);
    }
    this.prune(w, at);
  }

  /** The request started for `key` was turned away by the rate limiter itself (429): it did not count. */
  abandon(key: string): void {
    this.app.inFlight = Math.max(0, this.app.inFlight - 1);
    const w = this.windowOf(key);
    w.inFlight = Math.max(0, w.inFlight - 1);
  }

  /** Requests another server answered recently (read from the outbox), so that taking over never overshoots. */
  remember(key: string, at: number): void {
    for (const win of [this.app, this.windowOf(key)]) insertSorted(win.done, at);
  }

  private windowOf(key: string): Window {
    let w = this.byKey.get(key);
    if (!w) {
      w = { done: [], inFlight: 0 };
      this.byKey.set(key, w);
    }
    return w;
  }

  private waitIn(w: Window, limits: readonly WindowLimit[], now: number): number {
    let wait = 0;
    for (const { limit, windowMs } of limits) {
      const span = windowMs + this.marginMs;
      // In-flight requests hold their slot until answered: only answered ones can age out.
      const free = limit - w.inFlight;
      if (free <= 0) {
        wait = Math.max(wait, 5);
        continue;
      }
      let recent = 0;
      for (let i = w.done.length - 1; i >= 0 && w.done[i]! > now - span; i--) recent++;
      if (recent >= free) wait = Math.max(wait, w.done[w.done.length - free]! + span - now);
    }
    return Math.max(0, wait);
  }

  private prune(keyWindow: Window, now: number): void {
    const longest =
      Math.max(...this.limits.app.map((l) => l.windowMs), ...this.limits.perKey.map((l) => l.windowMs)) + this.marginMs;
    const drop = (w: Window) => {
      while (w.done.length && w.done[0]! <= now - longest) w.done.shift();
    };
    drop(this.app);
    drop(keyWindow);
    // Forget idle keys now and then, not on every send (there can be thousands of them).
    if (++this.finished % 1000 === 0) {
      for (const [k, w] of this.byKey) {
        drop(w);
        if (!w.done.length && !w.inFlight) this.byKey.delete(k);
      }
    }
  }
}

function insertSorted(list: number[], t: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > t) i--;
  list.splice(i, 0, t);
}
