/**
 * Cloudflare Workers entry: the same app as on Node, over MySQL through Hyperdrive. A pool per request, destroyed
 * once the response and its deferred work are done (Hyperdrive does the real pooling). It serves every competition
 * loaded into the database (`npm run cli -- competition load`), each through the app its file names.
 * Only fetch and WebCrypto here: nothing Node-only is imported (no SQLite, no file system).
 */
import { createApp } from '../app';
import { loadConfig, type Config } from '../config';
import { deployedCompetitions } from '../competition/competition.repository';
import { createDeployment, type Deployment } from '../deployment';
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

/**
 * Builds the request's deployment (every loaded competition over its app), runs `use`, and hands the deferred work and
 * the pool's closing to waitUntil.
 */
async function withDeployment<T>(
  env: Env,
  ctx: ExecutionContextLike,
  use: (deployment: Deployment) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...stringEnv(env), DATABASE_URL: env.HYPERDRIVE.connectionString });
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config.DATABASE_URL, { disableEval: true, connectionLimit: 1 });
  const defer = new TrackedDefer(logger);
  try {
    // This lookup is the request's first query. Were its failure to escape, an unreachable database would turn every
    // answer into the runtime's bare 500, /healthz included, and card clicks would get no toast. Go on as when no
    // competition is loaded, and let the app meet the outage the way it does on Node.
    const loaded = await deployedCompetitions(database.db).catch((err: unknown) => {
      logger.warn('competition lookup failed', { err });
      return [];
    });
    const competitions = loaded.length ? loaded : [{ id: 'none', app: 'default' }];
    // The invocation's sends are shared among the apps' senders (each also fetches its own token).
    const apps = new Set(competitions.map((c) => c.app)).size;
    const options = workerSenderOptions(config);
    return await use(
      createDeployment({
        config,
        logger,
        clock: systemClock,
        database,
        defer,
        competitions,
        sender: { ...options, maxSends: Math.max(1, Math.floor((options.maxSends ?? 40) / apps) - (apps - 1)) },
      }),
    );
  } finally {
    ctx.waitUntil(defer.idle().finally(() => database.destroy()));
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> {
    return withDeployment(env, ctx, (deployment) => Promise.resolve(createApp(deployment).fetch(request)));
  },

  /** Cron Trigger (wrangler.toml [triggers]): the same housekeeping tick the Node entry runs on its interval. */
  async scheduled(controller: { scheduledTime: number }, env: Env, ctx: ExecutionContextLike): Promise<void> {
    await withDeployment(env, ctx, (deployment) => deployment.tick(controller.scheduledTime));
  },
};
