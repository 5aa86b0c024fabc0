/**
 * Benchmarks of the Lark edge, each printed as a ratio to a baseline measured in the same run:
 *  (a) HTTP path: a signed, encrypted duplicate event (verified, decrypted, parsed, claimed: no write) vs a bare Hono
 *      "200 OK" route on the same server stack;
 *  (b) card-callback round trip vs the same database statements issued directly through the driver (mysql2 or
 *      better-sqlite3), for a progress report submitted through its form (verified, decrypted, claimed, authorised,
 *      validated, stored: the round trip the goal is set for) and, for reference, a help button that stores nothing
 *      (bench/raw-statements.ts): p50/p99 latency at a fixed 200 requests/s, and
 *      throughput at saturation with the same number in flight. The load comes from a separate process
 *      (bench/callback-load.ts) that signs and encrypts every callback before the clock starts and also issues the
 *      baseline's statements (bench/raw-statements.ts); for reference, the floor of any HTTP callback path (a route
 *      that only makes the same statements) and a bare "200 OK" on the same server stack;
 *  (c) outbox drain of N messages through the real SDK into the emulator: achieved rate as a share of Lark's allowed
 *      rate, lost and duplicated counts, without and with 5% injected faults;
 *  (d) reminder fan-out (bench/fanout.ts): 10,000 reminder cards from one tick, drained against the limits with 5%
 *      faults, as a ratio of the rate-limit floor of the sends, and of all the attempts the windows had to hold;
 *  (e) rankings (bench/ranking.ts): time per track ranking with the bootstrap, against one plain pass;
 *  (f) summary cards (bench/summaries.ts): rendering time against serialising the card, and sizes against 30 KB.
 *  (g) replies during a reminder step (bench/priority.ts): command replies at 5/s while 2,000 reminders drain at
 *      Lark's limits, p99 against the same replies with an empty outbox; the step's time against the rate-limit floor;
 *  (h) failover (bench/failover.ts): SIGKILL of the drainer to the next send by another, and to a dead server's
 *      acknowledged events finished elsewhere, over three trials, against the leases' TTLs.
 *  (i) 100× scale (bench/scale.ts): a province-size competition on a fresh database; the minute tick, the reminder
 *      fan-out, the office's views, ranking and a track's export, each against a floor measured in the same run.
 * Runs on MySQL when it is reachable (BENCH_DATABASE_URL, default the CI test user), else on SQLite.
 */
import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { enqueueMessages, type OutgoingMessage } from '../src/lark/outbox.repository';
import { freshDatabase, type TestDatabase } from '../test/support/database';
import { startHarness, type Harness } from '../test/support/harness';
import { runCallbackLoad } from './callback-bench';
import { useBenchDatabase } from './support';
import type { CallbackKind } from './raw-statements';

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
  // node:http on keep-alive sockets rather than fetch: in one process, undici drops a connection whose answer comes
  // back before its own body writer has finished (a "reset"), so the faster the server, the more new connections.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const post = (url: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } },
        (res) => {
          res.on('data', () => {});
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode} from ${url}`)),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await throughput(() => post(bareUrl), 500);
  await throughput(() => post(botUrl), 500);
  const bareRps = await throughput(() => post(bareUrl), 3_000);
  const botRps = await throughput(() => post(botUrl), 3_000);
  server.close();
  agent.destroy();
  console.log(
    `(a) HTTP path, signed+encrypted duplicate event: ${fmt(botRps, 0)} req/s vs bare Hono ${fmt(bareRps, 0)} req/s = ${fmt((100 * botRps) / bareRps)}% of bare`,
  );
}

async function benchCallback(h: Harness, db: TestDatabase, kind: CallbackKind): Promise<void> {
  const { config, result, observed } = await runCallbackLoad(h, db, kind);
  const r = result!;
  const { full, raw } = r.fixed;
  const sat = r.saturation;
  // The goals are set for MySQL and for the round trip the issue names (claimed, validated, stored): the report. On
  // SQLite the baseline is an in-process library call, not a network round trip; the help button is a reference.
  const goals = db.dialect === 'mysql' && kind === 'report';
  const tag = kind === 'report' ? '(b)' : '(b, reference)';
  const pctOf = (x: number) => `${fmt((100 * x) / sat.raw)}% of raw`;
  const rounds = (xs: number[]) => xs.map((x) => fmt(100 * x, 0)).join('/');
  const counted =
    observed === undefined
      ? ''
      : `; the bot sent ${fmt(observed.perCallback, 2)} per callback, ${observed.sameAsBaseline ? 'the same SQL' : 'NOT the same SQL'}`;
  const what =
    kind === 'report'
      ? 'progress report submitted through its form (verified, decrypted, claimed, authorised, validated, stored in a transaction, answered with a card)'
      : 'help button (verified, decrypted, claimed, authorised, answered with a card; nothing stored)';
  console.log(
    `${tag} ${what} vs its ${r.statements.length} statements straight through the driver (${db.dialect}${counted}); load from a separate process:`,
  );
  console.log(
    `${tag} at ${config.rate}/s in ${config.seconds} one-second blocks each, in turn: callbacks achieved ${fmt(full.achievedPerSecond, 0)}/s, p50 ${fmt(full.p50, 2)} ms, p99 ${fmt(full.p99, 2)} ms` +
      (goals ? ` (goal p99 < 50 ms: ${full.p99 < 50 ? 'met' : 'MISSED'})` : '') +
      `; raw statements p50 ${fmt(raw.p50, 2)} ms, p99 ${fmt(raw.p99, 2)} ms; full/raw p50 ${fmt(full.p50 / raw.p50)}x, p99 ${fmt(full.p99 / raw.p99)}x`,
  );
  console.log(
    `${tag} saturation, ${config.concurrency} in flight, ${config.rounds} rounds of ${fmt(config.saturationSeconds / config.rounds)} s per side: callbacks ${fmt(sat.full, 0)}/s vs raw statement sets ${fmt(sat.raw, 0)}/s = ` +
      `${pctOf(sat.full)} (${goals ? `goal 50%: ${sat.full >= sat.raw / 2 ? 'met' : 'MISSED'}; ` : ''}rounds ${rounds(sat.fullRounds)}%)` +
      (sat.statements === undefined
        ? ''
        : `; floor, an HTTP route making the same statements ${fmt(sat.statements, 0)}/s = ${pctOf(sat.statements)} (rounds ${rounds(sat.statementsRounds)}%)`) +
      (sat.bare === undefined ? '' : `; bare Hono 200 OK ${fmt(sat.bare, 0)}/s`),
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
      return {
        key: `bench:${faults}:${i}`,
        purpose: 'bench',
        op: 'send',
        receiveIdType: 'chat_id',
        receiveId: chat,
        rateKey: `chat:${chat}`,
        msgType: 'text',
        content: { text: `m${i}` },
      };
    });
    await enqueueMessages(db.db, messages, Date.now());
    if (faults)
      e.setFaults({ errorRate: 0.02, rateLimitRate: 0.02, timeoutRate: 0.01, hangMs: 300, hangOutcome: 'answer' });
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

// `npm run bench` runs them all; `npm run bench -- b` (or `a c`, …) only those named.
const only = process.argv.slice(2);
const wanted = (name: 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i') => only.length === 0 || only.includes(name);

/** The benchmarks that are scripts of their own, run as child processes with their output passed through. */
function script(file: string, args: string[] = []): void {
  const r = spawnSync(process.execPath, ['node_modules/.bin/tsx', file, ...args], {
    stdio: 'inherit',
    env: process.env,
  });
  if (r.status !== 0) console.log(`${file} failed (exit ${r.status})`);
}
const url = await useBenchDatabase();
console.log(`database: ${url === 'sqlite' ? 'embedded SQLite (MySQL not reachable)' : 'MySQL'}`);
if (wanted('a') || wanted('b')) {
  // A file when on SQLite, so that the load generator's process can open the same database for the raw baseline.
  const db = await freshDatabase({ shared: true });
  const h = await startHarness(db);
  try {
    if (wanted('a')) await benchHttpPath(h);
    if (wanted('b')) {
      await benchCallback(h, db, 'report');
      await benchCallback(h, db, 'help');
    }
  } finally {
    await h.close();
    await db.destroy();
  }
}
if (wanted('c')) {
  await benchDrain(false);
  await benchDrain(true);
}
// (d) reminder fan-out: 10,000 cards planned by the tick, drained against Lark's limits with 5% faults.
if (wanted('d')) script('bench/fanout.ts');
// (e) rankings: 10 tracks x 1,000 projects x 7 judges with the bootstrap.
if (wanted('e')) script('bench/ranking.ts');
// (f) summary cards for 10 tracks x 1,000 projects: time per card against serialising it, sizes against 30 KB.
if (wanted('f')) script('bench/summaries.ts');
// (g) replies at 5/s during a 2,000-reminder step at the limits (time compressed 5x, about 40 s).
if (wanted('g')) script('bench/priority.ts');
// (h) failover of the drain and of acknowledged events, three trials each (about a minute).
if (wanted('h')) script('bench/failover.ts');
// (i) 100× scale: a province (2,000 units, 40,000 projects, a year of reports) seeded afresh; the minute tick at a
// reminder step, its fan-out, the office's views, ranking every track and a track's export (bench/scale.ts).
if (wanted('i')) script('bench/scale.ts');
process.exit(0);
