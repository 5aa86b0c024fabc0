/**
 * The bot's side of benchmark (b): seeds a card to click, starts the reference routes, runs the load generator
 * (bench/callback-load.ts) in a process of its own and reads its result. Used by bench/run.ts and by
 * bench/profile-callback.ts.
 */
import { spawn } from 'node:child_process';
import { tracingChannel } from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { format } from 'mysql2';
import { parseDatabaseUrl } from '../src/platform/db';
import type { TestDatabase } from '../test/support/database';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, type Harness } from '../test/support/harness';
import type { LoadConfig, LoadResult } from './callback-load';
import { callbackStatements, openRawStatements, type CallbackContext } from './raw-statements';

/** The connection pool of the bot's database in these benchmarks (test/support/database.ts). */
const POOL_SIZE = 20;
const TSX_CLI = 'node_modules/.bin/tsx';

/**
 * References on the bot's server stack (@hono/node-server, Hono): a bare "200 OK" route, and a route that reads
 * the body and makes the callback's statements straight through the driver, with nothing else: the floor of any
 * callback path that answers over HTTP.
 */
async function referenceServer(ctx: CallbackContext): Promise<{ bareUrl: string; statementsUrl: string; close: () => Promise<void> }> {
  const raw = await openRawStatements(ctx);
  const app = new Hono();
  app.post('/ok', (c) => c.text('OK'));
  app.post('/statements', async (c) => {
    await c.req.arrayBuffer();
    await raw.run();
    return c.json({});
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    bareUrl: `${base}/ok`,
    statementsUrl: `${base}/statements`,
    close: async () => {
      server.close();
      await raw.close();
    },
  };
}

/**
 * What the bot really sends for a callback (MySQL only): a few callbacks, untimed, while listening on mysql2's
 * query channel in this process (the bot's pool is the only one at work then). Each statement is matched against
 * the baseline's: the same SQL text once the observed values are put in, in the same order. Anything else (say, a
 * cache refilled) makes the check fail and is reported.
 */
async function observeCallbackStatements(h: Harness, ctx: CallbackContext, messageId: string, n = 20): Promise<{ perCallback: number; sameAsBaseline: boolean } | undefined> {
  if (parseDatabaseUrl(ctx.databaseUrl).dialect !== 'mysql') return undefined;
  const baseline = await callbackStatements('mysql', ctx, '?');
  // One callback first: what is cached (the competition, re-read every 30 s) is then in place, as in the timed run.
  await h.lark.cardAction({ messageId, operator: ctx.operator, value: { a: 'help.show' } });
  const seen: Array<{ query: string; values: unknown }> = [];
  const channel = tracingChannel<object, { query: string; values: unknown }>('mysql2:query');
  const ignore = () => {};
  const subscribers = { start: (m: { query: string; values: unknown }) => void seen.push({ query: m.query, values: m.values }), end: ignore, asyncStart: ignore, asyncEnd: ignore, error: ignore };
  channel.subscribe(subscribers);
  try {
    for (let i = 0; i < n; i++) await h.lark.cardAction({ messageId, operator: ctx.operator, value: { a: 'help.show' } });
  } finally {
    channel.unsubscribe(subscribers);
  }
  const sameAsBaseline =
    seen.length === n * baseline.length &&
    seen.every((s, i) => s.query === format(baseline[i % baseline.length]!.sql, s.values as Parameters<typeof format>[1]));
  return { perCallback: seen.length / n, sameAsBaseline };
}

export const DEFAULT_LOAD = { rate: 200, seconds: 5, concurrency: 16, saturationSeconds: 4.5, rounds: 3, warmup: 500 };

export interface CallbackRun {
  config: LoadConfig;
  /** Undefined when `callbacksOnly` (the load generator then only saturates the bot). */
  result: LoadResult | undefined;
  /** This process's CPU time (the bot's, and the reference routes') per callback that was claimed meanwhile. */
  cpuPerCallbackUs: number;
  /** Statements the bot sent per callback, and whether they were the baseline's (MySQL only). */
  observed: { perCallback: number; sameAsBaseline: boolean } | undefined;
}

export async function runCallbackLoad(h: Harness, db: TestDatabase, load: Partial<typeof DEFAULT_LOAD> & { callbacksOnly?: boolean } = {}): Promise<CallbackRun> {
  // The card the callbacks click: the welcome card of a one-to-one chat.
  await h.lark.p2pChatEntered({ operator: 'ou_cb' });
  await h.settle();
  const welcome = h.emu.emulator.state.messages.at(-1)!;
  const ctx: CallbackContext = {
    databaseUrl: db.url,
    poolSize: POOL_SIZE,
    now: h.container.clock.now(),
    competitionId: h.container.competitionId,
    operator: 'ou_cb',
    admins: [...h.container.config.BOT_ADMINS],
  };
  const observed = await observeCallbackStatements(h, ctx, welcome.messageId);
  const refs = await referenceServer(ctx);
  const config: LoadConfig = {
    ...ctx,
    ...DEFAULT_LOAD,
    ...load,
    callbackUrl: `${h.botUrl}/lark/events`,
    bareUrl: refs.bareUrl,
    statementsUrl: refs.statementsUrl,
    verificationToken: VERIFICATION_TOKEN,
    encryptKey: ENCRYPT_KEY,
    appId: h.container.config.LARK_APP_ID!,
    messageId: welcome.messageId,
    chatId: welcome.chatId,
  };
  const claims = async () => Number((await db.db.selectFrom('receipts').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'card_action').executeTakeFirstOrThrow()).n);
  const claimsBefore = await claims();
  const cpuBefore = process.cpuUsage();
  // The load generator is a process of its own: its signing, encryption and HTTP client never share the bot's loop.
  const child = spawn(process.execPath, [TSX_CLI, 'bench/callback-load.ts', JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerCallbackUs = (cpu.user + cpu.system) / Math.max(1, (await claims()) - claimsBefore);
  await refs.close();
  if (code !== 0) throw new Error(`callback load generator failed (exit ${code}): ${out.slice(-500)}`);
  if (config.callbacksOnly) return { config, result: undefined, cpuPerCallbackUs, observed };
  const last = out.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`callback load generator printed no result: ${out.slice(-500)}`);
  const result = JSON.parse(last) as LoadResult;
  if (result.failures > 0) throw new Error(`${result.failures} callbacks were not answered with a card`);
  return { config, result, cpuPerCallbackUs, observed };
}
