/**
 * Node start-up shared by the server and the CLI: configuration → database (migrated) → competition file (loaded)
 * → container. Every failure here is reported in readable lines and stops the start.
 */
import { loadConfig, type Config } from '../config';
import { createContainer, type Container } from '../container';
import { readCompetitionFile } from '../competition/loader';
import { loadCompetition } from '../competition/competition.service';
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
}

export async function boot(options: BootOptions = {}): Promise<Container> {
  const config: Config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(config.DATABASE_URL);
  try {
    const { applied } = await migrateToLatest(database.db);
    if (applied.length) logger.info('migrations applied', { applied });
    const competition = await readCompetitionFile(config.COMPETITION_FILE);
    if (options.loadCompetitionFile !== false) {
      const { plan, applied: changed } = await loadCompetition(database.db, competition, { dryRun: false, now: clock.now(), actor: 'system' });
      logger.info('competition loaded', { competition: competition.id, changes: plan.changes.length, changed, unresolvedPeople: plan.unresolved.length });
    }
    if (!config.larkEnabled) {
      logger.warn('LARK_APP_ID / LARK_APP_SECRET not set: outgoing messages are disabled (events are still verified and handled)');
    }
    return createContainer({ config, logger, clock, database, defer: new TrackedDefer(logger), competitionId: competition.id });
  } catch (err) {
    await database.destroy();
    throw err;
  }
}
