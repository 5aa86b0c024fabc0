/**
 * The Cloudflare Workers entry, end to end: `wrangler dev` runs src/entry/worker.ts in a local workerd, over a fresh
 * MySQL database reached through Hyperdrive's local connection string. Its Open API calls go through the real
 * node-sdk inside workerd to the emulator, Lark's deliveries come from the emulator's sender (signed and encrypted),
 * and the Cron handler is fired through `--test-scheduled`.
 *
 * The Worker has no SQLite: vitest.config.ts collects this file only when TEST_DATABASE_URL is a MySQL URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompetition } from '../../src/competition/competition.service';
import { createLarkSender, type LarkSender } from '../../src/emulator/lark-sender';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { acceptEvent, INBOX_LEASE_MS } from '../../src/lark/inbox.repository';
import { enqueueMessages, uuidFor } from '../../src/lark/outbox.repository';
import { freshDatabase, onMysql, type TestDatabase } from '../support/database';
import { competition2024 } from '../support/fixtures';

const APP_ID = 'cli_worker_e2e';
const APP_SECRET = 'worker-secret';
const VERIFICATION_TOKEN = 'vt-worker';
const ENCRYPT_KEY = 'ek-worker';
const OFFICE = 'ou_office_admin';
const CRON = '* * * * *'; // wrangler.toml [triggers]
/** WORKERS_MAX_SENDS_PER_INVOCATION for this run: small, so that a cap is seen with a few messages. */
const MAX_SENDS = 5;
const START_TIMEOUT_MS = 60_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let db: TestDatabase;
let emu: EmulatorServer;
let lark: LarkSender;
let worker: { child: ChildProcess; url: string; output: () => string; stop: () => Promise<void> };

/** `wrangler dev` in its own process group (workerd is its child): stopped as a whole. */
async function startWorker(connectionString: string, vars: Record<string, string>) {
  const scratch = mkdtempSync(join(tmpdir(), 'saidao-wrangler-'));
  const args = [
    'node_modules/wrangler/bin/wrangler.js',
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    '0',
    '--inspector-port',
    '0',
  ];
  args.push('--test-scheduled', '--show-interactive-dev-session=false', '--persist-to', join(scratch, 'state'));
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const child = spawn(process.execPath, args, {
    cwd: ROOT, // wrangler.toml
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Wrangler 4.155 reads CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_<binding> (WRANGLER_… is its deprecated name).
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: connectionString,
      WRANGLER_SEND_METRICS: 'false',
      // .ci/run sets these; a developer's plain `npm test` keeps wrangler out of the home directory too.
      XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? join(scratch, 'config'),
      XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? join(scratch, 'data'),
      WRANGLER_LOG_PATH: process.env.WRANGLER_LOG_PATH ?? join(scratch, 'logs'),
      // The Worker never reads request.cf: skip wrangler's download of it (a network call, up to 3 s when offline).
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  // Should the test process die before afterAll, leave no workerd behind.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup('SIGKILL'); // workerd, should it have outlived wrangler
    rmSync(scratch, { recursive: true, force: true });
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`wrangler dev: no "Ready on" line within ${START_TIMEOUT_MS / 1000} s:\n${out}`)),
      START_TIMEOUT_MS,
    );
    const check = () => {
      const m = /Ready on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited early:\n${out}`));
    });
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  return { child, url, output: () => out, stop };
}

/** Polls until `probe` returns something truthy. */
async function waitFor<T>(
  what: string | (() => string),
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${typeof what === 'string' ? what : what()}; Worker output:\n${worker.output().slice(-4000)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sentTo = (openId: string) => emu.emulator.state.messages.filter((m) => m.receiverOpenId === openId);
const messageIdOf = (d: { payload: { event: unknown } }) =>
  (d.payload.event as { message: { message_id: string } }).message.message_id;
const inboxRow = (eventId: string) =>
  db.db.selectFrom('inbox').select(['status', 'last_error']).where('event_id', '=', eventId).executeTakeFirst();

async function runCron(): Promise<void> {
  const res = await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent(CRON)}`);
  expect(res.status, await res.clone().text()).toBe(200);
  await res.text();
}

beforeAll(async () => {
  if (!onMysql())
    throw new Error('the Worker runs on MySQL only: vitest.config.ts should not have collected this file');
  db = await freshDatabase();
  // The Worker neither migrates nor loads: both are done beforehand, as the README's deployment steps say.
  await loadCompetition(db.db, competition2024(), { dryRun: false, now: Date.now(), actor: 'test' });
  emu = await startEmulatorServer({ appId: APP_ID, appSecret: APP_SECRET });
  worker = await startWorker(db.url, {
    LARK_DOMAIN: emu.url,
    LARK_APP_ID: APP_ID,
    LARK_APP_SECRET: APP_SECRET,
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    BOT_ADMINS: OFFICE,
    LOG_LEVEL: 'debug',
    WORKERS_MAX_SENDS_PER_INVOCATION: String(MAX_SENDS),
  });
  let readiness = '';
  await waitFor(
    () => `/readyz (last answer: ${readiness})`,
    () =>
      fetch(`${worker.url}/readyz`).then(
        async (r) => {
          readiness = `${r.status} ${await r.text()}`;
          return r.ok;
        },
        (err: Error) => {
          readiness = err.message;
          return false;
        },
      ),
    30_000,
  );
  lark = createLarkSender({
    eventUrl: `${worker.url}/lark/events`,
    verificationToken: VERIFICATION_TOKEN,
    encryptKey: ENCRYPT_KEY,
    emulator: emu.emulator,
    appId: APP_ID,
  });
}, START_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await worker?.stop();
  await emu?.close();
  await db?.destroy();
});

describe('the Worker entry under wrangler dev (workerd, Hyperdrive to MySQL)', () => {
  let help: Awaited<ReturnType<LarkSender['messageReceived']>>;

  it('is up on MySQL', async () => {
    const ready = await fetch(`${worker.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'mysql' });
  });

  it('answers a signed, encrypted help message with the help card, sent through the node-sdk inside workerd', async () => {
    help = await lark.messageReceived({ sender: OFFICE, text: 'help' });
    expect(help.reply.status).toBe(200);
    const [card] = await waitFor('the help card', () => sentTo(OFFICE).length > 0 && sentTo(OFFICE));
    expect(card).toMatchObject({
      msgType: 'interactive',
      chatType: 'p2p',
      receiveIdType: 'message_id',
      parentId: messageIdOf(help),
    });
    expect(card!.uuid).toMatch(/^sd-[0-9a-f]{40}$/);
    // BOT_ADMINS reached the Worker as a --var: the office sees its own commands.
    expect(JSON.stringify(card!.content)).toContain('发送失败');
    // The SDK fetched a tenant token and the bot's identity from the emulator, then sent with that token.
    const paths = emu.emulator.state.calls.map((c) => c.path);
    expect(paths).toContain('/open-apis/auth/v3/tenant_access_token/internal');
    expect(paths).toContain('/open-apis/bot/v3/info');
    expect(emu.emulator.state.violations).toEqual([]);
    await waitFor('the event to be done', async () => (await inboxRow(help.eventId!))?.status === 'done');
    await waitFor('its outbox row to be marked sent', async () => {
      const rows = await db.db
        .selectFrom('outbox')
        .select('status')
        .where('receive_id', '=', messageIdOf(help))
        .execute();
      return rows.length === 1 && rows[0]!.status === 'sent';
    });
  });

  it('runs the Cron tick: sends a queued outbox row and finishes an event whose work was cut short', async () => {
    // A message queued while no request was running (nothing kicks the drain but the tick).
    const key = 'worker-e2e:cron';
    await enqueueMessages(
      db.db,
      [
        {
          key,
          purpose: 'test',
          op: 'send',
          receiveIdType: 'open_id',
          receiveId: 'ou_cron_reader',
          rateKey: 'user:ou_cron_reader',
          msgType: 'text',
          content: { text: 'sent by the cron tick' },
        },
      ],
      Date.now(),
    );
    // An event stored by a Worker that acknowledged it and was then evicted: pending, its lease run out.
    const capture = createLarkSender({
      eventUrl: 'http://unused.invalid/',
      verificationToken: VERIFICATION_TOKEN,
      emulator: emu.emulator,
      appId: APP_ID,
      fetch: async () => new Response('{}'),
    });
    const cut = await capture.messageReceived({ sender: 'ou_cut_short', text: '帮助' });
    expect(
      await acceptEvent(
        db.db,
        {
          eventId: cut.eventId!,
          eventType: 'im.message.receive_v1',
          payload: cut.payload.event,
          messageId: messageIdOf(cut),
        },
        Date.now() - INBOX_LEASE_MS - 5_000,
      ),
    ).toBe('accepted');
    expect(sentTo('ou_cron_reader')).toHaveLength(0);
    expect(sentTo('ou_cut_short')).toHaveLength(0);

    await runCron();

    const [queued] = await waitFor(
      'the queued message',
      () => sentTo('ou_cron_reader').length > 0 && sentTo('ou_cron_reader'),
    );
    expect(queued).toMatchObject({
      msgType: 'text',
      content: { text: 'sent by the cron tick' },
      uuid: await uuidFor(key),
    });
    const [resumed] = await waitFor(
      'the resumed help card',
      () => sentTo('ou_cut_short').length > 0 && sentTo('ou_cut_short'),
    );
    expect(JSON.stringify(resumed!.content)).toContain('你还没有角色');
    await waitFor('the resumed event to be done', async () => (await inboxRow(cut.eventId!))?.status === 'done');
    expect(worker.output()).toContain('resuming unfinished event');
    await waitFor('both outbox rows to be marked sent', async () => {
      const rows = await db.db
        .selectFrom('outbox')
        .select('status')
        .where((eb) => eb.or([eb('uuid', '=', queued!.uuid!), eb('receive_id', '=', messageIdOf(cut))]))
        .execute();
      return rows.length === 2 && rows.every((r) => r.status === 'sent');
    });
  });

  it('a duplicate delivery of the same event, or of the same message under a new event id, has no second effect', async () => {
    const replyPath = `/open-apis/im/v1/messages/${messageIdOf(help)}/reply`;
    const repliesSent = () => emu.emulator.state.calls.filter((c) => c.method === 'POST' && c.path === replyPath);
    const outboxRows = () =>
      db.db.selectFrom('outbox').select(['id', 'status']).where('receive_id', '=', messageIdOf(help)).execute();
    expect(repliesSent()).toHaveLength(1);
    expect(await outboxRows()).toEqual([expect.objectContaining({ status: 'sent' })]);
    const before = await outboxRows();

    const again = await lark.redeliver(help, { copies: 3 });
    expect(again.replies.map((r) => r.status)).toEqual([200, 200, 200]);
    const sameMessage = await lark.messageReceived({ sender: OFFICE, text: 'help', messageId: messageIdOf(help) });
    expect(sameMessage.reply.status).toBe(200);
    expect(sameMessage.eventId).not.toBe(help.eventId);

    // Anything a duplicate had queued would be sent by now, or by the next tick.
    await new Promise((r) => setTimeout(r, 500));
    await runCron();
    await new Promise((r) => setTimeout(r, 500));

    expect(sentTo(OFFICE)).toHaveLength(1);
    expect(repliesSent()).toHaveLength(1);
    expect(await outboxRows()).toEqual(before);
    expect(
      await db.db.selectFrom('inbox').select('event_id').where('event_id', '=', help.eventId!).execute(),
    ).toHaveLength(1);
    expect(await inboxRow(sameMessage.eventId!)).toEqual({ status: 'done', last_error: 'duplicate message' });
  });

  it('sends at most WORKERS_MAX_SENDS_PER_INVOCATION messages per invocation (the subrequest limit); the next tick sends the rest', async () => {
    const readers = Array.from({ length: 2 * MAX_SENDS + 2 }, (_, i) => `ou_capped_${i}`);
    await enqueueMessages(
      db.db,
      readers.map((r) => ({
        key: `worker-e2e:cap:${r}`,
        purpose: 'test',
        op: 'send' as const,
        receiveIdType: 'open_id' as const,
        receiveId: r,
        rateKey: `user:${r}`,
        msgType: 'text' as const,
        content: { text: 'capped' },
      })),
      Date.now(),
    );
    const delivered = () => readers.filter((r) => sentTo(r).length > 0).length;
    const perTick: number[] = [];
    for (let tick = 0; tick < 3; tick++) {
      const before = delivered();
      await runCron(); // the scheduled handler returns once its drain is done
      perTick.push(delivered() - before);
    }
    expect(perTick).toEqual([MAX_SENDS, MAX_SENDS, 2]);
    expect(readers.every((r) => sentTo(r).length === 1)).toBe(true);
  });

  it('logged no errors', () => {
    expect(worker.output()).not.toMatch(/"level":"error"/);
    expect(worker.output()).not.toMatch(/Uncaught|✘ \[ERROR\]/);
  });

  it('with the database gone, answers as on Node: alive, not ready, events 500 (Lark retries), card clicks a toast', async () => {
    const [card] = sentTo(OFFICE);
    await sql`drop database ${sql.id(new URL(db.url).pathname.slice(1))}`.execute(db.db);

    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${worker.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'not_ready', reason: 'database unreachable' }]);
    expect((await lark.messageReceived({ sender: 'ou_during_outage', text: 'help' })).reply.status).toBe(500);
    const click = await lark.cardAction({ messageId: card!.messageId, operator: OFFICE, value: { a: 'help.show' } });
    expect(click.reply.status).toBe(200);
    expect(click.clientError).toBeUndefined();
    expect(JSON.stringify(click.toast)).toContain('出了点问题');
  });
});
