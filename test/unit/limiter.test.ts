import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter, LARK_MESSAGE_LIMITS } from '../../src/lark/limiter';
import { between, seeded } from '../support/random';

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('the sliding-window limiter', () => {
  it('property: whatever the demand, no 1 s window holds over 50 sends, no minute over 1000, no key over 5 a second', () => {
    const rand = seeded(42);
    const limiter = new SlidingWindowLimiter(LARK_MESSAGE_LIMITS, 0);
    const sent: number[] = [];
    const byKey = new Map<string, number[]>();
    let now = 0;
    // Greedy sender: asks for a random key every millisecond-ish and sends whenever allowed.
    while (sent.length < 3000) {
      const key = `chat:${between(rand, 0, 40)}`;
      const wait = limiter.waitFor(key, now);
      if (wait === 0) {
        limiter.record(key, now);
        sent.push(now);
        byKey.set(key, [...(byKey.get(key) ?? []), now]);
      }
      now += between(rand, 0, 3);
    }
    expect(maxInWindow(sent, 1000)).toBeLessThanOrEqual(50);
    expect(maxInWindow(sent, 60_000)).toBeLessThanOrEqual(1000);
    for (const times of byKey.values()) expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(5);
  });

  it('says how long to wait when a chat has had its five', () => {
    const limiter = new SlidingWindowLimiter(LARK_MESSAGE_LIMITS, 0);
    for (let i = 0; i < 5; i++) limiter.record('chat:a', 100 + i);
    expect(limiter.waitFor('chat:a', 200)).toBe(900);
    expect(limiter.waitFor('chat:b', 200)).toBe(0);
    expect(limiter.waitFor('chat:a', 1100)).toBe(0);
  });
});
