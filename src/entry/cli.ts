/**
 * Operations from the shell: `npm run cli -- <command>`.
 *   migrate                               apply pending database migrations
 *   competition load <file> [--dry-run]   validate a competition file, show what would change, apply it
 *   competition schema [--out <file>]     print (or write) the JSON Schema of competition files
 *   tick [--at <ISO time>]                run the minute tick as if it were that instant (reminders due then)
 */
import { writeFile } from 'node:fs/promises';
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
import { latestCompetitionId } from '../competition/competition.repository';

const USAGE = `usage: npm run cli -- <command>
  migrate                               apply pending database migrations
  competition load <file> [--dry-run]   validate a competition file, show what would change, apply it
  competition schema [--out <file>]     print or write the JSON Schema of competition files
  tick [--at <ISO time>]                run the minute tick at that instant: plan the reminders due then and send
                                        what the outbox holds (never twice, whatever --at says)`;

type Out = (line: string) => void;

export async function runCli(argv: string[], env: Record<string, string | undefined>, out: Out = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false }, out: { type: 'string' }, at: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
        ? new SdkLarkApi({ appId: config.LARK_APP_ID!, appSecret: config.LARK_APP_SECRET!, domain: config.LARK_DOMAIN, logger: silentLogger })
        : undefined;
      const result = await loadCompetition(database.db, competition, { dryRun, now: Date.now(), actor: 'cli', ...(lark ? { resolve: (l) => lark.resolveIds(l) } : {}) });
      const { plan, applied } = result;
      out(`${competition.id}: ${plan.changes.length === 0 ? 'no changes' : `${plan.changes.length} change(s)`}${dryRun ? ' (dry run, nothing written)' : ''}`);
      for (const c of plan.changes) out(`  ${describeChange(c)}`);
      for (const r of result.resolution.resolved) out(`  = ${r.who} → ${r.openId} (${r.via === 'contact-api' ? 'contact API' : 'stored by an earlier load'})`);
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
      const competitionId = await latestCompetitionId(database.db);
      if (!competitionId) {
        out('no competition is loaded: run `npm run cli -- competition load <file>` first');
        return 2;
      }
      const container = createContainer({ config, logger, clock: new ManualClock(at), database, defer, competitionId });
      const report = await container.tick(at);
      await defer.idle();
      const pending = await database.db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'sending']).execute();
      out(
        `${new Date(at).toISOString()}: ${report.ranReminders ? `${report.reminders.sent} reminder(s) planned, ${report.reminders.dropped} snoozed dropped` : 'this minute had already run'}; ` +
          `${pending.length} message(s) waiting in the outbox${config.larkEnabled ? '' : ' (Lark is not configured: nothing is sent)'}`,
      );
      return 0;
    } finally {
      await database.destroy();
    }
  }

  out(`unknown command: ${positionals.join(' ')}\n${USAGE}`);
  return 2;
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
