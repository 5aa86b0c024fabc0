/**
 * The export's workbook on a real database at the size the competition can reach (1,000 projects × 12 report
 * periods), read back whole by an independent reader; the 30 MB limit; and awards columns added by later migrations.
 */
import { storeOf } from '../../support/store';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExport } from '../../../src/features/export/export.service';
import { MAX_UPLOAD_BYTES } from '../../../src/features/export/export.rules';
import { loadCompetition } from '../../../src/competition/competition.service';
import { newId } from '../../../src/platform/ids';
import { toDbInstant } from '../../../src/platform/instant';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at, competition2024 } from '../../support/fixtures';
import { readXlsx } from '../../support/xlsx-reader';

const c = competition2024();
const UNITS = 50;
const PERIODS = 12;
let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  await loadCompetition(db.db, c, { dryRun: false, now: at('2024-03-01 09:00:00'), actor: 'test' });
  const stamp = toDbInstant(at('2024-04-01 10:00:00'));
  const projects: Array<{ id: string; code: string }> = [];
  const rows = [];
  for (let u = 0; u < UNITS; u++) {
    for (const t of c.file.tracks) {
      for (const seq of [1, 2]) {
        const unit = `U${String(u).padStart(3, '0')}`;
        const code = `2024-${t.code}-${unit}-${seq}`;
        const id = newId('prj');
        projects.push({ id, code });
        rows.push({
          id,
          competition_id: c.id,
          code,
          unit_code: unit,
          track_code: t.code,
          seq,
          slot: seq,
          active_name: code,
          name: `项目 ${code}`,
          lead_name: '负责人',
          summary: '简介'.repeat(50),
          goals: '目标'.repeat(50),
          phone: '',
          status: 'active',
          created_by: 'ou_seed',
          created_at: stamp,
          updated_at: stamp,
          withdrawn_at: null,
        });
      }
    }
  }
  for (let i = 0; i < rows.length; i += 250)
    await db.db
      .insertInto('projects')
      .values(rows.slice(i, i + 250))
      .execute();
  // Reports of about 1 KB each: the work done and results a unit writes in a month.
  const work = '本月完成流程梳理、试点推进与数据复盘，'.repeat(10);
  const results = '办结 120 件，同比提升 15%；'.repeat(8);
  let batch = [];
  for (const p of projects) {
    for (let k = 1; k <= PERIODS; k++) {
      batch.push({
        id: newId('rpt'),
        competition_id: c.id,
        project_id: p.id,
        period_code: `P${String(k).padStart(2, '0')}`,
        revision: 1,
        work_done: work,
        results,
        completion: k * 8,
        evidence: '["https://example.com/e"]',
        problems: '',
        late: 0,
        submitted_by: 'ou_seed',
        submitted_at: stamp,
      });
      if (batch.length === 500) {
        await db.db.insertInto('reports').values(batch).execute();
        batch = [];
      }
    }
  }
  if (batch.length) await db.db.insertInto('reports').values(batch).execute();
}, 120_000);
afterAll(async () => {
  await db.destroy();
});

describe('the export at full size', () => {
  it('1,000 projects × 12 periods: every row is in the file, which stays under the upload limit and opens whole', async () => {
    const built = await buildExport(storeOf(db.db).repos, c);
    expect(built.kind).toBe('built');
    if (built.kind !== 'built') return;
    expect(built.counts).toMatchObject({ projects: UNITS * 20, reports: UNITS * 20 * PERIODS });
    expect(built.bytes.length).toBeLessThan(MAX_UPLOAD_BYTES);
    const book = readXlsx(built.bytes);
    const reports = book.sheets.find((s) => s.name === '进展 Reports')!;
    expect(reports.rows).toHaveLength(UNITS * 20 * PERIODS + 1);
    // In sheet order: track, unit, project, then period.
    expect(reports.rows[1]!.slice(0, 4)).toEqual(['2024-T01-U000-1', 'T01', 'U000', 'P01']);
    expect(reports.rows.at(-1)!.slice(0, 4)).toEqual(['2024-T10-U049-2', 'T10', 'U049', 'P12']);
  }, 120_000);

  it('past the limit it stops early and says which sheet it had reached, instead of building the whole file', async () => {
    // The whole file is under 1 MB deflated (these rows repeat a lot); a limit of 256 KB is passed in the reports.
    const built = await buildExport(storeOf(db.db).repos, c, { limit: 256 * 1024 });
    expect(built).toMatchObject({ kind: 'too_large', sheet: 'reports', limit: 256 * 1024 });
    if (built.kind === 'too_large') expect(built.size).toBeLessThan(512 * 1024);
  });

  it('one track only: its projects and their reports', async () => {
    const built = await buildExport(storeOf(db.db).repos, c, { track: 'T03' });
    expect(built.kind === 'built' && built.counts).toMatchObject({ projects: UNITS * 2, reports: UNITS * 2 * PERIODS });
  });
});

describe('awards', () => {
  it('a column a later migration adds to the awards table is exported too, headed by its name', async () => {
    await sql`alter table awards add column export_probe varchar(20)`.execute(db.db);
    const stamp = toDbInstant(at('2024-11-25 10:00:00'));
    await sql`insert into awards (id, competition_id, track_code, kind, project_id, nominee_name, unit_code, status, nominated_by, decided_by, created_at, updated_at, export_probe)
      values (${newId('awd')}, ${c.id}, 'T02', 'individual', null, '张三', 'U001', 'approved', 'ou_j', 'ou_l', ${stamp}, ${stamp}, 'probe-value')`.execute(
      db.db,
    );
    const built = await buildExport(storeOf(db.db).repos, c, { track: 'T02' });
    if (built.kind !== 'built') throw new Error('expected a workbook');
    const awards = readXlsx(built.bytes).sheets.find((s) => s.name === '表彰 Awards')!;
    const header = awards.rows[0] as string[];
    expect(header.slice(0, 4)).toEqual(['项目编号 Project code', '赛道 Track', '单位 Unit', '记录编号 Award id']);
    expect(header.at(-1)).toBe('export_probe');
    expect(awards.rows[1]!.at(-1)).toBe('probe-value');
    expect(awards.rows[1]![header.indexOf('被推荐对象 Nominee')]).toBe('张三');
    // 2024-11-25 10:00 in Shanghai as an Excel date.
    expect(awards.rows[1]![header.indexOf('创建时间 Created at (Asia/Shanghai)')]).toBeCloseTo(45_621 + 10 / 24, 6);
  });
});
