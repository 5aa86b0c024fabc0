export {};
/**
 * Run as its own process by test/platform/minute-tick.test.ts: the wall clock (Date) is made to jump while the minute
 * tick is scheduled, as a VM resumed after months or an NTP step would. Prints what happened as one JSON line.
 */
const realNow = Date.now.bind(Date);
let offset = 0;
const RealDate = Date;
class JumpingDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(realNow() + offset);
    else super(...(args as [number]));
  }
  static override now(): number {
    return realNow() + offset;
  }
}
globalThis.Date = JumpingDate as DateConstructor;

// The run takes about 2.5 s of real time; started within that of a real minute boundary, that minute's own tick
// would be counted among the jump's (the test failed so once in CI): begin just past the boundary instead.
const intoMinute = realNow() % 60_000;
if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 500));

const { startMinuteTick } = await import('../../src/platform/minute-tick');
const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
const logger = {
  debug: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: 'debug', msg, fields }),
  info: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: 'info', msg, fields }),
  warn: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: 'warn', msg, fields }),
  error: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: 'error', msg, fields }),
  child: () => logger,
};
const runs: number[] = [];
const claimed: string[] = [];
const tick = startMinuteTick({
  name: 'jump-test',
  run: async (at) => void runs.push(at),
  coordinator: {
    shouldRun: async (key) => {
      if (claimed.includes(key)) return false;
      claimed.push(key);
      return true;
    },
  },
  logger,
  watchdogMs: 50,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY = 86_400_000;

await sleep(200);
const before = { runs: runs.length, lines: lines.length };
offset = 263 * DAY; // nine months forward
const jumpedAt = Date.now();
await sleep(1_500);
const afterForward = { runs: [...runs], lines: [...lines], nextSlot: tick.nextSlot(), now: Date.now(), jumpedAt };
offset -= 3 * 3_600_000; // three hours back
await sleep(500);
const afterBackward = { nextSlot: tick.nextSlot(), now: Date.now(), lines: lines.length };
await tick.stop();
console.log(JSON.stringify({ before, afterForward, afterBackward }));
process.exit(0);
