/**
 * Cloudflare Workers entry: the same app as on Node, over MySQL through Hyperdrive. A pool per request, destroyed
 * once the response and its deferred work are done (Hyperdrive does the real pooling).
 * Only fetch and WebCrypto here: nothing Node-only is imported (no SQLite, no file system).
 */
import { createApp } from '../app';
import { loadConfig, type Config } from '../config';
import { createContainer, type Container } from '../container';
import { latestCompetitionId } from '../competition/competition.repository';
import { systemClock } from '../platform/clock';
import { openDatabase } from '../platform/db';
import { TrackedDefer } from '../platform/defer';
import { createLogger } from '../platform/logger';
import type { SenderOptions } from '../lark/outbox.sender';

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

/**
 * The outbox within an invocation's limits (https://developers.cloudflare.com/workers/platform/limits/): every Lark
 * call is a subrequest (Free 50 per invocation, Paid 10,000), the tenant token fetch included; at most six connections
 * are open at once, the Hyperdrive socket among them. So at most WORKERS_MAX_SENDS_PER_INVOCATION sends (default 40:
 * room for the token and the request's own Lark calls), four at a time (five connections with the database's), claimed
 * twenty at a time. The rest goes at the next invocation: the next request, or the Cron Trigger within the minute.
 */
export function workerSenderOptions(config: Config): Partial<SenderOptions> {
  return { maxSends: config.WORKERS_MAX_SENDS_PER_INVOCATION, concurrency: 4, batchSize: 20 };
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
    return await use(
      createContainer({
        config,
        logger,
        clock: systemClock,
        database,
        defer,
        competitionId,
        sender: workerSenderOptions(config),
      }),
    );
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
