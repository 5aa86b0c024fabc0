/**
 * The whole bot on a real port, its Open API calls going to the emulator through the real node-sdk, and Lark's
 * deliveries coming from the emulator's sender, signed and (optionally) encrypted exactly as Lark does.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/app';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { createLarkSender, type LarkSender } from '../../src/emulator/lark-sender';
import type { EmulatorOptions } from '../../src/emulator/emulator';
import { loadCompetition } from '../../src/competition/competition.service';
import type { CardActionSpec } from '../../src/lark/handlers';
import type { Defer } from '../../src/platform/defer';
import { testContainer, type TestContainer } from './container';
import type { TestDatabase } from './database';
import { competition2024 } from './fixtures';

export const VERIFICATION_TOKEN = 'vt-test-token';
export const ENCRYPT_KEY = 'ek-test-key';
export const OFFICE = 'ou_office_admin';

export interface Harness {
  emu: EmulatorServer;
  container: TestContainer;
  lark: LarkSender;
  botUrl: string;
  /** Waits for deferred work and the outbox to finish. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function startHarness(
  db: TestDatabase,
  options: {
    encrypt?: boolean;
    emulator?: EmulatorOptions;
    now?: number;
    callbackBudgetMs?: number;
    env?: Record<string, string>;
    cardActions?: readonly CardActionSpec<any>[];
    defer?: Defer;
  } = {},
): Promise<Harness> {
  const appId = `cli_test_${process.pid}_${++counter}`;
  const emu = await startEmulatorServer({
    appId,
    appSecret: 'secret',
    tokenTtlSeconds: 30 * 86_400,
    ...options.emulator,
  });
  const env: Record<string, string> = {
    LARK_APP_ID: appId,
    LARK_APP_SECRET: 'secret',
    LARK_DOMAIN: emu.url,
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    BOT_ADMINS: OFFICE,
    ...(options.encrypt === false ? {} : { LARK_ENCRYPT_KEY: ENCRYPT_KEY }),
    ...options.env,
  };
  const container = testContainer(db, env, options.now, {
    callbackBudgetMs: options.callbackBudgetMs,
    cardActions: options.cardActions,
    ...(options.defer ? { defer: options.defer } : {}),
    sender: { baseBackoffMs: 50, maxBackoffMs: 500 },
  });
  await loadCompetition(db.db, competition2024(), { dryRun: false, now: container.clock.now(), actor: 'test' });
  const app = createApp(container);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lark = createLarkSender({
    eventUrl: `${botUrl}/lark/events`,
    legacyCardUrl: `${botUrl}/lark/card`,
    verificationToken: VERIFICATION_TOKEN,
    encryptKey: options.encrypt === false ? undefined : ENCRYPT_KEY,
    emulator: emu.emulator,
    appId,
    // Signatures carry the bot's (test) time, so that freshness is judged on one clock.
    now: () => container.clock.now(),
  });
  const settle = async () => {
    for (let i = 0; i < 50; i++) {
      await container.defer.idle();
      const report = await container.sender.drain();
      await container.defer.idle();
      const pending = await db.db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'sending'])
        .execute();
      if (!pending.length && report.sent === 0 && report.retried === 0) return;
      if (pending.length) await new Promise((r) => setTimeout(r, 60));
    }
  };
  return {
    emu,
    container,
    lark,
    botUrl,
    settle,
    close: async () => {
      await container.defer.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emu.close();
    },
  };
}

export async function rowCounts(db: TestDatabase) {
  const count = async (table: 'receipts' | 'inbox' | 'outbox' | 'audit_log' | 'chats') =>
    Number(
      (
        await db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    receipts: await count('receipts'),
    inbox: await count('inbox'),
    outbox: await count('outbox'),
    chats: await count('chats'),
  };
}
