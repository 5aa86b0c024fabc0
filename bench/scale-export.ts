/**
 * The export of one track, alone in a process, for the scale bench (bench/scale.ts): builds the workbook the office
 * gets from the database at `url` and prints one JSON line with the time and the process's peak RSS (VmHWM from
 * /proc/self/status, which the kernel keeps, so no allocation between two samples is missed).
 * Run: `npx tsx bench/scale-export.ts <database url> <competition id> <track>`.
 */
import { readFileSync } from 'node:fs';
import { findCompetition } from '../src/competition/competition.repository';
import { buildExport } from '../src/features/export/export.service';
import { loadConfig } from '../src/config';
import { createContainer } from '../src/container';
import { ManualClock } from '../src/platform/clock';
import { openNodeDatabase } from '../src/platform/db-node';
import { TrackedDefer } from '../src/platform/defer';
import { silentLogger } from '../src/platform/logger';

const [url, competitionId, track] = process.argv.slice(2) as [string, string, string];

/** Peak resident set size so far, in MB (VmHWM; process.memoryUsage().rss where /proc is absent). */
function peakMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.memoryUsage().rss / 1048576;
}

const db = await openNodeDatabase(url, { connectionLimit: 4 });
const container = createContainer({
  config: loadConfig({ LOG_LEVEL: 'error' }),
  logger: silentLogger,
  clock: new ManualClock(Date.parse('2024-11-05T01:30:00Z')),
  database: db,
  defer: new TrackedDefer(silentLogger),
  competitionId,
});
const c = await findCompetition(db.db, competitionId);
if (!c) throw new Error(`no competition ${competitionId}`);
const baselineMb = peakMb();
const t0 = performance.now();
const built = await buildExport(container.services.repos, c, { track });
const ms = performance.now() - t0;
const result =
  built.kind === 'built'
    ? {
        kind: built.kind,
        bytes: built.bytes.length,
        rows: Object.values(built.counts).reduce((n, x) => n + x, 0),
        counts: built.counts,
      }
    : { kind: built.kind, bytes: built.size, rows: 0, sheet: built.sheet };
console.log(JSON.stringify({ ...result, ms, baselineMb, peakMb: peakMb() }));
await db.destroy();
process.exit(0);
