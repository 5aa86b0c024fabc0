/**
 * Several competitions in one deployment, on real processes: two competitions (the shipped 2024 file on the default
 * app, a youth competition derived from it on the app named youth), each app its own emulator, three servers
 * (test/support/deployment-process.ts: what src/entry/node.ts runs) on one database, every server with both apps'
 * credentials. Every command is answered through the app it came through and about that app's competition, also when
 * the server that acknowledged it is killed at once. At 09:30 on Monday 8 April 2024 both competitions owe their
 * first registration reminder (the 2024 file T-7 before 15 April, the youth one T-3 before 11 April): each is sent
 * exactly once, through its own app, however many servers tick that minute. And servers that start at the same moment
 * on a database that has never seen the competitions all come up.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { createLarkSender, type LarkSender } from '../../src/emulator/lark-sender';
import type { RecordedMessage } from '../../src/emulator/types';
import { bootDeployment } from '../../src/entry/bootstrap';
import { json } from '../support/cards';
import { freshDatabase, type TestDatabase } from '../support/database';
import { at, competition2024Json } from '../support/fixtures';

const MINUTE = 60_000;
/** The bot's minute both competitions owe a reminder at, and the real minute boundary it is made to fall on. */
const REMINDER_MINUTE = at('2024-04-08 09:30:00');
/**
 * Real time from the start of the servers to that boundary, at least: three servers start, answer five commands,
 * one is killed and another started, all before the servers' 09:30 (on a busy 2-core machine). The boundary is the
 * first whole real minute after it, so the test waits up to a minute more.
 */
const LEAD_MS = 20_000;

const SH = {
  id: 'shanghai-2024',
  app: 'default',
  office: 'ou_sh_office',
  contacts: { JA: 'ou_sh_contact_ja', PD: 'ou_sh_contact_pd' },
} as const;
const YOUTH = {
  id: 'youth-2024',
  app: 'youth',
  office: 'ou_youth_office',
  contacts: { PD: 'ou_youth_contact_pd', HP: 'ou_youth_contact_hp' },
  name: '2024年度上海市城管执法青年突击队立功竞赛',
  nameEn: '2024 Merit Competition of the Shanghai Urban Management Youth Commandos',
} as const;
const CREDENTIALS = {
  default: {
    appId: `cli_sh_${process.pid}`,
    appSecret: 'secret-sh',
    verificationToken: 'vt-sh',
    encryptKey: 'ek-sh',
  },
  youth: {
    appId: `cli_youth_${process.pid}`,
    appSecret: 'secret-youth',
    verificationToken: 'vt-youth',
    encryptKey: 'ek-youth',
  },
} as const;

/** The shipped 2024 file with an office and two contacts; a youth file derived from it, registering until 11 April. */
function competitionFiles(dir: string): void {
  const shanghai = competition2024Json();
  shanghai.people = [
    { openId: SH.office, roles: [{ role: 'office' }] },
    ...Object.entries(SH.contacts).map(([unit, openId]) => ({ openId, roles: [{ role: 'contact', unit }] })),
  ];
  const youth = competition2024Json();
  Object.assign(youth, { id: YOUTH.id, name: YOUTH.name, nameEn: YOUTH.nameEn, app: YOUTH.app, codePrefix: 'Y2024' });
  youth.stages[0].end = '2024-04-11';
  youth.stages[1].start = '2024-04-12';
  // Its office wants reminders three days and one day before, so nothing is owed before 8 April 09:30 (T-3).
  youth.reminders.leadDays = [3, 1];
  youth.people = [
    { openId: YOUTH.office, roles: [{ role: 'office' }] },
    ...Object.entries(YOUTH.contacts).map(([unit, openId]) => ({ openId, roles: [{ role: 'contact', unit }] })),
  ];
  writeFileSync(join(dir, 'shanghai-2024.json'), JSON.stringify(shanghai, null, 2));
  writeFileSync(join(dir, 'youth-2024.json'), JSON.stringify(youth, null, 2));
}

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

interface Server {
  name: string;
  /** Resolves to the server's base URL. */
  listening: Promise<string>;
  lines(): LogLine[];
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

let db: TestDatabase;
let emus: Record<'default' | 'youth', EmulatorServer>;
let competitionsDir: string;
let offsetMs: number;
let boundary: number;
const servers: Server[] = [];

/** Both apps' credentials, the competitions folder and the database: what every server of the deployment is given. */
function deploymentEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    COMPETITIONS: competitionsDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LARK_APP_ID: CREDENTIALS.default.appId,
    LARK_APP_SECRET: CREDENTIALS.default.appSecret,
    LARK_VERIFICATION_TOKEN: CREDENTIALS.default.verificationToken,
    LARK_ENCRYPT_KEY: CREDENTIALS.default.encryptKey,
    LARK_DOMAIN: emus.default.url,
    LARK_YOUTH_APP_ID: CREDENTIALS.youth.appId,
    LARK_YOUTH_APP_SECRET: CREDENTIALS.youth.appSecret,
    LARK_YOUTH_VERIFICATION_TOKEN: CREDENTIALS.youth.verificationToken,
    LARK_YOUTH_ENCRYPT_KEY: CREDENTIALS.youth.encryptKey,
    LARK_YOUTH_DOMAIN: emus.youth.url,
  };
}

function startServer(name: string): Server {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...deploymentEnv(db.url),
    LOG_LEVEL: 'info',
    CLOCK_OFFSET_MS: String(offsetMs),
  };
  // One process: the tsx command would run the server in a child of its own, which a SIGKILL of the command leaves
  // running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/deployment-process.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const lines: LogLine[] = [];
  let partial = '';
  child.stdout.on('data', (d) => {
    out += d;
    partial += d;
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const l of complete) {
      try {
        lines.push(JSON.parse(l) as LogLine);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no listening line after 60 s:\n${out}`)), 60_000);
    const look = () => {
      const line = lines.find((l) => l.msg === 'listening');
      if (!line) return;
      clearTimeout(timer);
      resolve(String(line.url));
    };
    child.stdout.on('data', look);
    void exited.then(() => reject(new Error(`${name} exited early:\n${out}`)));
  });
  listening.catch(() => {});
  const server: Server = {
    name,
    listening,
    lines: () => lines,
    output: () => out,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  servers.push(server);
  return server;
}

/** What Lark delivers for `app` to `server`: signed and encrypted with that app's keys, on the bot's clock. */
function larkFor(app: 'default' | 'youth', url: string): LarkSender {
  const c = CREDENTIALS[app];
  return createLarkSender({
    eventUrl: `${url}/lark/${app === 'default' ? '' : `${app}/`}events`,
    verificationToken: c.verificationToken,
    encryptKey: c.encryptKey,
    emulator: emus[app].emulator,
    appId: c.appId,
    now: () => Date.now() + offsetMs,
  });
}

const toUser = (emu: EmulatorServer, openId: string): RecordedMessage[] =>
  emu.emulator.state.messages.filter((m) => m.chatType === 'p2p' && m.receiverOpenId === openId);

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until)
      throw new Error(`${what}: not within ${ms} ms\n${servers.map((s) => `── ${s.name}\n${s.output()}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The one message `openId` receives in `emu`, waited for. */
const oneMessage = (emu: EmulatorServer, openId: string) =>
  waitFor(`a message to ${openId}`, () => toUser(emu, openId)[0], 20_000);

beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  emus = {
    default: await startEmulatorServer({ appId: CREDENTIALS.default.appId, appSecret: CREDENTIALS.default.appSecret }),
    youth: await startEmulatorServer({ appId: CREDENTIALS.youth.appId, appSecret: CREDENTIALS.youth.appSecret }),
  };
  competitionsDir = mkdtempSync(join(tmpdir(), 'saidao-deployment-'));
  competitionFiles(competitionsDir);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  await emus?.default.close();
  await emus?.youth.close();
  await db?.destroy();
});

describe('two competitions over two apps, three servers, one database', () => {
  it('answers each command through its own app and sends both competitions’ 09:30 reminders exactly once', async () => {
    // The servers' clock: the first whole real minute LEAD_MS from now is their 09:30.
    boundary = Math.ceil((Date.now() + LEAD_MS) / MINUTE) * MINUTE;
    offsetMs = REMINDER_MINUTE - boundary;
    const [a, b, c] = ['A', 'B', 'C'].map(startServer) as [Server, Server, Server];
    const [urlA, urlB, urlC] = await Promise.all([a.listening, b.listening, c.listening]);

    // The office of each competition asks for the schedule, each through its app, at different servers.
    await larkFor('default', urlA).messageReceived({ sender: SH.office, text: '日程' });
    await larkFor('youth', urlB).messageReceived({ sender: YOUTH.office, text: '日程' });
    expect(json((await oneMessage(emus.default, SH.office)).content)).toContain('2024-03-15 ~ 2024-04-15');
    expect(json((await oneMessage(emus.youth, YOUTH.office)).content)).toContain('2024-03-15 ~ 2024-04-11');
    // A contact opening the chat with each app is welcomed to that app's competition.
    await larkFor('default', urlC).p2pChatEntered({ operator: SH.contacts.JA });
    await larkFor('youth', urlA).p2pChatEntered({ operator: YOUTH.contacts.PD });
    const welcomeSh = json((await oneMessage(emus.default, SH.contacts.JA)).content);
    expect(welcomeSh).toContain(competition2024Json().name);
    expect(welcomeSh).not.toContain(YOUTH.name);
    expect(json((await oneMessage(emus.youth, YOUTH.contacts.PD)).content)).toContain(YOUTH.name);

    // C acknowledges a command and is killed at once: its reply still comes, once, through the youth app (C sent
    // it, or A's or B's sweep finished the event after its lease ran out). A new server takes C's place.
    const killed = await larkFor('youth', urlC).messageReceived({ sender: YOUTH.contacts.HP, text: '日程' });
    await c.kill('SIGKILL');
    expect(killed.reply.status).toBe(200);
    const d = startServer('D');
    expect(json((await oneMessage(emus.youth, YOUTH.contacts.HP)).content)).toContain('2024-03-15 ~ 2024-04-11');
    await d.listening;
    expect(Date.now(), 'the servers were up before their 09:30 (raise LEAD_MS)').toBeLessThan(boundary);

    // Each command answered once, in the emulator of its app, none in the other.
    const receivers = (messages: RecordedMessage[]) => messages.map((m) => m.receiverOpenId).sort();
    const answered = {
      default: emus.default.emulator.state.messages.length,
      youth: emus.youth.emulator.state.messages.length,
    };
    expect(receivers(emus.default.emulator.state.messages)).toEqual([SH.contacts.JA, SH.office].sort());
    expect(receivers(emus.youth.emulator.state.messages)).toEqual(
      [YOUTH.contacts.HP, YOUTH.contacts.PD, YOUTH.office].sort(),
    );

    // 09:30: the three live servers tick; each competition's reminders go once, through its own app.
    const live = [a, b, d];
    const tickedAt930 = (s: Server) =>
      s.lines().find((l) => l.msg === 'ticked' && String(l.at).startsWith('2024-04-08T01:30'));
    await waitFor(
      'every live server ticked 09:30',
      () => (live.every(tickedAt930) ? true : undefined),
      boundary - Date.now() + 30_000,
    );
    const outboxDone = async () => {
      const open = await db.db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'sending'])
        .execute();
      return open.length === 0 ? true : undefined;
    };
    await waitFor('the outbox sent', outboxDone, 30_000);
    expect(tickedAt930(c), 'the killed server is gone').toBeUndefined();
    // Room for a duplicate to show up, if one were on its way.
    await new Promise((r) => setTimeout(r, 1_500));

    // Since the commands: one reminder per contact of each competition, in its app's emulator, no one twice.
    const reminders = (app: 'default' | 'youth') => emus[app].emulator.state.messages.slice(answered[app]);
    expect(receivers(reminders('default'))).toEqual(Object.values(SH.contacts).sort());
    expect(receivers(reminders('youth'))).toEqual(Object.values(YOUTH.contacts).sort());
    for (const m of reminders('default')) expect(json(m.content)).toContain('还有 7 天截止（2024-04-15）');
    for (const m of reminders('youth')) expect(json(m.content)).toContain('还有 3 天截止（2024-04-11）');
    for (const emu of Object.values(emus)) expect(emu.emulator.state.violations).toEqual([]);

    // Each competition's reminder job ran on exactly one server that minute; the others found its slot claimed.
    for (const id of [SH.id, YOUTH.id]) {
      const lines = live.map((s) => tickedAt930(s)!);
      const ran = lines.filter((l) => (l.ran as Record<string, string[]>)[id]?.includes('reminders'));
      const skipped = lines.filter((l) => (l.claimedElsewhere as Record<string, string[]>)[id]?.includes('reminders'));
      expect([ran.length, skipped.length], id).toEqual([1, 2]);
    }
    const slots = await db.db
      .selectFrom('cron_runs')
      .select('slot')
      .where('slot', 'like', '%reminders:2024-04-08T01:30')
      .execute();
    expect(slots.map((s) => s.slot).sort()).toEqual([
      `${SH.id}/reminders:2024-04-08T01:30`,
      `${YOUTH.id}/reminders:2024-04-08T01:30`,
    ]);
    const occurrences = await db.db
      .selectFrom('reminder_occurrences')
      .select(['competition_id', 'unit_code', 'step', 'status'])
      .where('status', '=', 'sent')
      .orderBy('competition_id')
      .orderBy('unit_code')
      .execute();
    expect(occurrences).toEqual([
      { competition_id: SH.id, unit_code: 'JA', step: 'T-7', status: 'sent' },
      { competition_id: SH.id, unit_code: 'PD', step: 'T-7', status: 'sent' },
      { competition_id: YOUTH.id, unit_code: 'HP', step: 'T-3', status: 'sent' },
      { competition_id: YOUTH.id, unit_code: 'PD', step: 'T-3', status: 'sent' },
    ]);
    const byApp = await db.db
      .selectFrom('outbox')
      .select(['competition_id', 'app', 'status'])
      .where('purpose', '=', 'reminder')
      .orderBy('competition_id')
      .execute();
    expect(byApp).toEqual([
      { competition_id: SH.id, app: 'default', status: 'sent' },
      { competition_id: SH.id, app: 'default', status: 'sent' },
      { competition_id: YOUTH.id, app: 'youth', status: 'sent' },
      { competition_id: YOUTH.id, app: 'youth', status: 'sent' },
    ]);

    await Promise.all(live.map((s) => s.kill('SIGTERM')));
    for (const s of live) expect(s.output()).toContain('"msg":"stopped"');
  }, 150_000);
});

describe('servers starting at once', () => {
  // Each server loads every file at start; before bootDeployment loaded again after losing that race, all but one
  // stopped at a duplicate key on MySQL. (In one process better-sqlite3 runs the loads one after the other.)
  it('all come up on a database that has not seen the competitions yet, which are loaded once', async () => {
    const fresh = await freshDatabase({ shared: true });
    try {
      const env = { ...deploymentEnv(fresh.url), LOG_LEVEL: 'silent' };
      const started = await Promise.allSettled([1, 2, 3].map(() => bootDeployment({ env })));
      for (const s of started) if (s.status === 'fulfilled') await s.value.database.destroy();
      expect(started.map((s) => (s.status === 'fulfilled' ? 'up' : String(s.reason)))).toEqual(['up', 'up', 'up']);
      const loads = await fresh.db
        .selectFrom('audit_log')
        .select('entity_id')
        .where('action', '=', 'competition.load')
        .orderBy('entity_id')
        .execute();
      expect(loads.map((l) => l.entity_id)).toEqual([SH.id, YOUTH.id]);
    } finally {
      await fresh.destroy();
    }
  }, 60_000);
});
