/**
 * The load generator of benchmark (b), run as its own process so that its work (signing, encrypting, the HTTP
 * client, JSON) never shares an event loop with the bot it measures. Configured by one JSON argument (LoadConfig);
 * prints progress on stderr and one JSON result (LoadResult) as the last line of stdout.
 *
 * - Every callback body is built before anything is timed, by the emulator's own sender (`createLarkSender`, its
 *   fetch replaced by a recorder): a card.action.trigger with a fresh event id, AES-encrypted and signed.
 * - The baseline ("raw") is the statements the callback makes, straight through the driver (bench/raw-statements.ts),
 *   issued from this process as the callbacks are.
 * - Every side is driven by the same code: an open-loop schedule at a fixed rate (the latency of each request from
 *   its start to its answer), then a closed loop with a fixed number in flight (throughput at saturation). Fixed-rate
 *   blocks and saturation rounds alternate between the sides, so that a drift of the machine falls on all alike.
 */
import { Agent, request } from 'node:http';
import { createLarkSender, judgeCardAnswer, type BotReply } from '../src/emulator/lark-sender';
import { clickOf, openRawStatements, type CallbackContext } from './raw-statements';

export interface LoadConfig extends CallbackContext {
  /** The bot's callback URL. */
  callbackUrl: string;
  /** References on the bot's server stack: a bare "200 OK" route, and a route that makes the raw statements. */
  bareUrl?: string;
  statementsUrl?: string;
  verificationToken: string;
  encryptKey: string;
  appId: string;
  messageId: string;
  chatId: string;
  /** Fixed-rate run: requests per second, for `seconds` one-second blocks per side. */
  rate: number;
  seconds: number;
  /** Saturation: requests in flight, and seconds per side in all (split into rounds). */
  concurrency: number;
  saturationSeconds: number;
  rounds: number;
  /** Requests per side before anything is measured. */
  warmup: number;
  /** Profiling aid: only saturate the bot with callbacks for `saturationSeconds`, measure nothing else. */
  callbacksOnly?: boolean;
}

export interface Latencies {
  n: number;
  achievedPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  /** The statements of one callback, as the bot's dialect compiles them. */
  statements: string[];
  fixed: { full: Latencies; raw: Latencies };
  /** Completed per second with `concurrency` in flight over all rounds, and each round's ratio to raw. */
  saturation: {
    full: number;
    raw: number;
    statements?: number;
    bare?: number;
    fullRounds: number[];
    statementsRounds: number[];
  };
  /** Callback answers that were not a 200 with a card (must be 0). */
  failures: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const log = (msg: string) => process.stderr.write(`[callback-load] ${msg}\n`);

// ── the callbacks, built and signed before the clock starts ──────────────────────────────────────

interface Prepared {
  body: string;
  headers: Record<string, string>;
}

async function prepareCallbacks(n: number): Promise<Prepared[]> {
  const out: Prepared[] = [];
  const sender = createLarkSender({
    eventUrl: config.callbackUrl,
    verificationToken: config.verificationToken,
    encryptKey: config.encryptKey,
    appId: config.appId,
    now: () => config.now,
    fetch: async (_url, init) => {
      const headers = init.headers as Record<string, string>;
      out.push({
        body: String(init.body),
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(String(init.body))) },
      });
      return new Response('{}', { status: 200 });
    },
  });
  for (let i = 0; i < n; i++) {
    await sender.cardAction({
      // Each click on a card of its own, as when many contacts each submit their form: a receipt is remembered per
      // card (attach_targets), and one card clicked 80,000 times would make its row the bottleneck.
      messageId: `${config.messageId}_${i}`,
      chatId: config.chatId,
      operator: config.operator,
      ...clickOf(config, i),
    });
  }
  return out;
}

// ── HTTP: node:http on keep-alive sockets, the lightest client at hand ─────────────────────────────

const agent = new Agent({ keepAlive: true, maxSockets: Math.max(config.concurrency, 64) });

function post(url: string, p: Prepared): Promise<BotReply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: p.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - started;
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: {}, body: text, text, ms });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(p.body);
  });
}

/** The answers, checked once the timing is over. */
const replies: BotReply[] = [];

/** How many answers were not what the Lark client takes as the new card (a 200 with a raw card). */
function failures(): number {
  let n = 0;
  for (const reply of replies) {
    let body: unknown = reply.text;
    try {
      body = JSON.parse(reply.text);
    } catch {
      // judged below
    }
    const verdict = judgeCardAnswer({ ...reply, body }, undefined);
    if (verdict.clientError !== undefined || verdict.card === undefined) {
      if (++n <= 3) log(`bad callback answer: ${reply.status} ${reply.text.slice(0, 200)}`);
    }
  }
  return n;
}

// ── the two ways of driving a side ───────────────────────────────────────────────────────────────

type Side = () => Promise<void>;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Starts one request every 1/rate s whatever the answers (open loop); returns the block's duration. */
async function fixedRate(n: number, side: Side, latencies: number[]): Promise<number> {
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / config.rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inFlight.push(side().then(() => void latencies.push(performance.now() - t0)));
  }
  await Promise.all(inFlight);
  return performance.now() - start;
}

function summary(latencies: number[], ms: number): Latencies {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    n: s.length,
    achievedPerSecond: s.length / (ms / 1000),
    p50: pct(s, 50),
    p90: pct(s, 90),
    p99: pct(s, 99),
    max: s.at(-1) ?? NaN,
  };
}

interface Count {
  done: number;
  ms: number;
}

/** Completed requests with `concurrency` always in flight (closed loop), for `ms` or `limit` requests. */
async function saturate(ms: number, side: Side, limit = Number.MAX_SAFE_INTEGER): Promise<Count> {
  let started = 0;
  let done = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: config.concurrency }, async () => {
      while (performance.now() < end && started < limit) {
        started++;
        await side();
        done++;
      }
    }),
  );
  return { done, ms: performance.now() - start };
}

const rate = (c: Count) => c.done / (c.ms / 1000);

// ── the run ──────────────────────────────────────────────────────────────────────────────────────

// Enough bodies for the saturation rounds at up to 8000 callbacks/s; a round stops early if they run out.
const saturationBudget = Math.ceil(8_000 * config.saturationSeconds);
const t0 = performance.now();
const bodies = await prepareCallbacks(config.warmup + config.rate * config.seconds + saturationBudget);
log(`${bodies.length} callbacks built and signed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
let cursor = 0;
const left = () => bodies.length - cursor;
const callback: Side = async () => {
  const body = bodies[cursor++];
  if (!body) throw new Error('callback-load: out of prepared bodies');
  replies.push(await post(config.callbackUrl, body));
};
const raw = await openRawStatements(config);
const sample = bodies[0]!;
const statementsRoute: Side | undefined = config.statementsUrl
  ? async () => void (await post(config.statementsUrl!, sample))
  : undefined;
const bareRoute: Side | undefined = config.bareUrl ? async () => void (await post(config.bareUrl!, sample)) : undefined;

// Warm every side (JIT, connection pools, sockets) at the saturation concurrency.
await saturate(60_000, callback, config.warmup);
if (config.callbacksOnly) {
  const r = await saturate(config.saturationSeconds * 1000, callback, left());
  log(`${rate(r).toFixed(0)} callbacks/s`);
  process.exit(0);
}
await saturate(60_000, raw.run, config.warmup);
if (statementsRoute) await saturate(60_000, statementsRoute, config.warmup);
if (bareRoute) await saturate(60_000, bareRoute, config.warmup);

// Fixed rate, in one-second blocks taken in turn: callbacks, statements, callbacks, …
const fullLatencies: number[] = [];
const rawLatencies: number[] = [];
let fullMs = 0;
let rawMs = 0;
for (let s = 0; s < config.seconds; s++) {
  fullMs += await fixedRate(config.rate, callback, fullLatencies);
  rawMs += await fixedRate(config.rate, raw.run, rawLatencies);
}
const fullFixed = summary(fullLatencies, fullMs);
const rawFixed = summary(rawLatencies, rawMs);
log(`fixed rate done: callbacks p50 ${fullFixed.p50.toFixed(2)} ms, raw statements p50 ${rawFixed.p50.toFixed(2)} ms`);

// Saturation rounds; the order of the sides turns from one round to the next.
const perRound = (config.saturationSeconds * 1000) / config.rounds;
const sides: Array<{ name: 'full' | 'raw' | 'statements'; run: () => Promise<Count>; total: Count; rounds: number[] }> =
  [
    { name: 'full', run: () => saturate(perRound, callback, left()), total: { done: 0, ms: 0 }, rounds: [] },
    { name: 'raw', run: () => saturate(perRound, raw.run), total: { done: 0, ms: 0 }, rounds: [] },
    ...(statementsRoute
      ? [
          {
            name: 'statements' as const,
            run: () => saturate(perRound, statementsRoute),
            total: { done: 0, ms: 0 },
            rounds: [],
          },
        ]
      : []),
  ];
for (let r = 0; r < config.rounds; r++) {
  const got = new Map<string, Count>();
  for (let i = 0; i < sides.length; i++) {
    const side = sides[(r + i) % sides.length]!;
    const c = await side.run();
    got.set(side.name, c);
    side.total.done += c.done;
    side.total.ms += c.ms;
  }
  for (const side of sides) side.rounds.push(rate(got.get(side.name)!) / rate(got.get('raw')!));
}
const bare = bareRoute ? rate(await saturate(perRound, bareRoute)) : undefined;
await raw.close();
agent.destroy();

const [full, rawSide, statementsSide] = sides;
const result: LoadResult = {
  statements: raw.statements,
  fixed: { full: fullFixed, raw: rawFixed },
  saturation: {
    full: rate(full!.total),
    raw: rate(rawSide!.total),
    statements: statementsSide ? rate(statementsSide.total) : undefined,
    bare,
    fullRounds: full!.rounds,
    statementsRounds: statementsSide?.rounds ?? [],
  },
  failures: failures(),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
