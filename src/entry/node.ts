/**
 * Node entry: configuration → container → HTTP server, graceful drain on SIGTERM/SIGINT. Without Lark credentials
 * (LARK_APP_ID unset or empty) it starts the playground instead: the same bot, with the Lark emulator and a chat page
 * on the same port (src/playground/server.ts).
 */
import { serve } from '@hono/node-server';
import { createApp } from '../app';
import { ConfigError, loadConfig } from '../config';
import type { Container } from '../container';
import { ValidationFailed } from '../platform/errors';
import { CompetitionRefused } from '../competition/competition.service';
import { startMinuteTick } from '../platform/minute-tick';
import { bootDeployment } from './bootstrap';

const MINUTE = 60_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // The playground is for a machine with no Lark app at all; any app's credentials make this the production server.
  if (![...config.apps.values()].some((a) => a.enabled)) return playground();
  const deployment = await bootDeployment();
  const { logger } = deployment;
  const app = createApp(deployment);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info('listening', {
      url: `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`,
      database: deployment.database.dialect,
      competitions: [...deployment.competitions.keys()],
      apps: deployment.apps.map((a) => a.name),
    });
  });
  keepRunning(deployment, () => new Promise<void>((resolve) => server.close(() => resolve())));
}

async function playground(): Promise<void> {
  // Loaded only here: a server with credentials never loads the playground (nor esbuild).
  const { startPlaygroundServer } = await import('../playground/server');
  const started = await startPlaygroundServer({ env: process.env });
  const { container, clock } = started;
  container.logger.info('playground', {
    url: `${started.url}/`,
    database: container.database.dialect,
    competition: container.competitionId,
    note: 'no LARK_APP_ID: the bot talks to the built-in Lark emulator; open the URL in a browser',
  });
  // For the person who typed `npm start`: where to look, in a line that stands out among the JSON logs.
  console.log(`\n  赛道演练场 Saidao playground: ${started.url.replace('127.0.0.1', 'localhost')}/\n`);
  // The minute tick follows the playground's clock, wherever the visitor moved it.
  keepRunning(
    container,
    () => started.close(),
    () => Math.floor(clock.now() / MINUTE) * MINUTE,
  );
}

/** The drain every few seconds, the minute tick, and a graceful stop on SIGTERM/SIGINT. */
function keepRunning(
  container: Pick<Container, 'logger' | 'defer' | 'database' | 'maintain'> & { tick(at: number): Promise<unknown> },
  close: () => Promise<void>,
  tickAt?: () => number,
): void {
  const { logger } = container;
  // Unfinished events and outbox retries come due later: look every second (a dead server's drain lease and events
  // are taken over within seconds: src/lark/outbox.sender.ts), and once now for what a previous process left behind.
  const maintain = () => container.defer.run('maintain', () => container.maintain());
  maintain();
  const drainTimer = setInterval(maintain, 1_000);
  drainTimer.unref();
  // The minute tick on every server: each scheduled job claims its slot in the database, so it runs on one
  // (src/container.ts scheduledJobs); a jump of the wall clock is caught up once (src/platform/minute-tick.ts).
  const minuteTask = startMinuteTick({
    name: 'saidao-tick',
    run: (at) => container.tick(tickAt ? tickAt() : at),
    logger,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    // Stop accepting, let in-flight requests finish, then deferred work, then close the pool.
    clearInterval(drainTimer);
    await minuteTask.stop();
    await close();
    await container.defer.idle();
    await container.database.destroy().catch(() => {});
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  const known = ['ConfigError', 'ValidationFailed', 'CompetitionRefused', 'PlaygroundRefused'];
  if (
    err instanceof ConfigError ||
    err instanceof ValidationFailed ||
    err instanceof CompetitionRefused ||
    known.includes((err as Error)?.name)
  ) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
