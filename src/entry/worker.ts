/**
 * Cloudflare Workers entry: the same app as on Node, over MySQL through Hyperdrive. A pool per request, destroyed
 * once the response and its deferred work are done (Hyperdrive does the real pooling).
 * Only fetch and WebCrypto here: nothing Node-only is imported (no SQLite, no file system).
 */
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createContainer } from '../container';
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

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> {
    const config = loadConfig({ ...stringEnv(env), DATABASE_URL: env.HYPERDRIVE.connectionString });
    const logger = createLogger(config.LOG_LEVEL);
    const database = await openDatabase(config.DATABASE_URL, { disableEval: true, connectionLimit: 1 });
    const defer = new TrackedDefer(logger);
    try {
      const competitionId = (await latestCompetitionId(database.db)) ?? 'none';
      const container = createContainer({ config, logger, clock: systemClock, database, defer, competitionId });
      return await createApp(container).fetch(request);
    } finally {
      ctx.waitUntil(defer.idle().finally(() => database.destroy()));
    }
  },
};
