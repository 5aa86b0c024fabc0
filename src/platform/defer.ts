import type { Logger } from './logger';

/**
 * Work that runs after the HTTP response has been sent (Lark wants its answer within 3 s).
 * Node: shutdown waits for them. Workers: the entry hands `idle()` to `ctx.waitUntil`.
 */
export interface Defer {
  run(label: string, work: () => Promise<unknown>): void;
  /** Resolves when every piece of deferred work started so far has settled. */
  idle(): Promise<void>;
}

export class TrackedDefer implements Defer {
  private readonly inFlight = new Set<Promise<unknown>>();
  constructor(private readonly logger: Logger) {}

  run(label: string, work: () => Promise<unknown>): void {
    const p = Promise.resolve()
      .then(work)
      .catch((err) => this.logger.error('deferred work failed', { label, err }))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
