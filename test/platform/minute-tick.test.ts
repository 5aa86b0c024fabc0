/**
 * The minute tick and jumps of the wall clock. A recurring node-cron task replays every missed minute (one warning
 * each: 378,690 lines after nine months); the tick here catches up once and logs one line. The clock is made to jump
 * in a child process (Date is global), as a VM resumed after suspend or an NTP step would.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the minute tick when the wall clock jumps', () => {
  it('nine months forward: one catch-up run at the new time, one log line, then the next minute armed; three hours back: re-armed at once', () => {
    const out = execFileSync('node_modules/.bin/tsx', ['test/support/clock-jump-child.ts'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(r.before).toEqual({ runs: 0, lines: 0 });
    // Caught up once, for the instant after the jump (not for each of the 378,720 minutes in between).
    expect(r.afterForward.runs).toHaveLength(1);
    expect(r.afterForward.runs[0]).toBeGreaterThanOrEqual(r.afterForward.jumpedAt);
    expect(r.afterForward.lines).toHaveLength(1);
    expect(r.afterForward.lines[0]).toMatchObject({
      level: 'warn',
      msg: 'the wall clock moved; the minute tick catches up once',
    });
    expect(r.afterForward.lines[0].fields.minutes).toBeGreaterThan(378_000);
    // The next run is the next minute of the new time.
    expect(r.afterForward.nextSlot - r.afterForward.now).toBeGreaterThan(0);
    expect(r.afterForward.nextSlot - r.afterForward.now).toBeLessThanOrEqual(60_000);
    // Back three hours: the next minute is armed at once instead of three hours away, with one more line.
    expect(r.afterBackward.nextSlot - r.afterBackward.now).toBeGreaterThan(0);
    expect(r.afterBackward.nextSlot - r.afterBackward.now).toBeLessThanOrEqual(60_000);
    expect(r.afterBackward.lines).toBe(2);
  });
});
