/**
 * Node start-up shared by the server and the CLI: configuration → database (migrated) → competition file (loaded)
 * → container. Every failure here is reported in readable lines and stops the start.
 */
import { loadConfig, type Config } from '../config';
import { createContainer, type Container } from '../container';
import { readCompetitionFile } from '../competition/loader';
import { loadCompetition, unresolvedLines } from '../competition/competition.service';
import type { Competition } from '../competition/competition';
import type { LarkApi } from '../lark/client';
import { systemClock, type Clock } from '../platform/clock';
import { openNodeDatabase as openDatabase } from '../platform/db-node';
import { TrackedDefer } from '../platform/defer';
import { createLogger, type Logger } from '../platform/logger';
import { migrateToLatest } from '../platform/migrate';

export interface BootOptions {
  env?: Record<string, string | undefined>;
  clock?: Clock;
  logger?: Logger;
  /** Load COMPETITION_FILE at start (the server does; most CLI commands do not need to). */
  loadCompetitionFile?: boolean;
  /** A Lark client of the caller's (the playground's, pointed at its in-process emulator) instead of the configured one. */
  lark?: LarkApi;
  /** Changes the competition file's definition before it is loaded (the playground adds its cast's people and chats). */
  prepare?: (competition: Competition) => Competition;
  /** Runs once the container is built, before the competition is loaded (the playground refuses a real database). */
  beforeLoad?: (container: Container, competition: Competition) => Promise<void>;
}

export async function boot(options: BootOptions = {}): Promise<Container> {
  const config: Config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(config.DATABASE_URL);
  try {
    const { applied } = await migrateToLatest(database.db);
    if (applied.length) logger.info('migrations applied', { applied });
    const read = await readCompetitionFile(config.COMPETITION_FILE);
    const competition = options.prepare ? options.prepare(read) : read;
    // Built before the load, so that the load can ask the contact API through the container's Lark client.
    const container = createContainer({
      config,
      logger,
      clock,
      database,
      defer: new TrackedDefer(logger),
      competitionId: competition.id,
      ...(options.lark ? { lark: options.lark } : {}),
    });
    await options.beforeLoad?.(container, competition);
    if (options.loadCompetitionFile !== false) {
      const lark = container.lark;
      const result = await loadCompetition(database.db, competition, {
        dryRun: false,
        now: clock.now(),
        actor: 'system',
        ...(lark.enabled ? { resolve: (lookup) => lark.resolveIds(lookup) } : {}),
      });
      logger.info('competition loaded', {
        competition: competition.id,
        changes: result.plan.changes.length,
        changed: result.applied,
        resolvedPeople: result.resolution.resolved.length,
        unresolvedPeople: result.resolution.unresolved.length,
      });
      const problems = unresolvedLines(result);
      if (problems.length) logger.warn('people in the competition file could not be resolved', { people: problems });
    }
    if (!container.lark.enabled) {
      logger.warn(
        'LARK_APP_ID / LARK_APP_SECRET not set: outgoing messages are disabled (events are still verified and handled)',
      );
    }
    return container;
  } catch (err) {
    await database.destroy();
    throw err;
  }
}
