import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRefused, loadCompetition } from '../../src/competition/competition.service';
import { findCompetition } from '../../src/competition/competition.repository';
import { listAudit } from '../../src/core/audit.repository';
import { newId } from '../../src/platform/ids';
import { toDbInstant } from '../../src/platform/instant';
import { freshDatabase, type TestDatabase } from '../support/database';
import { competition2024 } from '../support/fixtures';

let t: TestDatabase;
const now = Date.parse('2024-03-01T00:00:00Z');
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(async () => t.destroy());

const counts = async () => ({
  stages: (
    await t.db
      .selectFrom('stages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n,
  tracks: (
    await t.db
      .selectFrom('tracks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n,
  units: (
    await t.db
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n,
});

describe('competition load', () => {
  it('a dry run shows the changes and writes nothing', async () => {
    const { plan, applied } = await loadCompetition(t.db, competition2024(), { dryRun: true, now, actor: 'test' });
    expect(applied).toBe(false);
    expect(plan.changes.filter((c) => c.entity === 'unit' && c.op === 'add')).toHaveLength(20);
    expect(Number((await counts()).units)).toBe(0);
  });

  it('loads the 2024 file, and the second load changes nothing', async () => {
    const first = await loadCompetition(t.db, competition2024(), { dryRun: false, now, actor: 'test' });
    expect(first.applied).toBe(true);
    expect(first.plan.changes.length).toBe(1 + 3 + 10 + 20);
    const c = await counts();
    expect([Number(c.stages), Number(c.tracks), Number(c.units)]).toEqual([3, 10, 20]);

    const second = await loadCompetition(t.db, competition2024(), { dryRun: false, now: now + 1000, actor: 'test' });
    expect(second.plan.changes).toEqual([]);
    expect(second.applied).toBe(false);
    expect((await listAudit(t.db, 'shanghai-2024')).filter((a) => a.action === 'competition.load')).toHaveLength(1);
  });

  it('stores Chinese names intact and stage instants in UTC', async () => {
    const unit = await t.db.selectFrom('units').selectAll().where('code', '=', 'LG').executeTakeFirstOrThrow();
    expect(unit.name).toBe('临港新片区综合执法大队');
    const reg = await t.db
      .selectFrom('stages')
      .selectAll()
      .where('code', '=', 'registration')
      .executeTakeFirstOrThrow();
    expect(reg.starts_at).toMatch(/^2024-03-14 16:00:00/);
    expect(reg.ends_at).toMatch(/^2024-04-15 16:00:00/);
    const stored = await findCompetition(t.db, 'shanghai-2024');
    expect(stored?.file.tracks[8]?.name).toBe('党建引领基层治理');
  });

  it('applies an edit as an update keyed by code', async () => {
    const edited = competition2024((f) => {
      f.units[1].aliases.push('黄浦');
      f.tracks[0].quota.collectives = 4;
      f.tracks[1].quota.collectives = 2;
    });
    const { plan } = await loadCompetition(t.db, edited, { dryRun: false, now, actor: 'test' });
    expect(plan.changes.map((c) => `${c.op} ${c.entity} ${c.key}`).sort()).toEqual(
      ['update competition shanghai-2024', 'update track T01', 'update track T02', 'update unit HP'].sort(),
    );
    // Back to the original file.
    await loadCompetition(t.db, competition2024(), { dryRun: false, now, actor: 'test' });
  });

  it('refuses to remove a unit that has projects, and writes nothing', async () => {
    await t.db
      .insertInto('projects')
      .values({
        id: newId('prj'),
        competition_id: 'shanghai-2024',
        code: '2024-T02-CM-1',
        unit_code: 'CM',
        track_code: 'T02',
        seq: 1,
        slot: 1,
        active_name: '执法规范化',
        name: '执法规范化',
        lead_name: '张三',
        summary: '',
        goals: '',
        phone: '',
        status: 'active',
        created_by: 'ou_x',
        created_at: toDbInstant(now),
        updated_at: toDbInstant(now),
        withdrawn_at: null,
      })
      .execute();
    const withoutCm = competition2024((f) => {
      f.units = f.units.filter((u: any) => u.code !== 'CM');
      f.units[0].name = '浦东新区城管执法局（改）';
    });
    await expect(loadCompetition(t.db, withoutCm, { dryRun: false, now, actor: 'test' })).rejects.toThrow(
      CompetitionRefused,
    );
    await expect(loadCompetition(t.db, withoutCm, { dryRun: false, now, actor: 'test' })).rejects.toThrow(
      /unit CM \(崇明区城管执法局\) cannot be removed: it has 1 project/,
    );
    const pd = await t.db.selectFrom('units').select('name').where('code', '=', 'PD').executeTakeFirstOrThrow();
    expect(pd.name).toBe('浦东新区城管执法局');
    expect(Number((await counts()).units)).toBe(20);
  });

  it('grants the roles the file names, and removes them with the file, but never a grant made in chat', async () => {
    const withPeople = competition2024((f) => {
      f.people = [
        { name: '王五', openId: 'ou_contact_hp', roles: [{ role: 'contact', unit: 'HP' }] },
        { openId: 'ou_judge_t02', roles: [{ role: 'judge', track: 'T02' }, { role: 'leader' }] },
        { email: 'someone@example.gov.cn', roles: [{ role: 'office' }] },
      ];
    });
    const { plan } = await loadCompetition(t.db, withPeople, { dryRun: false, now, actor: 'test' });
    expect(plan.unresolved).toEqual(['someone@example.gov.cn']);
    await t.db
      .insertInto('role_grants')
      .values({
        id: newId('rol'),
        competition_id: 'shanghai-2024',
        open_id: 'ou_chat_made',
        role: 'office',
        scope: '',
        source: 'chat',
        granted_by: 'ou_admin',
        created_at: toDbInstant(now),
      })
      .execute();
    const grants = await t.db
      .selectFrom('role_grants')
      .select(['open_id', 'role', 'scope'])
      .orderBy('open_id')
      .orderBy('role')
      .execute();
    expect(grants).toEqual([
      { open_id: 'ou_chat_made', role: 'office', scope: '' },
      { open_id: 'ou_contact_hp', role: 'contact', scope: 'HP' },
      { open_id: 'ou_judge_t02', role: 'judge', scope: 'T02' },
      { open_id: 'ou_judge_t02', role: 'leader', scope: '' },
    ]);
    await loadCompetition(t.db, competition2024(), { dryRun: false, now, actor: 'test' });
    const left = await t.db.selectFrom('role_grants').select(['open_id']).execute();
    expect(left).toEqual([{ open_id: 'ou_chat_made' }]);
  });
});
