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
  for (const landing of ['at start', 'at answer', 'anywhere'] as const) {
    it(`property: with 8 requests in flight and Lark counting each ${landing} between send and answer, no 1 s window holds over 50, no minute over 1000, no key over 5 a second`, () => {
      const rand = seeded(landing.length);
      const limiter = new SlidingWindowLimiter(LARK_MESSAGE_LIMITS, 0);
      const landed: number[] = [];
      const byKey = new Map<string, number[]>();
      const inFlight: { key: string; answerAt: number }[] = [];
      let now = 0;
      let started = 0;
      // A greedy sender: whenever a worker is free it asks for a random key and sends if allowed.
      while (started < 3000) {
        for (let i = inFlight.length - 1; i >= 0; i--) {
          if (inFlight[i]!.answerAt <= now) limiter.finish(inFlight.splice(i, 1)[0]!.key, now);
        }
        const key = `chat:${between(rand, 0, 40)}`;
        if (inFlight.length < 8 && limiter.waitFor(key, now) === 0 && !inFlight.some((f) => f.key === key)) {
          limiter.start(key);
          const latency = between(rand, 1, 400);
          const at =
            landing === 'at start' ? now : landing === 'at answer' ? now + latency : now + between(rand, 0, latency);
          landed.push(at);
          byKey.set(key, [...(byKey.get(key) ?? []), at]);
          inFlight.push({ key, answerAt: now + latency });
          started++;
        }
        now += between(rand, 0, 3);
      }
      landed.sort((a, b) => a - b);
      expect(maxInWindow(landed, 1000)).toBeLessThanOrEqual(50);
      expect(maxInWindow(landed, 60_000)).toBeLessThanOrEqual(1000);
      for (const times of byKey.values())
        expect(
          maxInWindow(
            times.sort((a, b) => a - b),
            1000,
          ),
        ).toBeLessThanOrEqual(5);
    });
  }

  it('says how long to wait when a chat has had its five, counting from their answers', () => {
    const limiter = new SlidingWindowLimiter(LARK_MESSAGE_LIMITS, 0);
    for (let i = 0; i < 5; i++) {
      limiter.start('chat:a');
      limiter.finish('chat:a', 100 + i);
    }
    expect(limiter.waitFor('chat:a', 200)).toBe(900);
    expect(limiter.waitFor('chat:b', 200)).toBe(0);
    expect(limiter.waitFor('chat:a', 1100)).toBe(0);
  });

  it('a request still in flight holds its slot until it is answered', () => {
    const limiter = new SlidingWindowLimiter({ app: [{ limit: 2, windowMs: 1000 }], perKey: [] }, 0);
    limiter.start('a');
    limiter.start('b');
    expect(limiter.waitFor('c', 5_000)).toBeGreaterThan(0); // however long they take
    limiter.finish('a', 5_000);
    expect(limiter.waitFor('c', 5_000)).toBe(1_000); // b may still land at any moment
    limiter.finish('b', 5_200);
    expect(limiter.waitFor('c', 5_500)).toBe(500);
    expect(limiter.waitFor('c', 6_000)).toBe(0);
  });

  it('remembers what another server sent, so taking over the outbox does not overshoot', () => {
    const limiter = new SlidingWindowLimiter(LARK_MESSAGE_LIMITS, 0);
    for (let i = 0; i < 1000; i++) limiter.remember(`chat:${i % 300}`, i * 30);
    expect(limiter.appWaitFor(30_000)).toBe(30_000);
  });
});

describe('abandoned requests', () => {
  it('a request turned away by the rate limiter frees its slot without counting', () => {
    const limiter = new SlidingWindowLimiter({ app: [{ limit: 1, windowMs: 1000 }], perKey: [] }, 0);
    limiter.start('a');
    expect(limiter.waitFor('b', 0)).toBeGreaterThan(0);
    limiter.abandon('a');
    expect(limiter.waitFor('b', 0)).toBe(0);
  });
});
