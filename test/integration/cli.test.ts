import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/entry/cli';
import { ValidationFailed } from '../../src/platform/errors';
import { freshDatabase, type TestDatabase } from '../support/database';
import { COMPETITION_2024_PATH, competition2024Json } from '../support/fixtures';

let t: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  t = await freshDatabase({ shared: true, migrate: false });
  env = { DATABASE_URL: t.url };
});
afterAll(async () => t.destroy());

async function cli(...args: string[]) {
  const lines: string[] = [];
  const code = await runCli(args, env, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('npm run cli', () => {
  it('migrate applies the migrations once', async () => {
    expect((await cli('migrate')).out).toMatch(/^applied: 20261122T0900_initial/);
    expect((await cli('migrate')).out).toBe('database is up to date');
  });

  it('competition load --dry-run shows the changes and writes nothing; load applies; a second load reports no changes', async () => {
    const dry = await cli('competition', 'load', COMPETITION_2024_PATH, '--dry-run');
    expect(dry.out).toContain('shanghai-2024: 34 change(s) (dry run, nothing written)');
    expect(dry.out).toContain('+ unit HP');
    expect((await t.db.selectFrom('units').selectAll().execute()).length).toBe(0);

    expect((await cli('competition', 'load', COMPETITION_2024_PATH)).out).toMatch(/34 change\(s\)[\s\S]*applied$/);
    expect((await cli('competition', 'load', COMPETITION_2024_PATH)).out).toBe('shanghai-2024: no changes');
  });

  it('refuses a file with an unknown track code, a bad date and a duplicate unit code, naming each path', async () => {
    const file = competition2024Json();
    file.stages[2].end = '2024-13-01';
    file.units[3].code = 'PD';
    file.chats = [{ chatId: 'oc_unit', purpose: 'unit', unit: 'XX' }];
    file.people = [{ openId: 'ou_j', roles: [{ role: 'judge', track: 'T11' }] }];
    const path = join(mkdtempSync(join(tmpdir(), 'saidao-cli-')), 'bad.json');
    writeFileSync(path, JSON.stringify(file));
    const err = await cli('competition', 'load', path).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationFailed);
    expect((err as ValidationFailed).problems).toEqual(
      expect.arrayContaining([
        'stages[2].end: is not a real calendar date',
        'units[3].code: duplicate code "PD" (also at units[0])',
        'people[0].roles[0].track: unknown track code "T11"',
        'chats[0].unit: unknown unit code "XX"',
      ]),
    );
    const pd = await t.db.selectFrom('units').select('name').where('code', '=', 'XH').executeTakeFirstOrThrow();
    expect(pd.name).toBe('徐汇区城管执法局');
  });

  it('prints the usage for an unknown command', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.out).toContain('usage: npm run cli');
  });
});

describe('npm run cli -- tick', () => {
  it('plans the reminders due at --at, once, whatever --at says later', async () => {
    const { grantRole } = await import('../support/people');
    await grantRole(t, 'ou_cli_contact_ja', 'contact', 'JA');
    const first = await cli('tick', '--at', '2024-04-08T09:30:00+08:00');
    // No unit has registered, but only JA has a contact to remind (the others show up in the office's digest).
    expect(first.out).toMatch(/^2024-04-08T01:30:00.000Z: 1 reminder\(s\) planned, 0 snoozed dropped; 1 message\(s\) waiting in the outbox \(Lark is not configured: nothing is sent\)$/);
    expect((await cli('tick', '--at', '2024-04-08T09:30:00+08:00')).out).toContain('this minute had already run');
    expect((await cli('tick', '--at', '2024-04-08T09:45:00+08:00')).out).toContain('0 reminder(s) planned');
    expect((await cli('tick', '--at', '2024-04-06T10:00:00+08:00')).out).toContain('0 reminder(s) planned'); // Qingming
    expect((await cli('tick', '--at', 'yesterday')).code).toBe(2);
    const rows = await t.db.selectFrom('outbox').select(['receive_id', 'purpose']).execute();
    expect(rows).toEqual([{ receive_id: 'ou_cli_contact_ja', purpose: 'reminder' }]);
  });
});
