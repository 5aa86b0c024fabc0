/**
 * The province-size season of the scale bench (bench/scale.ts): the shipped competition file at 100× (2,000 units,
 * the same 10 tracks, 7 judges per track, one or two contacts per unit), validated by the real schema and loaded by
 * the real loader, then a season's records written in bulk: 40,000 projects, every report due before the bench's
 * moment (a year of them: the monthly reports and the mid-term check, a few revised), the mid-term self-evaluations,
 * 7 score sheets per project and the audit record each of those writes. Multi-row INSERTs of 1,000 rows: a fixture,
 * not a path that is measured.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { loadCompetition } from '../src/competition/competition.service';
import type { Competition } from '../src/competition/competition';
import { competitionFromJson } from '../src/competition/loader';
import { projectCode } from '../src/core/projects';
import { seededRandom } from '../src/emulator/random';
import { toDbInstant } from '../src/platform/instant';

export const SCALE = {
  units: 2_000,
  judgesPerTrack: 7,
  /** Awards per track: the 2024 file's 3 collectives and 4 individuals for 20 units, ×10 for 2,000 (×100 would pass 100). */
  quota: { collectives: 30, individuals: 40 },
} as const;

/** An instant from a local Shanghai wall-clock time. */
export const local = (s: string) => Date.parse(`${s.replace(' ', 'T')}+08:00`);

export const unitCode = (i: number) => `U${String(i + 1).padStart(4, '0')}`;
/** Units 1, 5, 9…  have two contacts, the others one. */
export const contactsOf = (i: number) => (i % 4 === 0 ? 2 : 1);
export const contactId = (i: number, k: number) => `ou_contact_${unitCode(i)}_${k}`;
export const judgeId = (track: string, j: number) => `ou_judge_${track}_${j}`;
export const OFFICE = 'ou_office_scale';

/** The shipped competition file grown to a province: generated, then validated by the real schema. */
export function provinceCompetition(): Competition {
  const file = JSON.parse(readFileSync('db/competitions/shanghai-2024.json', 'utf8'));
  const districts = file.units as Array<{ name: string; shortName: string }>;
  file.id = 'province-2024';
  file.units = Array.from({ length: SCALE.units }, (_, i) => {
    const d = districts[i % districts.length]!;
    const n = Math.floor(i / districts.length) + 1;
    return {
      code: unitCode(i),
      name: `${d.shortName}第${n}执法中队`,
      shortName: `${d.shortName}${n}中队`,
      aliases: [],
    };
  });
  for (const t of file.tracks) t.quota = { ...SCALE.quota };
  file.awards = {
    collectives: SCALE.quota.collectives * file.tracks.length,
    individuals: SCALE.quota.individuals * file.tracks.length,
  };
  file.people = [
    { name: '竞赛办', openId: OFFICE, roles: [{ role: 'office' }] },
    ...file.units.flatMap((u: { code: string; shortName: string }, i: number) =>
      Array.from({ length: contactsOf(i) }, (_, k) => ({
        name: `${u.shortName}联络员${k + 1}`,
        openId: contactId(i, k),
        roles: [{ role: 'contact', unit: u.code }],
      })),
    ),
    ...file.tracks.flatMap((t: { code: string; department: string }) =>
      Array.from({ length: SCALE.judgesPerTrack }, (_, j) => ({
        name: `${t.department}评委${j + 1}`,
        openId: judgeId(t.code, j),
        roles: [{ role: 'judge', track: t.code }],
      })),
    ),
  ];
  return competitionFromJson(JSON.stringify(file));
}

/**
 * Ids in the app's shape (a prefix and 20 characters of its alphabet), but ascending: the primary keys then grow at
 * the end of the B-tree, as a day of real traffic spread over months would not need to fit in one buffer pool.
 */
let serial = 0;
const newId = (prefix: string) => `${prefix}_${String(++serial).padStart(20, '0')}`;

const CHUNK = 1_000;
async function insertAll<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK) as never)
      .execute();
}

/** Writes rows of a table in chunks as `make` yields them, never holding more than a chunk. */
async function stream<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  make: (push: (row: Record<string, unknown>) => Promise<void>) => Promise<void>,
): Promise<number> {
  let chunk: Array<Record<string, unknown>> = [];
  let n = 0;
  const push = async (row: Record<string, unknown>) => {
    chunk.push(row);
    n++;
    if (chunk.length >= CHUNK) {
      await insertAll(db, table, chunk);
      chunk = [];
    }
  };
  await make(push);
  if (chunk.length) await insertAll(db, table, chunk);
  return n;
}

export interface SeededSeason {
  c: Competition;
  projects: number;
  reports: number;
  selfEvaluations: number;
  scores: number;
  audit: number;
  people: number;
  periods: string[];
  seconds: number;
}

/** Loads the competition and writes the season as of `moment` (records of every period due before it). */
export async function seedProvince(db: Kysely<Database>, moment: number): Promise<SeededSeason> {
  const t0 = performance.now();
  const c = provinceCompetition();
  await loadCompetition(db, c, { dryRun: false, now: local('2024-03-01 09:00:00'), actor: 'bench' });
  // One transaction per table and its audit records: a commit (and its log flush) per 1,000 rows is most of the time.
  return db.transaction().execute((trx) => seedRecords(trx, c, moment, t0));
}

async function seedRecords(db: Kysely<Database>, c: Competition, moment: number, t0: number): Promise<SeededSeason> {
  const rand = seededRandom(20_241_203);
  const at = (ms: number) => toDbInstant(ms);
  const projects: Array<{ id: string; code: string; unit: string; track: string; by: string; created: number }> = [];
  const audit: Array<Record<string, unknown>> = [];
  let auditCount = 0;
  const flushAudit = async (force = false) => {
    if (audit.length >= CHUNK || (force && audit.length)) {
      auditCount += audit.length;
      await insertAll(db, 'audit_log', audit.splice(0));
    }
  };
  const auditRow = async (actor: string, action: string, type: string, id: string, after: unknown, when: number) => {
    audit.push({
      id: newId('aud'),
      competition_id: c.id,
      actor,
      action,
      entity_type: type,
      entity_id: id,
      before_json: null,
      after_json: JSON.stringify(after),
      at: at(when),
    });
    await flushAudit();
  };

  const registration = { from: local('2024-03-18 09:00:00'), span: 20 * 86_400_000 };
  const nProjects = await stream(db, 'projects', async (push) => {
    for (let u = 0; u < c.file.units.length; u++) {
      const unit = c.file.units[u]!;
      for (const t of c.file.tracks)
        for (let k = 1; k <= c.file.projectsPerUnitPerTrack; k++) {
          const id = newId('prj');
          const code = projectCode(c.file.codePrefix, t.code, unit.code, k);
          const created = registration.from + Math.floor(rand() * registration.span);
          const by = contactId(u, 0);
          const name = `${unit.shortName}${t.name}示范项目${k}`;
          const fields = {
            name,
            lead: '张三',
            summary: `围绕${t.name}，聚焦街面秩序与市容环境的精细化治理，建立长效常态管理机制。`,
            goals: '形成可复制可推广的工作经验，年底前完成全部建设任务并通过验收。',
            phone: '13800000000',
          };
          projects.push({ id, code, unit: unit.code, track: t.code, by, created });
          await push({
            id,
            competition_id: c.id,
            code,
            unit_code: unit.code,
            track_code: t.code,
            seq: k,
            slot: k,
            active_name: name,
            name,
            lead_name: fields.lead,
            summary: fields.summary,
            goals: fields.goals,
            phone: fields.phone,
            status: 'active',
            created_by: by,
            created_at: at(created),
            updated_at: at(created),
            withdrawn_at: null,
          });
          await auditRow(by, 'project.register', 'project', code, fields, created);
        }
    }
  });

  // A year of reports: every period due before the moment, for every project; one in twenty revised once.
  const done = c.periods.filter((p) => local(`${p.due} 23:59:59`) < moment);
  const nReports = await stream(db, 'reports', async (push) => {
    for (const p of done) {
      const due = local(`${p.due} 10:00:00`);
      for (const pr of projects) {
        const revisions = rand() < 0.05 ? 2 : 1;
        for (let r = 1; r <= revisions; r++) {
          const late = rand() < 0.05;
          const when = late ? due + 2 * 86_400_000 : due - Math.floor(rand() * 6) * 86_400_000 - r;
          const fields = {
            workDone: `本期完成${p.name}既定任务：开展专项整治${1 + Math.floor(rand() * 20)}次，排查点位${Math.floor(rand() * 500)}处，落实整改措施并建立工作台账，推进长效机制建设。`,
            results: `查处违法行为${Math.floor(rand() * 200)}起，群众满意度${80 + Math.floor(rand() * 20)}%，经验做法获市局推广。`,
            completion: Math.min(100, 10 * (done.indexOf(p) + 1) + Math.floor(rand() * 10)),
            evidence: [`https://example.cn/evidence/${pr.code}/${p.code}`],
            problems: '人员力量不足，需要跨部门协同支持。',
          };
          await push({
            id: newId('rpt'),
            competition_id: c.id,
            project_id: pr.id,
            period_code: p.code,
            revision: r,
            work_done: fields.workDone,
            results: fields.results,
            completion: fields.completion,
            evidence: JSON.stringify(fields.evidence),
            problems: fields.problems,
            late: late ? 1 : 0,
            submitted_by: pr.by,
            submitted_at: at(when),
          });
          await auditRow(
            pr.by,
            r > 1 ? 'report.revise' : 'report.submit',
            'report',
            `${pr.code}/${p.code}/${r}`,
            { ...fields, late },
            when,
          );
        }
      }
    }
  });

  const rubric = c.file.rubric;
  const sheet = (q: number) =>
    Object.fromEntries(rubric.map((r) => [r.code, Math.max(0, Math.min(r.max, Math.round((0.3 + 0.6 * q) * r.max)))]));
  const nSelf = await stream(db, 'self_evaluations', async (push) => {
    for (const p of done.filter((x) => x.selfEvaluation)) {
      const due = local(`${p.due} 10:00:00`);
      for (const pr of projects) {
        const scores = sheet(rand());
        const justification = '对照评分标准逐项自评，项目推进有力，成效明显。';
        await push({
          id: newId('sev'),
          competition_id: c.id,
          project_id: pr.id,
          period_code: p.code,
          revision: 1,
          scores: JSON.stringify(scores),
          justification,
          late: 0,
          submitted_by: pr.by,
          submitted_at: at(due),
        });
        await auditRow(
          pr.by,
          'self_evaluation.submit',
          'self_evaluation',
          `${pr.code}/${p.code}/1`,
          { scores, justification },
          due,
        );
      }
    }
  });

  // Score sheets: every judge of the track scores every project of it (judges belong to no unit: no recusals).
  const judged = local('2024-11-15 10:00:00');
  const nScores = await stream(db, 'scores', async (push) => {
    for (const pr of projects) {
      const quality = rand();
      for (let j = 0; j < SCALE.judgesPerTrack; j++) {
        const judge = judgeId(pr.track, j);
        const scores = sheet(Math.max(0, Math.min(1, quality + (rand() - 0.5) * 0.3)));
        await push({
          id: newId('scr'),
          competition_id: c.id,
          project_id: pr.id,
          judge_open_id: judge,
          criteria: JSON.stringify(scores),
          comment: '',
          recused: 0,
          recusal_reason: '',
          created_at: at(judged),
          updated_at: at(judged),
        });
        await auditRow(judge, 'score.submit', 'score', `${pr.code}/${judge}`, { scores, comment: '' }, judged);
      }
    }
  });
  await flushAudit(true);

  return {
    c,
    projects: nProjects,
    reports: nReports,
    selfEvaluations: nSelf,
    scores: nScores,
    audit: auditCount,
    people: c.file.people.length,
    periods: done.map((p) => p.code),
    seconds: (performance.now() - t0) / 1000,
  };
}
