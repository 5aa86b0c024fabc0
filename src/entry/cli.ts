/**
 * Operations from the shell: `npm run cli -- <command>`.
 *   migrate                               apply pending database migrations
 *   competition load <file> [--dry-run]   validate a competition file, show what would change, apply it
 *   competition schema [--out <file>]     print (or write) the JSON Schema of competition files
 *   tick [--at <ISO time>]                run the minute tick as if it were that instant (reminders due then), for
 *                                         every loaded competition
 *   ranking export [--version N] [--out <file>]   the published snapshots (latest version by default) as JSON
 *   ranking verify [--version N | --file <export>] recompute published snapshots and check their results and hashes
 *   demo seed --at <date or local time> [--seed N]  fill the database with the demo competition as of that instant
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../config';
import { competitionJsonSchema } from '../competition/competition.schema';
import { CompetitionRefused, loadCompetition, unresolvedLines } from '../competition/competition.service';
import { describeChange } from '../competition/competition.sync';
import { readCompetitionFile } from '../competition/loader';
import { SdkLarkApi } from '../lark/client';
import { openNodeDatabase as openDatabase } from '../platform/db-node';
import { ValidationFailed } from '../platform/errors';
import { silentLogger } from '../platform/logger';
import { migrateToLatest } from '../platform/migrate';
import { ManualClock } from '../platform/clock';
import { TrackedDefer } from '../platform/defer';
import { createContainer } from '../container';
import { outboxCounts, pendingAfter, type OutboxCounts } from '../lark/outbox.repository';
import { deployedCompetitions, findCompetition, latestCompetitionId } from '../competition/competition.repository';
import { createDeployment } from '../deployment';
import type { ReminderRun } from '../features/reminders/reminders.service';
import { verifySnapshot, type RankingSnapshot } from '../features/rankings/rankings.snapshot';
import { findPublication } from '../features/rankings/snapshots.repository';

const USAGE = `usage: npm run cli -- <command>
  migrate                               apply pending database migrations
  competition load <file> [--dry-run]   validate a competition file, show what would change, apply it
  competition schema [--out <file>]     print or write the JSON Schema of competition files
  tick [--at <ISO time>]                run the minute tick of every loaded competition as of that instant: record
                                        the reminders due then (never twice, whatever --at says) and put their messages in the outbox; with Lark
                                        configured, send those already due by the wall clock, and say when the rest
                                        go out (the running bot sends them)
  ranking export [--version N] [--out <file>]
                                        print or write the published ranking snapshots (latest version by default)
  ranking verify [--version N | --file <export>]
                                        recompute each snapshot from its own inputs and parameters and check the
                                        results and the hash (from the database, or from an exported file)
  demo seed --at <date or local time> [--seed N]
                                        fill the database with the playground's demo competition as it stands at that
                                        instant, in the competition's time zone (2024-11-20 means 09:00 that day;
                                        2024-11-20T14:30 a time): projects, reports, scores, reminders sent. Replaces an
                                        earlier demo; refused (exit 1) when the database holds anything not the demo's`;

type Out = (line: string) => void;

export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  out: Out = console.log,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      out: { type: 'string' },
      at: { type: 'string' },
      version: { type: 'string' },
      file: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command ? 0 : 2;
  }

  if (command === 'competition' && sub === 'schema') {
    const json = `${JSON.stringify(competitionJsonSchema(), null, 2)}\n`;
    if (values.out) {
      await writeFile(values.out, json);
      out(`wrote ${values.out}`);
    } else out(json);
    return 0;
  }

  if (command === 'ranking' && sub === 'verify' && values.file)
    return verifySnapshots(JSON.parse(await readFile(values.file, 'utf8')) as RankingExport, out);

  const config = loadConfig(env);
  if (command === 'migrate') {
    const database = await openDatabase(config.DATABASE_URL);
    try {
      const { applied } = await migrateToLatest(database.db);
      out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    } finally {
      await database.destroy();
    }
  }

  if (command === 'competition' && sub === 'load') {
    if (!arg) {
      out(USAGE);
      return 2;
    }
    const competition = await readCompetitionFile(arg);
    const database = await openDatabase(config.DATABASE_URL);
    try {
      await migrateToLatest(database.db);
      const dryRun = values['dry-run'] ?? false;
      // People named by e-mail or mobile are looked up through the contact API when Lark is configured (a dry run
      // asks too: it only reads).
      const lark = config.larkEnabled
        ? new SdkLarkApi({
            appId: config.LARK_APP_ID!,
            appSecret: config.LARK_APP_SECRET!,
            domain: config.LARK_DOMAIN,
            logger: silentLogger,
          })
        : undefined;
      const result = await loadCompetition(database.db, competition, {
        dryRun,
        now: Date.now(),
        actor: 'cli',
        ...(lark ? { resolve: (l) => lark.resolveIds(l) } : {}),
      });
      const { plan, applied } = result;
      out(
        `${competition.id}: ${plan.changes.length === 0 ? 'no changes' : `${plan.changes.length} change(s)`}${dryRun ? ' (dry run, nothing written)' : ''}`,
      );
      for (const c of plan.changes) out(`  ${describeChange(c)}`);
      for (const r of result.resolution.resolved)
        out(`  = ${r.who} → ${r.openId} (${r.via === 'contact-api' ? 'contact API' : 'stored by an earlier load'})`);
      for (const line of unresolvedLines(result)) out(`  ? ${line}`);
      if (applied) out('applied');
      return 0;
    } finally {
      await database.destroy();
    }
  }

  if (command === 'tick') {
    const at = values.at === undefined ? Date.now() : Date.parse(values.at);
    if (Number.isNaN(at)) {
      out(`--at needs an ISO time, e.g. 2024-04-08T09:30:00+08:00 (got "${values.at}")`);
      return 2;
    }
    const database = await openDatabase(config.DATABASE_URL);
    const logger = silentLogger;
    const defer = new TrackedDefer(logger);
    try {
      await migrateToLatest(database.db);
      const loaded = await deployedCompetitions(database.db);
      if (!loaded.length) {
        out('no competition is loaded: run `npm run cli -- competition load <file>` first');
        return 2;
      }
      // Every loaded competition ticks, each through its app, as the running deployment would.
      const deployment = createDeployment({
        config,
        logger,
        clock: new ManualClock(at),
        database,
        defer,
        competitions: loaded,
      });
      const before = await outboxCounts(database.db);
      const outcomes = await deployment.tick(at);
      await defer.idle();
      const after = await outboxCounts(database.db);
      const wallNow = Date.now();
      const later = await pendingAfter(database.db, wallNow);
      const total = (c: OutboxCounts) => c.pending + c.sending + c.sent + c.failed;
      const added = total(after) - total(before);
      const sent = after.sent - before.sent;
      const waiting = after.pending + after.sending;
      const iso = new Date(at).toISOString();
      const reminderLines = [...outcomes].map(([id, jobs]) => {
        const r = jobs.find((o) => o.job === 'reminders');
        const what = !r
          ? 'archived: it sends nothing on its own'
          : r.ran
            ? `${(r.result as ReminderRun).sent} reminder(s) recorded, ${(r.result as ReminderRun).dropped} snoozed one(s) dropped`
            : r.reason === 'failed'
              ? 'the reminders failed (the next minute tries again)'
              : 'this minute had already run: nothing recorded again';
        return `${iso}${outcomes.size > 1 ? ` ${id}` : ''}: ${what}.`;
      });
      out(
        [
          ...reminderLines,
          `Outbox: ${added} message(s) added, ${sent} sent by this command, ${waiting} waiting.`,
          !deployment.apps.some((a) => a.lark.enabled)
            ? 'Lark is not configured (LARK_APP_ID): nothing is sent; the messages stay in the outbox.'
            : later.length
              ? `${later.length} of them are due from ${new Date(later[0]!).toISOString()} on, later than the wall clock's now: the running bot (npm start) sends each when its time comes.`
              : waiting
                ? 'The waiting ones are due now: the running bot sends them within seconds (or run tick again).'
                : 'Nothing is waiting.',
        ].join('\n'),
      );
      return 0;
    } finally {
      await database.destroy();
    }
  }

  if (command === 'ranking' && (sub === 'export' || sub === 'verify')) {
    const version = values.version === undefined ? undefined : Number(values.version);
    if (version !== undefined && !(Number.isInteger(version) && version > 0)) {
      out(`--version needs a published version number (got "${values.version}")`);
      return 2;
    }
    const database = await openDatabase(config.DATABASE_URL);
    try {
      await migrateToLatest(database.db);
      const competitionId = await latestCompetitionId(database.db);
      const publication = competitionId ? await findPublication(database.db, competitionId, version) : undefined;
      if (!competitionId || !publication) {
        out(version ? `no version ${version} of the rankings` : 'no ranking has been published');
        return 2;
      }
      const exported: RankingExport = {
        competitionId,
        version: publication.version,
        publishedAt: new Date(publication.publishedAt).toISOString(),
        snapshots: [...publication.snapshots.values()],
      };
      if (sub === 'verify') return verifySnapshots(exported, out);
      const json = `${JSON.stringify(exported, null, 2)}\n`;
      if (values.out) {
        await writeFile(values.out, json);
        out(`wrote ${values.out}: version ${exported.version}, ${exported.snapshots.length} track(s)`);
      } else out(json);
      return 0;
    } finally {
      await database.destroy();
    }
  }

  if (command === 'demo' && sub === 'seed') {
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
      out(`--seed needs a whole number from 0 to 4294967295 (got "${values.seed}")`);
      return 2;
    }
    if (!values.at) {
      out(
        "demo seed needs --at, a date or a local time in the competition's time zone: 2024-11-20 or 2024-11-20T14:30",
      );
      return 2;
    }
    // The playground's code is loaded only for this command.
    const { DemoRefused, describeSummary, parseDemoAt, seedDemo } = await import('../playground/demo-seed');
    const database = await openDatabase(config.DATABASE_URL);
    const logger = silentLogger;
    const defer = new TrackedDefer(logger);
    try {
      await migrateToLatest(database.db);
      const competitionId = await latestCompetitionId(database.db);
      const competition = competitionId ? await findCompetition(database.db, competitionId) : undefined;
      if (!competitionId || !competition) {
        out('no competition is loaded: run `npm run cli -- competition load <file>` first');
        return 2;
      }
      const at = parseDemoAt(values.at, competition.timeZone);
      if (at === undefined) {
        out(
          `--at needs a date or a local time in ${competition.timeZone}, e.g. 2024-11-20 or 2024-11-20T14:30 (got "${values.at}")`,
        );
        return 2;
      }
      const container = createContainer({ config, logger, clock: new ManualClock(at), database, defer, competitionId });
      try {
        const summary = await seedDemo(container, { at, seed });
        await defer.idle();
        for (const line of describeSummary(summary, competition.timeZone)) out(line);
        return 0;
      } catch (err) {
        if (!(err instanceof DemoRefused)) throw err;
        out(err.message);
        return 1;
      }
    } finally {
      await database.destroy();
    }
  }

  out(`unknown command: ${positionals.join(' ')}\n${USAGE}`);
  return 2;
}

/** What `ranking export` writes: a publication's snapshots, enough for anyone to recompute them. */
interface RankingExport {
  competitionId: string;
  version: number;
  publishedAt: string;
  snapshots: RankingSnapshot[];
}

/** One line per track: ok and the hash, or what differs. Exit code 1 when any snapshot fails. */
async function verifySnapshots(e: RankingExport, out: Out): Promise<number> {
  let failed = 0;
  for (const s of e.snapshots) {
    const check = await verifySnapshot(s);
    if (check.ok) out(`${s.inputs.track}: ok, ${s.results.ranked} ranked, hash ${check.hash}`);
    else {
      failed++;
      out(`${s.inputs.track}: FAILED (${check.problem}) ${check.detail}`);
    }
  }
  out(
    `${e.competitionId} version ${e.version}: ${failed ? `${failed} of ${e.snapshots.length} snapshot(s) failed` : `all ${e.snapshots.length} snapshot(s) recomputed to the same results and hashes`}`,
  );
  return failed ? 1 : 0;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli.ts');
if (isMain) {
  runCli(process.argv.slice(2), process.env)
    .then((code) => process.exit(code))
    .catch((err) => {
      if (err instanceof ValidationFailed) {
        console.error(`refused, nothing written:\n${err.problems.map((p) => `  ${p}`).join('\n')}`);
      } else if (err instanceof ConfigError || err instanceof CompetitionRefused) {
        console.error(err.message);
      } else console.error(err);
      process.exit(1);
    });
}
