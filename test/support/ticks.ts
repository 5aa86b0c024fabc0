/**
 * The minute tick on several servers at once, as node-cron runs it on each: every server ticks every `stepMinutes`
 * from `from` to `to` (local Shanghai times), then the other servers drain what they enqueued and the harness
 * settles. Exactly-once tests use it to show that a second server never repeats a slot.
 */
import { at } from './fixtures';
import type { TestContainer } from './container';
import type { Harness } from './harness';

export async function tickServers(
  h: Harness,
  others: readonly TestContainer[],
  from: string,
  to: string,
  stepMinutes = 1,
): Promise<void> {
  const servers = [h.container, ...others];
  for (let t = at(from); t <= at(to); t += stepMinutes * 60_000) {
    for (const s of servers) s.clock.set(t);
    await Promise.all(servers.map((s) => s.tick(t)));
  }
  for (const o of others) await o.sender.drain();
  await h.settle();
}
