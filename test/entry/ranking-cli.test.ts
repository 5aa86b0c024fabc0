/**
 * `npm run cli -- ranking export | verify`: the published snapshots leave the database as JSON, and anyone holding
 * that JSON recomputes each track and checks results and hash; a changed number is caught.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompetition } from '../../src/competition/competition.service';
import { runCli } from '../../src/entry/cli';
import { rankingParameters } from '../../src/features/rankings/rankings.method';
import { freezeRanking } from '../../src/features/rankings/rankings.snapshot';
import { insertSnapshots } from '../../src/features/rankings/snapshots.repository';
import { freshDatabase, type TestDatabase } from '../support/database';
import { at, competition2024 } from '../support/fixtures';

let t: TestDatabase;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'saidao-ranking-'));

async function cli(...args: string[]) {
  const lines: string[] = [];
  const code = await runCli(args, env, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

beforeAll(async () => {
  t = await freshDatabase({ shared: true });
  env = { DATABASE_URL: t.url };
  await loadCompetition(t.db, competition2024(), { dryRun: false, now: at('2024-03-01 10:00:00'), actor: 'test' });
});
afterAll(async () => t.destroy());

describe('ranking export and verify', () => {
  it('says so when nothing is published', async () => {
    expect(await cli('ranking', 'verify')).toEqual({ code: 2, out: 'no ranking has been published' });
  });

  it('exports a publication and verifies it, from the database and from the file; a tampered file fails', async () => {
    const rubric = competition2024().file.rubric;
    const projects = ['HP', 'JA', 'PD'].map((u, i) => ({ id: `prj_${u}`, unit: u, code: `2024-T02-${u}-1`, i }));
    const scores = ['j1', 'j2', 'j3'].flatMap((judge, j) =>
      projects.map((p) => ({
        judge,
        project: p.id,
        scores: { effectiveness: 10 + p.i * 3 + j, results: 15, feasibility: 12 + j, exemplary: 20 - p.i },
      })),
    );
    const snapshot = await freezeRanking(
      { track: 'T02', quota: 1, projects, rubric, scores, recusals: [] },
      rankingParameters({ seed: 42, resamples: 200 }),
    );
    await t.db
      .transaction()
      .execute((trx) => insertSnapshots(trx, 'shanghai-2024', 1, [snapshot], 'ou_office', at('2024-11-30 10:00:00')));

    const verified = await cli('ranking', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.out).toContain(`T02: ok, 3 ranked, hash ${snapshot.hash}`);
    expect(verified.out).toContain(
      'shanghai-2024 version 1: all 1 snapshot(s) recomputed to the same results and hashes',
    );

    const file = join(dir, 'v1.json');
    expect((await cli('ranking', 'export', '--version', '1', '--out', file)).out).toBe(
      `wrote ${file}: version 1, 1 track(s)`,
    );
    expect((await cli('ranking', 'verify', '--file', file)).code).toBe(0);

    const tampered = JSON.parse(readFileSync(file, 'utf8'));
    tampered.snapshots[0].results.projects[0].score += 1;
    writeFileSync(file, JSON.stringify(tampered));
    const bad = await cli('ranking', 'verify', '--file', file);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('T02: FAILED (results-differ)');
    expect(await cli('ranking', 'verify', '--version', '7')).toEqual({ code: 2, out: 'no version 7 of the rankings' });
  });
});
