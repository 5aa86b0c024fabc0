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
import { createProject } from '../src/core/projects.repository';
import { grantRole } from '../test/support/people';
import { at } from '../test/support/fixtures';
import {
  callbackStatements,
  openRawStatements,
  type BenchProject,
  type CallbackContext,
  type CallbackKind,
  clickOf,
} from './raw-statements';

/** The connection pool of the bot's database in these benchmarks (test/support/database.ts). */
const POOL_SIZE = 20;
const TSX_CLI = 'node_modules/.bin/tsx';

/**
 * References on the bot's server stack (@hono/node-server, Hono): a bare "200 OK" route, and a route that reads
 * the body and makes the callback's statements straight through the driver, with nothing else: the floor of any
 * callback path that answers over HTTP.
 */
async function referenceServer(
  ctx: CallbackContext,
): Promise<{ bareUrl: string; statementsUrl: string; close: () => Promise<void> }> {
  const raw = await openRawStatements(ctx, 10_000_000);
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
async function observeCallbackStatements(
  h: Harness,
  ctx: CallbackContext,
  messageId: string,
  n = 20,
): Promise<{ perCallback: number; sameAsBaseline: boolean } | undefined> {
  if (parseDatabaseUrl(ctx.databaseUrl).dialect !== 'mysql') return undefined;
  const baseline = await callbackStatements('mysql', ctx);
  const click = (i: number) => h.lark.cardAction({ messageId, operator: ctx.operator, ...clickOf(ctx, i) });
  // One callback first: what is cached (the competition, re-read every 30 s) is then in place, as in the timed run.
  await click(0);
  const seen: Array<{ query: string; values: unknown }> = [];
  const channel = tracingChannel<object, { query: string; values: unknown }>('mysql2:query');
  const ignore = () => {};
  const subscribers = {
    start: (m: { query: string; values: unknown }) => void seen.push({ query: m.query, values: m.values }),
    end: ignore,
    asyncStart: ignore,
    asyncEnd: ignore,
    error: ignore,
  };
  channel.subscribe(subscribers);
  try {
    for (let i = 1; i <= n; i++) await click(i);
  } finally {
    channel.unsubscribe(subscribers);
  }
  const sameAsBaseline =
    seen.length === n * baseline.length &&
    seen.every(
      (s, i) => s.query === format(baseline[i % baseline.length]!.sql, s.values as Parameters<typeof format>[1]),
    );
  return { perCallback: seen.length / n, sameAsBaseline };
}

export const DEFAULT_LOAD = { rate: 200, seconds: 5, concurrency: 16, saturationSeconds: 10, rounds: 5, warmup: 500 };

export interface CallbackRun {
  config: LoadConfig;
  /** Undefined when `callbacksOnly` (the load generator then only saturates the bot). */
  result: LoadResult | undefined;
  /** This process's CPU time (the bot's, and the reference routes') per callback that was claimed meanwhile. */
  cpuPerCallbackUs: number;
  /** Statements the bot sent per callback, and whether they were the baseline's (MySQL only). */
  observed: { perCallback: number; sameAsBaseline: boolean } | undefined;
}

/** Projects per side for the report callbacks: well above the 16 in flight (see CallbackContext.botProjects). */
const PROJECTS_PER_SIDE = 64;
const OPERATOR = 'ou_cb';
/** A day the 2024 competition takes May's progress reports, on time. */
const REPORTING_DAY = '2024-05-10 10:00:00';
const REPORT_FORM = {
  period: '2024-05',
  work_done: '完成流程梳理，开始试点',
  results: '办结 120 件，提升 15%',
  completion: '40',
  evidence: 'https://example.com/a',
  problems: '',
};

/** A contact of unit HP with 2 x 64 projects in track T02, registered in the window: half for the bot, half for the baseline. */
async function seedReporting(
  db: TestDatabase,
  competitionId: string,
): Promise<{ bot: BenchProject[]; raw: BenchProject[] }> {
  await grantRole(db, OPERATOR, 'contact', 'HP', competitionId);
  const projects: BenchProject[] = [];
  for (let i = 0; i < 2 * PROJECTS_PER_SIDE; i++) {
    const r = await createProject(db.db, {
      competitionId,
      codePrefix: '2024',
      unit: 'HP',
      track: 'T02',
      limit: 10 * PROJECTS_PER_SIDE,
      actor: 'bench',
      now: at('2024-04-01 10:00:00'),
      fields: { name: `基准项目${i}`, lead: '负责人', summary: '简介', goals: '目标', phone: '' },
    });
    if (r.kind !== 'created') throw new Error(`bench: could not register project ${i}: ${r.kind}`);
    projects.push({ id: r.project.id, code: r.project.code });
  }
  return { bot: projects.slice(0, PROJECTS_PER_SIDE), raw: projects.slice(PROJECTS_PER_SIDE) };
}

/** Seeded once per database: the runs of both kinds in one process share the contact and the projects. */
const seeded = new WeakMap<TestDatabase, Promise<{ bot: BenchProject[]; raw: BenchProject[] }>>();

export async function runCallbackLoad(
  h: Harness,
  db: TestDatabase,
  kind: CallbackKind,
  load: Partial<typeof DEFAULT_LOAD> & { callbacksOnly?: boolean } = {},
): Promise<CallbackRun> {
  h.container.clock.set(at(REPORTING_DAY));
  const competitionId = h.container.competitionId;
  if (!seeded.has(db)) seeded.set(db, seedReporting(db, competitionId));
  const projects = await seeded.get(db)!;
  // The card the callbacks click: the welcome card of a one-to-one chat.
  await h.lark.p2pChatEntered({ operator: OPERATOR });
  await h.settle();
  const welcome = h.emu.emulator.state.messages.at(-1)!;
  const ctx: CallbackContext = {
    databaseUrl: db.url,
    poolSize: POOL_SIZE,
    now: h.container.clock.now(),
    competitionId,
    operator: OPERATOR,
    admins: [...h.container.config.BOT_ADMINS],
    kind,
    period: REPORT_FORM.period,
    form: REPORT_FORM,
    botProjects: projects.bot,
    rawProjects: projects.raw,
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
  const claims = async () =>
    Number(
      (
        await db.db
          .selectFrom('receipts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'card_action')
          .executeTakeFirstOrThrow()
      ).n,
    );
  const claimsBefore = await claims();
  const cpuBefore = process.cpuUsage();
  // The load generator is a process of its own: its signing, encryption and HTTP client never share the bot's loop.
  const child = spawn(process.execPath, [TSX_CLI, 'bench/callback-load.ts', JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
