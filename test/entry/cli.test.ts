import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/entry/cli';
import { ValidationFailed } from '../../src/platform/errors';
import { runCliLines } from '../support/cli';
import { freshDatabase, type TestDatabase } from '../support/database';
import { COMPETITION_2024_PATH, competition2024Json } from '../support/fixtures';

let t: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  t = await freshDatabase({ shared: true, migrate: false });
  env = { DATABASE_URL: t.url };
});
afterAll(async () => t.destroy());

const cli = (...args: string[]) => runCliLines(args, env);

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
    expect(first.out).toBe(
      [
        '2024-04-08T01:30:00.000Z: 1 reminder(s) recorded, 0 snoozed one(s) dropped.',
        'Outbox: 1 message(s) added, 0 sent by this command, 1 waiting.',
        'Lark is not configured (LARK_APP_ID): nothing is sent; the messages stay in the outbox.',
      ].join('\n'),
    );
    expect((await cli('tick', '--at', '2024-04-08T09:30:00+08:00')).out).toContain(
      'this minute had already run: nothing recorded again',
    );
    expect((await cli('tick', '--at', '2024-04-08T09:45:00+08:00')).out).toContain('0 reminder(s) recorded');
    expect((await cli('tick', '--at', '2024-04-06T10:00:00+08:00')).out).toContain('0 reminder(s) recorded'); // Qingming
    expect((await cli('tick', '--at', 'yesterday')).code).toBe(2);
    const rows = await t.db.selectFrom('outbox').select(['receive_id', 'purpose']).execute();
    expect(rows).toEqual([{ receive_id: 'ou_cli_contact_ja', purpose: 'reminder' }]);
  });
});

describe('npm run cli -- tick with Lark configured', () => {
  it('says which messages it sent and which wait for their time (--at later than the wall clock)', async () => {
    const { startEmulatorServer } = await import('../../src/emulator/server');
    const { grantRole } = await import('../support/people');
    const emu = await startEmulatorServer({ appId: 'cli_tick', appSecret: 'secret' });
    const laterDb = await freshDatabase({ shared: true, migrate: false });
    const larkEnv = {
      DATABASE_URL: laterDb.url,
      LARK_APP_ID: 'cli_tick',
      LARK_APP_SECRET: 'secret',
      LARK_DOMAIN: emu.url,
    };
    const run = async (...args: string[]) => {
      const lines: string[] = [];
      const code = await runCli(args, larkEnv, (l) => lines.push(l));
      return { code, out: lines.join('\n') };
    };
    try {
      await run('competition', 'load', COMPETITION_2024_PATH);
      await grantRole(laterDb, 'ou_cli_later_ja', 'contact', 'JA');
      // The wall clock says 1 April 2024: a tick "at" 8 April records the reminder now; it is due a week later.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.parse('2024-04-01T02:00:00Z'));
      const early = await run('tick', '--at', '2024-04-08T09:30:00+08:00');
      expect(early.out).toContain('1 reminder(s) recorded');
      expect(early.out).toContain('Outbox: 1 message(s) added, 0 sent by this command, 1 waiting.');
      expect(early.out).toContain(
        "1 of them are due from 2024-04-08T01:30:00.000Z on, later than the wall clock's now: the running bot (npm start) sends each when its time comes.",
      );
      expect(emu.emulator.state.messages).toHaveLength(0);
      // A week later by the wall clock, the next tick sends it.
      vi.setSystemTime(Date.parse('2024-04-08T01:46:00Z'));
      const due = await run('tick', '--at', '2024-04-08T09:46:00+08:00');
      expect(due.out).toContain('Outbox: 0 message(s) added, 1 sent by this command, 0 waiting.');
      expect(due.out).toContain('Nothing is waiting.');
      expect(emu.emulator.state.messages).toHaveLength(1);
    } finally {
      vi.useRealTimers();
      await emu.close();
      await laterDb.destroy();
    }
  });
});
