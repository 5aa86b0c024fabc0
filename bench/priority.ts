/**
 * (g) Replies during a reminder step: 2,000 reminder cards (priority 2) are queued at once and drained at Lark's
 * limits while command replies (priority 0, op 'reply' to a message the person sent) arrive at a steady REPLY_RATE
 * per second, each enqueued and the drain woken as services.enqueue does, with the Node entry's maintain every second
 * beside it. Everything goes through the real SDK into the emulator, which enforces the app's 50/s and 1,000/min and
 * 5/s per user. Printed: the replies' p50/p99 from enqueue to Lark's record, against the floor measured in the same run
 * (the same replies with an empty outbox); and the step's drain time against the rate-limit floor of its 2,000 sends
 * and of all the sends the windows had to hold (the replies too).
 *
 * Time is compressed as in bench/fanout.ts: sender and emulator share a clock SPEED times faster than the wall clock
 * (the step lasts minutes at the limits); database and network latency are stretched by the same factor, which only
 * makes the absolute figures pessimistic (the ratio to the floor is measured under the same compression).
 * Run: `npx tsx bench/priority.ts [bulk] [speed] [replies per second]` (default 2000 5 5). MySQL when reachable.
 */
import { startEmulatorServer } from '../src/emulator/server';
import { SdkLarkApi } from '../src/lark/client';
import { enqueueMessages, type OutgoingMessage } from '../src/lark/outbox.repository';
import { OutboxSender } from '../src/lark/outbox.sender';
import { silentLogger } from '../src/platform/logger';
import { freshDatabase } from '../test/support/database';
import { floorSeconds, useBenchDatabase } from './support';

const BULK = Number(process.argv[2] ?? 2_000);
const SPEED = Number(process.argv[3] ?? 5);
const REPLY_RATE = Number(process.argv[4] ?? 5);

await useBenchDatabase();

const t0 = Date.now();
const clock = {
  now: () => t0 + (Date.now() - t0) * SPEED,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms / SPEED)),
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};

const db = await freshDatabase();
const emu = await startEmulatorServer({
  appId: 'cli_priority',
  appSecret: 'secret',
  now: clock.now,
  tokenTtlSeconds: 30 * 86_400,
});
const e = emu.emulator;
const api = new SdkLarkApi({
  appId: 'cli_priority',
  appSecret: 'secret',
  domain: emu.url,
  logger: silentLogger,
  timeoutMs: 2_000,
});
const sender = new OutboxSender(db.db, api, silentLogger, { owner: 'srv-bench', time: clock });

let replies = 0;
/** Enqueues one reply (as a command handler does) and wakes the drain; resolves with its id. */
async function reply(): Promise<{ tag: string; at: number }> {
  const tag = `reply-${++replies}`;
  const chat = e.p2pChat(`ou_asker_${tag}`);
  e.recordInbound({
    messageId: `om_${tag}`,
    chatId: chat.chatId,
    chatType: 'p2p',
    senderOpenId: `ou_asker_${tag}`,
    msgType: 'text',
    content: { text: '帮助' },
  });
  const m: OutgoingMessage = {
    key: `reply:${tag}`,
    purpose: 'help',
    op: 'reply',
    receiveIdType: 'message_id',
    receiveId: `om_${tag}`,
    rateKey: `user:ou_asker_${tag}`,
    msgType: 'text',
    content: { text: tag },
  };
  const at = clock.now();
  await enqueueMessages(db.db, [m], at);
  void sender.drain(20_000).catch(() => undefined);
  return { tag, at };
}

/** Replies at REPLY_RATE per second until `stop()` says so; their latencies (virtual ms), enqueue → Lark's record. */
async function replyLoad(stop: () => boolean): Promise<number[]> {
  const sent: { tag: string; at: number }[] = [];
  const start = clock.now();
  for (let i = 0; !stop(); i++) {
    const due = start + (i * 1000) / REPLY_RATE;
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait);
    sent.push(await reply());
  }
  const tags = new Set(sent.map((s) => s.tag));
  const byTag = new Map<string, number>();
  for (let k = 0; k < 600 && byTag.size < sent.length; k++) {
    for (const m of e.state.messages) {
      const text = (m.content as { text?: string }).text ?? '';
      if (tags.has(text)) byTag.set(text, m.createTime);
    }
    if (byTag.size < sent.length) await clock.sleep(100);
  }
  return sent.map((s) => (byTag.get(s.tag) ?? Number.NaN) - s.at);
}

/** The Node entry's maintain: a drain every second. */
function maintainLoop(stop: () => boolean): Promise<void> {
  return (async () => {
    while (!stop()) {
      await sender.drain(20_000);
      await clock.sleep(1_000);
    }
  })();
}

try {
  // Floor: the same replies with an empty outbox, for 10 (virtual) seconds.
  let floorDone = false;
  const floorMaintain = maintainLoop(() => floorDone);
  const floorStart = clock.now();
  const floor = await replyLoad(() => clock.now() - floorStart > 20_000);
  floorDone = true;
  await floorMaintain;

  // The step: BULK reminders at once, replies throughout, until the last reminder is sent.
  const reminders: OutgoingMessage[] = Array.from({ length: BULK }, (_, i) => ({
    key: `rem:${i}`,
    purpose: 'reminder',
    op: 'send',
    receiveIdType: 'open_id',
    receiveId: `ou_rem_${i}`,
    rateKey: `user:ou_rem_${i}`,
    msgType: 'text',
    content: { text: `reminder ${i}` },
  }));
  const before = e.state.messages.length;
  const stepStart = clock.now();
  await enqueueMessages(db.db, reminders, stepStart);
  void sender.drain(20_000).catch(() => undefined);
  const remindersSent = () => e.state.messages.filter((m) => m.receiverOpenId?.startsWith('ou_rem_')).length;
  let stepDone = false;
  const stepMaintain = maintainLoop(() => stepDone);
  const during = await replyLoad(() => remindersSent() >= BULK);
  const stepSeconds = (clock.now() - stepStart) / 1000;
  stepDone = true;
  await stepMaintain;

  const sendsInStep = e.state.messages.length - before;
  const texts = e.state.messages.map((m) => (m.content as { text?: string }).text ?? '');
  const distinct = new Set(texts).size;
  const lost = during.filter((x) => Number.isNaN(x)).length + floor.filter((x) => Number.isNaN(x)).length;
  const f99 = pct(floor, 99);
  const d99 = pct(during, 99);
  console.log(
    `database: ${db.dialect}; time compressed ${SPEED}x; replies ${REPLY_RATE}/s; bulk may use 90% of each app window`,
  );
  console.log(
    `(g) reply during a ${BULK}-reminder step: p50 ${pct(during, 50).toFixed(0)} ms, p99 ${d99.toFixed(0)} ms, max ${Math.max(...during).toFixed(0)} ms over ${during.length} replies ` +
      `vs the floor (empty outbox) p50 ${pct(floor, 50).toFixed(0)} ms, p99 ${f99.toFixed(0)} ms over ${floor.length} = ${(d99 / f99).toFixed(2)}x the floor's p99 ` +
      `(goal p99 < 2,000 ms: ${d99 < 2_000 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `(g) the step drained in ${stepSeconds.toFixed(1)} s (virtual) vs the rate-limit floor of its ${BULK} sends ${floorSeconds(BULK).toFixed(1)} s = ${(stepSeconds / floorSeconds(BULK)).toFixed(3)}x; ` +
      `vs the floor of all ${sendsInStep} sends in it (replies included) ${floorSeconds(sendsInStep).toFixed(1)} s = ${(stepSeconds / floorSeconds(sendsInStep)).toFixed(3)}x; ` +
      `lost ${lost}, duplicated ${texts.length - distinct}, violations ${e.state.violations.length}, peak ${e.peakRate('app:message')}/s, ` +
      `busiest minute ${e.peakRate('app:message', 60_000)}`,
  );
} finally {
  await sender.drain(0).catch(() => undefined); // the drain a last reply woke, before the database goes
  await emu.close();
  await db.destroy();
}
process.exit(0);
