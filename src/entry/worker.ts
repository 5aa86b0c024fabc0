/**
 * Cloudflare Workers entry: the same app as on Node, over MySQL through Hyperdrive. A pool per request, destroyed
 * once the response and its deferred work are done (Hyperdrive does the real pooling).
 * Only fetch and WebCrypto here: nothing Node-only is imported (no SQLite, no file system).
 */
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createContainer, type Container } from '../container';
import { latestCompetitionId } from '../competition/competition.repository';
import { systemClock } from '../platform/clock';
import { openDatabase } from '../platform/db';
import { TrackedDefer } from '../platform/defer';
import { createLogger } from '../platform/logger';

export interface Env {
  HYPERDRIVE: { connectionString: string };
  [name: string]: unknown;
}

interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

function stringEnv(env: Env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Builds the request's container, runs `use`, and hands the deferred work and the pool's closing to waitUntil. */
async function withContainer<T>(
  env: Env,
  ctx: ExecutionContextLike,
  use: (container: Container) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...stringEnv(env), DATABASE_URL: env.HYPERDRIVE.connectionString });
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config.DATABASE_URL, { disableEval: true, connectionLimit: 1 });
  const defer = new TrackedDefer(logger);
  try {
    // This lookup is the request's first query. Were its failure to escape, an unreachable database would turn every
    // answer into the runtime's bare 500, /healthz included, and card clicks would get no toast. Go on as when no
    // competition is loaded, and let the app meet the outage the way it does on Node.
    const competitionId =
      (await latestCompetitionId(database.db).catch((err: unknown) => {
        logger.warn('competition lookup failed', { err });
        return undefined;
      })) ?? 'none';
    return await use(createContainer({ config, logger, clock: systemClock, database, defer, competitionId }));
  } finally {
    ctx.waitUntil(defer.idle().finally(() => database.destroy()));
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> {
    return withContainer(env, ctx, (container) => Promise.resolve(createApp(container).fetch(request)));
  },

  /** Cron Trigger (wrangler.toml [triggers]): the same housekeeping tick the Node entry runs on its interval. */
  async scheduled(controller: { scheduledTime: number }, env: Env, ctx: ExecutionContextLike): Promise<void> {
    await withContainer(env, ctx, (container) => container.tick(controller.scheduledTime));
  },
};
