/**
 * A production server of a deployment as its own process, for test/entry/deployment.e2e.test.ts: what
 * src/entry/node.ts runs (bootDeployment from the environment, the HTTP app on PORT and HOST, the maintain every
 * second, the minute tick, a graceful stop on SIGTERM), on a clock CLOCK_OFFSET_MS from real time. The offset is a
 * whole number of minutes, so that node-cron's real minute boundaries stay the bot's minute boundaries: the tick for
 * real minute m runs the bot's jobs for m + offset.
 *
 * Prints one JSON log line per line on stdout; besides the server's own, `listening` with its URL and `ticked` after
 * each minute's jobs: which competition's jobs ran here and which another server had claimed. Start it with
 * `node --import tsx`, so that a SIGKILL reaches the server itself.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/app';
import { bootDeployment } from '../../src/entry/bootstrap';
import { startMinuteTick } from '../../src/platform/minute-tick';

const MINUTE = 60_000;
const offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
if (!Number.isSafeInteger(offset) || offset % MINUTE !== 0)
  throw new Error(`CLOCK_OFFSET_MS must be a whole number of minutes, got ${process.env.CLOCK_OFFSET_MS}`);

const deployment = await bootDeployment({ clock: { now: () => Date.now() + offset } });
const { logger, config } = deployment;
const server = serve({ fetch: createApp(deployment).fetch, port: config.PORT, hostname: config.HOST });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
logger.info('listening', { url: `http://${config.HOST}:${(server.address() as AddressInfo).port}` });

const maintain = () => deployment.defer.run('maintain', () => deployment.maintain());
maintain();
const drainTimer = setInterval(maintain, 1_000);
const minuteTask = startMinuteTick({
  name: 'saidao-tick',
  run: async (at) => {
    const outcomes = await deployment.tick(at + offset);
    const ran: Record<string, string[]> = {};
    const claimedElsewhere: Record<string, string[]> = {};
    for (const [competition, jobs] of outcomes) {
      ran[competition] = jobs.filter((j) => j.ran).map((j) => j.job);
      claimedElsewhere[competition] = jobs.filter((j) => !j.ran && j.reason === 'claimed elsewhere').map((j) => j.job);
    }
    logger.info('ticked', { at: new Date(at + offset).toISOString(), ran, claimedElsewhere });
  },
  logger,
});

process.on('SIGTERM', async () => {
  clearInterval(drainTimer);
  await minuteTask.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await deployment.defer.idle();
  await deployment.database.destroy().catch(() => {});
  logger.info('stopped');
  process.exit(0);
});
