/**
 * A separate bot process that only drains the outbox: tests kill it with SIGKILL midway to prove that a crash loses
 * nothing and sends nothing twice. Configured through the environment: DATABASE_URL, LARK_DOMAIN, LARK_APP_ID,
 * LARK_APP_SECRET, OWNER, and optionally APP (the outbox app it drains) and POLL_MS (how often it tries the drain
 * lease when it has nothing to do or another holds it; default 50, the Node entry's maintain is 1,000). With
 * LOG_SENDS=1 it prints `sent <epoch ms>` for every message Lark accepted from it, so that a test can tell its sends
 * from another process's.
 */
import { SdkLarkApi } from '../../src/lark/client';
import { OutboxSender } from '../../src/lark/outbox.sender';
import { openNodeDatabase } from '../../src/platform/db-node';
import { createLogger } from '../../src/platform/logger';

const env = process.env;
const logger = createLogger('warn');
const database = await openNodeDatabase(env.DATABASE_URL!);
const api = new SdkLarkApi({
  appId: env.LARK_APP_ID!,
  appSecret: env.LARK_APP_SECRET!,
  domain: env.LARK_DOMAIN!,
  logger,
  timeoutMs: 1_000,
});
if (env.LOG_SENDS === '1') {
  const send = api.send.bind(api);
  api.send = async (req) => {
    const r = await send(req);
    console.log(`sent ${Date.now()}`);
    return r;
  };
}
const sender = new OutboxSender(database.db, api, logger, {
  owner: env.OWNER ?? 'child',
  app: env.APP ?? 'default',
  baseBackoffMs: 50,
  maxBackoffMs: 400,
  leaseMs: 3_000,
  maxAttempts: 50,
});
console.log('draining');
for (;;) {
  const r = await sender.drain();
  console.log(JSON.stringify(r));
  await new Promise((res) => setTimeout(res, Number(env.POLL_MS ?? 50)));
}
