/**
 * Benchmarks of the Lark edge, each printed as a ratio to a baseline measured in the same run:
 *  (a) HTTP path: a signed, encrypted duplicate event (verified, decrypted, parsed, claimed: no write) vs a bare Hono
 *      "200 OK" route on the same server stack;
 *  (b) card-callback round trip (verified, decrypted, authorised, claimed, answered) at a fixed 200 requests/s vs the
 *      same database statements issued directly through the driver, with p50/p99 latency;
 *  (c) outbox drain of N messages through the real SDK into the emulator: achieved rate as a share of Lark's allowed
 *      rate, lost and duplicated counts, without and with 5% injected faults.
 * Runs on MySQL when it is reachable (BENCH_DATABASE_URL, default the CI test user), else on SQLite.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createConnection } from 'mysql2/promise';
import { sql } from 'kysely';
import { enqueueMessages, type OutgoingMessage } from '../src/lark/outbox.repository';
import { freshDatabase, type TestDatabase } from '../test/support/database';
import { startHarness, type Harness } from '../test/support/harness';

const MYSQL = process.env.BENCH_DATABASE_URL ?? 'mysql://saidao:saidao@127.0.0.1:3306/saidao_test';

async function pickDatabase(): Promise<string> {
  try {
    const c = await createConnection(MYSQL);
    await c.end();
    return MYSQL;
  } catch {
    return 'sqlite';
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (n: number, d = 1) => n.toFixed(d);

/** Requests per second of `send` with `concurrency` in flight, for `ms`. */
async function throughput(send: () => Promise<unknown>, ms: number, concurrency = 16): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await send();
        done++;
      }
    }),
  );
  return done / (ms / 1000);
}

async function benchHttpPath(h: Harness): Promise<void> {
  const bare = new Hono();
  bare.post('/ok', (c) => c.text('OK'));
  const server = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ok`;

  // One real delivery, then the same signed bytes again and again: each is verified, decrypted, parsed and claimed.
  const first = await h.lark.messageReceived({ sender: 'ou_bench', text: 'help' });
  await h.settle();
  const body = first.rawBody;
  const headers = first.requestHeaders;
  const botUrl = `${h.botUrl}/lark/events`;
  const post = (url: string) => fetch(url, { method: 'POST', headers, body }).then((r) => r.arrayBuffer());
  await throughput(() => post(bareUrl), 500);
  await throughput(() => post(botUrl), 500);
  const bareRps = await throughput(() => post(bareUrl), 3_000);
  const botRps = await throughput(() => post(botUrl), 3_000);
  server.close();
  console.log(`(a) HTTP path, signed+encrypted duplicate event: ${fmt(botRps, 0)} req/s vs bare Hono ${fmt(bareRps, 0)} req/s = ${fmt((100 * botRps) / bareRps)}% of bare`);
}

async function benchCallback(h: Harness, db: TestDatabase): Promise<void> {
  await h.lark.p2pChatEntered({ operator: 'ou_cb' });
  await h.settle();
  const messageId = h.emu.emulator.state.messages.at(-1)!.messageId;
  const rate = 200;
  const seconds = 5;
  const latencies: number[] = [];
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      h.lark.cardAction({ messageId, operator: 'ou_cb', value: { a: 'help.show' } }).then((d) => {
        if (d.reply.status !== 200 || d.clientError) throw new Error(`callback failed: ${d.reply.status} ${d.clientError}`);
        latencies.push(d.reply.ms);
      }),
    );
  }
  await Promise.all(inFlight);
  const achieved = (rate * seconds) / ((performance.now() - start) / 1000);

  // Baseline: the statements a callback makes (role lookup + receipt insert), issued straight through the driver.
  const raw: number[] = [];
  const rawStart = performance.now();
  const rawRuns: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = rawStart + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    rawRuns.push(
      (async () => {
        await sql`select role, scope from role_grants where competition_id = ${'shanghai-2024'} and open_id = ${'ou_cb'}`.execute(db.db);
        await sql`insert into receipts (kind, receipt_key, created_at) values (${'card_action'}, ${`raw-${i}-${Math.random()}`}, ${'2024-03-20 02:00:00.000'})`.execute(db.db);
        raw.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(rawRuns);
  const p50 = pct(latencies, 50);
  const p99 = pct(latencies, 99);
  console.log(
    `(b) card callback at ${rate}/s for ${seconds}s (${db.dialect}): achieved ${fmt(achieved, 0)}/s, p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms; ` +
      `raw statements p50 ${fmt(pct(raw, 50))} ms, p99 ${fmt(pct(raw, 99))} ms; p50 ratio full/raw ${fmt(p50 / pct(raw, 50))}x, raw/full throughput share ${fmt((100 * pct(raw, 50)) / p50)}%`,
  );
}

async function benchDrain(faults: boolean): Promise<void> {
  const db = await freshDatabase();
  const h = await startHarness(db);
  try {
    const e = h.emu.emulator;
    const n = 500;
    const chats = Array.from({ length: 100 }, (_, i) => `oc_bench_${i}`);
    for (const c of chats) e.ensureGroupChat(c, ['ou_member']);
    const messages: OutgoingMessage[] = Array.from({ length: n }, (_, i) => {
      const chat = chats[i % chats.length]!;
      return { key: `bench:${faults}:${i}`, purpose: 'bench', op: 'send', receiveIdType: 'chat_id', receiveId: chat, rateKey: `chat:${chat}`, msgType: 'text', content: { text: `m${i}` } };
    });
    await enqueueMessages(db.db, messages, Date.now());
    if (faults) e.setFaults({ errorRate: 0.02, rateLimitRate: 0.02, timeoutRate: 0.01, hangMs: 300, hangOutcome: 'answer' });
    const t0 = performance.now();
    while (e.state.messages.length < n && performance.now() - t0 < 120_000) {
      await h.container.sender.drain();
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    // 50/s per app (500 messages stay under 1000/min): the first 50 go at once, each further 50 a second later.
    const floor = Math.ceil(n / 50) - 1;
    const texts = e.state.messages.map((m) => (m.content as { text: string }).text);
    const distinct = new Set(texts).size;
    console.log(
      `(c) drain ${n} messages to ${chats.length} chats${faults ? ' with 5% faults' : ''}: ${fmt(seconds, 2)} s vs floor ${fmt(floor, 2)} s = ${fmt((100 * floor) / seconds)}% of the allowed rate; ` +
        `lost ${n - distinct}, duplicated ${texts.length - distinct}, limit violations ${e.state.violations.length}, peak app ${e.peakRate('app:message')}/s`,
    );
  } finally {
    await h.close();
    await db.destroy();
  }
}

const url = await pickDatabase();
process.env.TEST_DATABASE_URL = url;
console.log(`database: ${url === 'sqlite' ? 'embedded SQLite (MySQL not reachable)' : 'MySQL'}`);
const db = await freshDatabase();
const h = await startHarness(db);
try {
  await benchHttpPath(h);
  await benchCallback(h, db);
} finally {
  await h.close();
  await db.destroy();
}
await benchDrain(false);
await benchDrain(true);
process.exit(0);
