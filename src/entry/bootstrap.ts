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
import { createDeployment, type Deployment } from '../deployment';
import { ValidationFailed } from '../platform/errors';
import { isLockConflict, isUniqueViolation } from '../platform/db';

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

/** Configuration, logger and clock, and the database opened and migrated: what every start begins with. */
async function openMigrated(options: Pick<BootOptions, 'env' | 'clock' | 'logger'>) {
  const config: Config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(config.DATABASE_URL);
  try {
    const { applied } = await migrateToLatest(database.db);
    if (applied.length) logger.info('migrations applied', { applied });
  } catch (err) {
    await database.destroy();
    throw err;
  }
  return { config, logger, clock, database };
}

export async function boot(options: BootOptions = {}): Promise<Container> {
  const { config, logger, clock, database } = await openMigrated(options);
  try {
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
      await loadAtStart(database.db, competition, container.lark, clock, logger);
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

/** The competition files a deployment runs: COMPETITIONS (a folder, or a comma-separated list), else COMPETITION_FILE. */
export async function competitionPaths(config: Config): Promise<string[]> {
  if (!config.COMPETITIONS) return [config.COMPETITION_FILE];
  const { readdir, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const entries = config.COMPETITIONS.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const paths: string[] = [];
  for (const entry of entries) {
    const isFolder = await stat(entry).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      paths.push(entry);
      continue;
    }
    const files = (await readdir(entry)).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort();
    if (!files.length) throw new ValidationFailed([`COMPETITIONS: ${entry} holds no competition file (*.json)`]);
    paths.push(...files.map((f) => join(entry, f)));
  }
  return paths;
}

/**
 * Reads every competition file and checks that they fit together: ids unique, and, on a server with Lark
 * credentials, each competition's app configured (LARK_<NAME>_APP_ID and LARK_<NAME>_APP_SECRET).
 */
export async function readCompetitions(config: Config): Promise<Competition[]> {
  const paths = await competitionPaths(config);
  const problems: string[] = [];
  const read: Competition[] = [];
  for (const path of paths) {
    try {
      read.push(await readCompetitionFile(path));
    } catch (err) {
      if (err instanceof ValidationFailed)
        problems.push(...err.problems.map((p) => (p.startsWith(path) ? p : `${path}: ${p}`)));
      else throw err;
    }
  }
  const seen = new Map<string, string>();
  read.forEach((c, i) => {
    const other = seen.get(c.id);
    if (other) problems.push(`${paths[i]}: id "${c.id}" is also the id of ${other}`);
    else seen.set(c.id, paths[i]!);
  });
  const production = [...config.apps.values()].some((a) => a.enabled);
  for (const [i, c] of read.entries()) {
    const app = config.apps.get(c.file.app);
    if (production && !app?.enabled) {
      const prefix = c.file.app === 'default' ? 'LARK_' : `LARK_${c.file.app.toUpperCase()}_`;
      problems.push(`${paths[i]}: app "${c.file.app}" has no credentials (${prefix}APP_ID and ${prefix}APP_SECRET)`);
    }
  }
  if (problems.length) throw new ValidationFailed(problems);
  return read;
}

/**
 * Servers of a deployment that start at the same moment load the same files: each reads the stored state before any
 * has written, so all but one run into the first one's rows (a duplicate key) or locks (a deadlock). The load is one
 * transaction, rolled back whole; run again, it reads what the first one committed and has nothing left to change.
 */
async function againIfRaced<T>(load: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await load();
    } catch (err) {
      if (i >= attempts || !(isUniqueViolation(err) || isLockConflict(err))) throw err;
      await new Promise((r) => setTimeout(r, 20 * i + Math.random() * 30));
    }
  }
}

/**
 * The production server's start-up: configuration → database (migrated) → every competition file (loaded) → the
 * deployment, one container per competition over their Lark apps.
 */
export async function bootDeployment(options: Pick<BootOptions, 'env' | 'clock' | 'logger'> = {}): Promise<Deployment> {
  const { config, logger, clock, database } = await openMigrated(options);
  try {
    const competitions = await readCompetitions(config);
    const deployment = createDeployment({
      config,
      logger,
      clock,
      database,
      defer: new TrackedDefer(logger),
      competitions: competitions.map((c) => ({ id: c.id, app: c.file.app })),
    });
    for (const competition of competitions)
      await loadAtStart(database.db, competition, deployment.competitions.get(competition.id)!.lark, clock, logger);
    for (const app of deployment.apps)
      if (!app.lark.enabled) logger.warn('Lark credentials not set: outgoing messages are disabled', { app: app.name });
    return deployment;
  } catch (err) {
    await database.destroy();
    throw err;
  }
}

/**
 * Loads a competition file as a server starts (idempotent: an unchanged file changes nothing), people resolved through
 * its app's contact API, and says what changed. Servers starting at once may race for the first load: see againIfRaced.
 */
async function loadAtStart(
  db: Container['database']['db'],
  competition: Competition,
  lark: LarkApi,
  clock: Clock,
  logger: Logger,
): Promise<void> {
  const result = await againIfRaced(() =>
    loadCompetition(db, competition, {
      dryRun: false,
      now: clock.now(),
      actor: 'system',
      ...(lark.enabled ? { resolve: (lookup) => lark.resolveIds(lookup) } : {}),
    }),
  );
  logger.info('competition loaded', {
    competition: competition.id,
    app: competition.file.app,
    archived: competition.file.archived,
    changes: result.plan.changes.length,
    changed: result.applied,
    resolvedPeople: result.resolution.resolved.length,
    unresolvedPeople: result.resolution.unresolved.length,
  });
  const problems = unresolvedLines(result);
  if (problems.length)
    logger.warn('people in the competition file could not be resolved', {
      competition: competition.id,
      people: problems,
    });
}
