import type { Logger } from './logger';

/**
 * Work that runs after the HTTP response has been sent (Lark wants its answer within 3 s).
 * Node: tracked promises that shutdown waits for. Workers: `ctx.waitUntil`.
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

/** Workers: hand the promise to the runtime so that it outlives the response. */
export class WaitUntilDefer implements Defer {
  constructor(
    private readonly waitUntil: (p: Promise<unknown>) => void,
    private readonly logger: Logger,
  ) {}
  run(label: string, work: () => Promise<unknown>): void {
    this.waitUntil(Promise.resolve().then(work).catch((err) => this.logger.error('deferred work failed', { label, err })));
  }
  async idle(): Promise<void> {}
}
