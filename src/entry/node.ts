/**
 * Node entry: configuration → container → HTTP server, graceful drain on SIGTERM/SIGINT.
 */
import { serve } from '@hono/node-server';
import { createApp } from '../app';
import { ConfigError } from '../config';
import { ValidationFailed } from '../platform/errors';
import { CompetitionRefused } from '../competition/competition.service';
import { startMinuteTick } from '../platform/minute-tick';
import { boot } from './bootstrap';

async function main(): Promise<void> {
  const container = await boot();
  const { config, logger } = container;
  const app = createApp(container);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info('listening', {
      url: `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`,
      database: container.database.dialect,
      competition: container.competitionId,
    });
  });

  // Unfinished events and outbox retries come due later: look every few seconds, and once now for what a previous
  // process left behind.
  const maintain = () => container.defer.run('maintain', () => container.maintain());
  maintain();
  const drainTimer = setInterval(maintain, 3_000);
  drainTimer.unref();
  // The minute tick on every server: each scheduled job claims its slot in the database, so it runs on one
  // (src/container.ts scheduledJobs); a jump of the wall clock is caught up once (src/platform/minute-tick.ts).
  const minuteTask = startMinuteTick({ name: 'saidao-tick', run: (at) => container.tick(at), logger });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    // Stop accepting, let in-flight requests finish, then deferred work, then close the pool.
    clearInterval(drainTimer);
    await minuteTask.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await container.defer.idle();
    await container.database.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof ValidationFailed || err instanceof CompetitionRefused) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
