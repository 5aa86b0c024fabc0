/**
 * People the competition file names only by e-mail or mobile: resolved through the contact API when the file is
 * loaded (by an injected resolver, by the CLI and at start through the emulator), reported when they cannot be.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompetition, type PeopleResolver } from '../../src/competition/competition.service';
import type { Lookup } from '../../src/competition/competition.sync';
import { boot } from '../../src/entry/bootstrap';
import { runCli } from '../../src/entry/cli';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { createLogger } from '../../src/platform/logger';
import { freshDatabase, type TestDatabase } from '../support/database';
import { competition2024, competition2024Json } from '../support/fixtures';

const now = Date.parse('2024-03-01T00:00:00Z');

const PEOPLE = [
  { name: '李联络', email: 'Li@Example.gov.cn', roles: [{ role: 'contact', unit: 'HP' }] },
  { mobile: '13800000001', roles: [{ role: 'judge', track: 'T02' }] },
  { email: 'gone@example.gov.cn', roles: [{ role: 'leader' }] },
];

/** A directory that knows Li by e-mail and the judge by mobile, and records what it was asked. */
function directory(asked: Lookup[] = []): PeopleResolver {
  const known: Record<string, string> = { 'li@example.gov.cn': 'ou_li', '13800000001': 'ou_judge' };
  return async (lookup) => {
    asked.push(lookup);
    return [
      ...lookup.emails.map((email) => ({ email, openId: known[email] })),
      ...lookup.mobiles.map((mobile) => ({ mobile, openId: known[mobile] })),
    ];
  };
}

const grants = (db: TestDatabase) =>
  db.db
    .selectFrom('role_grants')
    .select(['open_id', 'role', 'scope', 'source'])
    .orderBy('open_id')
    .orderBy('role')
    .execute();

describe('loading a file with people named by e-mail or mobile', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => t.destroy());

  it('asks the resolver once, grants the roles of those found and reports the others', async () => {
    const asked: Lookup[] = [];
    const file = competition2024((f) => (f.people = PEOPLE));
    const r = await loadCompetition(t.db, file, { dryRun: false, now, actor: 'test', resolve: directory(asked) });
    expect(asked).toEqual([{ emails: ['li@example.gov.cn', 'gone@example.gov.cn'], mobiles: ['13800000001'] }]);
    expect(r.resolution.resolved).toEqual([
      { who: 'li@example.gov.cn', openId: 'ou_li', via: 'contact-api' },
      { who: '13800000001', openId: 'ou_judge', via: 'contact-api' },
    ]);
    expect(r.resolution.unresolved).toEqual([{ who: 'gone@example.gov.cn', reason: 'not-found' }]);
    expect(r.plan.unresolved).toEqual(['gone@example.gov.cn']);
    expect(await grants(t)).toEqual([
      { open_id: 'ou_judge', role: 'judge', scope: 'T02', source: 'file' },
      { open_id: 'ou_li', role: 'contact', scope: 'HP', source: 'file' },
    ]);
    expect(
      await t.db.selectFrom('people').select(['open_id', 'name', 'email', 'mobile']).orderBy('open_id').execute(),
    ).toEqual([
      { open_id: 'ou_judge', name: null, email: null, mobile: '13800000001' },
      { open_id: 'ou_li', name: '李联络', email: 'Li@Example.gov.cn', mobile: null },
    ]);
    // The same file and the same answers: nothing to change.
    const again = await loadCompetition(t.db, file, { dryRun: false, now, actor: 'test', resolve: directory() });
    expect(again.plan.changes).toEqual([]);
  });

  it('without Lark (or when the contact API fails) people resolved before keep their roles', async () => {
    const file = competition2024((f) => (f.people = PEOPLE));
    const offline = await loadCompetition(t.db, file, { dryRun: false, now, actor: 'test' });
    expect(offline.plan.changes).toEqual([]);
    expect(offline.resolution.resolved.map((r) => r.via)).toEqual(['stored', 'stored']);
    expect(offline.resolution.unresolved).toEqual([{ who: 'gone@example.gov.cn', reason: 'not-asked' }]);
    expect(offline.lookupProblem).toMatch(/not configured/);

    const failing = await loadCompetition(t.db, file, {
      dryRun: false,
      now,
      actor: 'test',
      resolve: async () => Promise.reject(new Error('HTTP 503')),
    });
    expect(failing.plan.changes).toEqual([]);
    expect(failing.lookupProblem).toBe('the contact API failed: HTTP 503');
  });

  it('a clear "not found" from the directory removes the roles of someone who left', async () => {
    const file = competition2024((f) => (f.people = PEOPLE));
    const r = await loadCompetition(t.db, file, {
      dryRun: false,
      now,
      actor: 'test',
      resolve: async (l) => [...l.emails.map((email) => ({ email })), ...l.mobiles.map((mobile) => ({ mobile }))],
    });
    expect(r.resolution.unresolved.map((u) => u.who)).toEqual([
      'li@example.gov.cn',
      'gone@example.gov.cn',
      '13800000001',
    ]);
    expect(await grants(t)).toEqual([]);
    await loadCompetition(t.db, file, { dryRun: false, now, actor: 'test', resolve: directory() });
    expect(await grants(t)).toHaveLength(2);
  });

  it('two entries that turn out to be one person are merged, and a name from chat is not erased by a file without one', async () => {
    await t.db.updateTable('people').set({ name: '王评委' }).where('open_id', '=', 'ou_judge').execute();
    const file = competition2024((f) => {
      f.people = [
        ...PEOPLE,
        {
          openId: 'ou_judge',
          roles: [
            { role: 'judge', track: 'T03' },
            { role: 'judge', track: 'T02' },
          ],
        },
      ];
    });
    const r = await loadCompetition(t.db, file, { dryRun: false, now, actor: 'test', resolve: directory() });
    expect(r.plan.changes.map((c) => `${c.op} ${c.entity} ${c.key}`)).toEqual([
      'update competition shanghai-2024',
      'add role ou_judge:judge:T03',
    ]);
    expect(
      (await t.db.selectFrom('people').select('name').where('open_id', '=', 'ou_judge').executeTakeFirstOrThrow()).name,
    ).toBe('王评委');
  });
});

describe('through the contact API of the emulator', () => {
  let emu: EmulatorServer;
  let t: TestDatabase;
  let file: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    emu = await startEmulatorServer({ appId: 'cli_resolve', appSecret: 'secret' });
    emu.emulator.addUser({ open_id: 'ou_li', email: 'li@example.gov.cn' });
    emu.emulator.addUser({ open_id: 'ou_judge', mobile: '13800000001' });
    emu.emulator.addUser({ open_id: 'ou_gone', email: 'gone@example.gov.cn', resigned: true });
    t = await freshDatabase({ shared: true });
    const json = competition2024Json();
    json.people = PEOPLE;
    file = join(mkdtempSync(join(tmpdir(), 'saidao-resolve-')), 'competition.json');
    writeFileSync(file, JSON.stringify(json));
    env = {
      DATABASE_URL: t.url,
      COMPETITION_FILE: file,
      LARK_APP_ID: 'cli_resolve',
      LARK_APP_SECRET: 'secret',
      LARK_DOMAIN: emu.url,
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await emu.close();
    await t.destroy();
  });

  it('the CLI resolves them (a dry run too) and names the one that could not be found', async () => {
    const lines: string[] = [];
    expect(await runCli(['competition', 'load', file, '--dry-run'], env, (l) => lines.push(l))).toBe(0);
    const out = lines.join('\n');
    expect(out).toContain('= li@example.gov.cn → ou_li (contact API)');
    expect(out).toContain('= 13800000001 → ou_judge (contact API)');
    expect(out).toMatch(/\? gone@example\.gov\.cn: not found by the contact API/);
    expect(out).toContain('+ role ou_li:contact:HP');
    expect(await t.db.selectFrom('role_grants').selectAll().execute()).toEqual([]);
  });

  it('the start-up load resolves them, grants their roles and logs the unresolved ones', async () => {
    const logs: string[] = [];
    const lookups = () => emu.emulator.state.calls.filter((c) => c.path.includes('batch_get_id')).length;
    const before = lookups();
    const container = await boot({ env, logger: createLogger('info', (l) => logs.push(l)) });
    try {
      expect((await grants(t)).map((g) => `${g.open_id}:${g.role}:${g.scope}`)).toEqual([
        'ou_judge:judge:T02',
        'ou_li:contact:HP',
      ]);
      const warning = logs
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'people in the competition file could not be resolved');
      expect(warning.people).toEqual([expect.stringMatching(/^gone@example\.gov\.cn: not found/)]);
      expect(lookups() - before).toBe(1);
    } finally {
      await container.database.destroy();
    }
  });
});
