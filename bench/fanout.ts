/**
 * Reminder fan-out: one tick at T-7 before registration closes, for 500 units with 20 contacts each, plans 10,000
 * reminder cards (the real planner); the real sender drains them through the real SDK into the emulator, which
 * enforces Lark's limits (50/s and 1000/min per app, 5/s per user) and injects 5% faults (2% 429 with reset
 * headers, 2% 500, 1% timeouts). Printed: the duration as a ratio of the rate-limit floor (the fastest schedule the
 * two app windows allow), lost, duplicated and limit violations; and the same against the floor of the attempts the
 * windows had to hold (the sends plus the failed attempts Lark may have counted).
 *
 * Time is compressed: the sender and the emulator share a clock running SPEED times faster than the wall clock, so
 * the ten minutes the limits impose take about half a minute. Network latency is stretched by the same factor,
 * which only makes the figure pessimistic.
 * Run: `npx tsx bench/fanout.ts [messages] [speed]` (default 10000 20; NO_FAULTS=1 for a run without faults).
 * MySQL when reachable, else SQLite.
 */
import { loadCompetition } from '../src/competition/competition.service';
import { runReminders } from '../src/features/reminders/reminders.service';
import { SdkLarkApi } from '../src/lark/client';
import { newId } from '../src/platform/ids';
import { toDbInstant } from '../src/platform/instant';
import { silentLogger } from '../src/platform/logger';
import { startEmulatorServer } from '../src/emulator/server';
import { testContainer } from '../test/support/container';
import { freshDatabase } from '../test/support/database';
import { at, competition2024 } from '../test/support/fixtures';
import { floorSeconds, useBenchDatabase } from './support';

const MESSAGES = Number(process.argv[2] ?? 10_000);
const SPEED = Number(process.argv[3] ?? 20);
const PER_UNIT = 20;

await useBenchDatabase();

const t0 = Date.now();
const clock = {
  now: () => t0 + (Date.now() - t0) * SPEED,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms / SPEED)),
};

const units = Math.ceil(MESSAGES / PER_UNIT);
const competition = competition2024((f) => {
  f.units = Array.from({ length: units }, (_, i) => ({
    code: `U${i}`,
    name: `单位${i}`,
    shortName: `单位${i}`,
    aliases: [],
  }));
  f.people = [];
  f.chats = [];
});
const db = await freshDatabase();
const emu = await startEmulatorServer({
  appId: 'cli_fanout',
  appSecret: 'secret',
  seed: 11,
  now: clock.now,
  tokenTtlSeconds: 30 * 86_400,
});
try {
  const planAt = at('2024-04-08 09:30:00');
  await loadCompetition(db.db, competition, { dryRun: false, now: planAt, actor: 'bench' });
  const grants = [];
  for (let u = 0; u < units; u++)
    for (let k = 0; k < PER_UNIT && u * PER_UNIT + k < MESSAGES; k++)
      grants.push({
        id: newId('grt'),
        competition_id: competition.id,
        open_id: `ou_fan_${u}_${k}`,
        role: 'contact',
        scope: `U${u}`,
        source: 'file',
        granted_by: null,
        created_at: toDbInstant(planAt),
      });
  for (let i = 0; i < grants.length; i += 500)
    await db.db
      .insertInto('role_grants')
      .values(grants.slice(i, i + 500))
      .execute();

  const lark = new SdkLarkApi({
    appId: 'cli_fanout',
    appSecret: 'secret',
    domain: emu.url,
    logger: silentLogger,
    timeoutMs: 2_000,
  });
  const container = testContainer(db, {}, planAt, {
    lark,
    sender: { time: clock, baseBackoffMs: 200, maxBackoffMs: 5_000, maxAttempts: 50 },
  });
  // Planning: the reminder run of the tick at T-7 (the tick's own drain is left to the timed part below).
  const planStart = performance.now();
  const report = { reminders: await runReminders(container.services, planAt) };
  const planMs = performance.now() - planStart;
  const queued = (await db.db.selectFrom('outbox').select('id').execute()).length;

  if (process.env.NO_FAULTS !== '1')
    emu.emulator.setFaults({
      errorRate: 0.02,
      rateLimitRate: 0.02,
      timeoutRate: 0.01,
      hangMs: Math.round(300 / SPEED),
      hangOutcome: 'answer',
    });
  const start = clock.now();
  while (
    (await db.db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'sending']).limit(1).execute())
      .length
  ) {
    await container.sender.drain();
    await clock.sleep(200);
  }
  const seconds = (clock.now() - start) / 1000;
  const floor = floorSeconds(queued);
  const texts = emu.emulator.state.messages.map((m) => `${m.receiverOpenId}`);
  const distinct = new Set(texts).size;
  const failed = (await db.db.selectFrom('outbox').select('id').where('status', '=', 'failed').execute()).length;
  // Every send Lark answered other than with a 429 counts against the app's windows (a 500 or a timeout may have been
  // counted before it failed, so the sender counts it too): the floor of the attempts that had to fit in the windows.
  const counted = emu.emulator.state.calls.filter(
    (c) => c.method === 'POST' && c.path.startsWith('/open-apis/im/v1/messages') && c.status !== 429,
  ).length;
  const attemptsFloor = floorSeconds(counted);
  console.log(`database: ${db.dialect}; time compressed ${SPEED}x`);
  console.log(
    `planning: one tick planned ${report.reminders.sent} unit reminders = ${queued} cards in ${Math.round(planMs)} ms`,
  );
  console.log(
    `(d) reminder fan-out of ${queued} with 5% faults: ${seconds.toFixed(1)} s (virtual) vs floor ${floor} s = ${(seconds / floor).toFixed(3)}x the floor ` +
      `(${((100 * floor) / seconds).toFixed(1)}% of the allowed rate); lost ${queued - distinct}, duplicated ${texts.length - distinct}, gave up ${failed}, ` +
      `violations ${emu.emulator.state.violations.length}, injected faults ${emu.emulator.state.calls.filter((c) => c.fault).length}, peak ${emu.emulator.peakRate('app:message')}/s`,
  );
  console.log(
    `(d) the same against the floor of the ${counted} attempts the limits counted (${counted - queued} failed ones included): ${attemptsFloor} s = ${(seconds / attemptsFloor).toFixed(3)}x; ` +
      `a failed attempt in the last full minute can only be retried in the next one, which the floor of ${queued} sends cannot show`,
  );
} finally {
  await emu.close();
  await db.destroy();
}
process.exit(0);
