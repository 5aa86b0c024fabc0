/**
 * The whole bot on a real port, its Open API calls going to the emulator through the real node-sdk, and Lark's
 * deliveries coming from the emulator's sender, signed and (optionally) encrypted exactly as Lark does.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/app';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import {
  createLarkSender,
  type CardDelivery,
  type EventEnvelope,
  type LarkSender,
  type UserRef,
} from '../../src/emulator/lark-sender';
import { createFeishuClient, sent, type FeishuClient } from '../../src/emulator/client';
import type { RecordedMessage } from '../../src/emulator/types';
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

/** Where a message is said: one-to-one by default; in a group the bot is @mentioned first. */
export interface Where {
  chatId?: string;
  /** People @mentioned after the bot, as @_user_1, @_user_2… in the text. */
  mentions?: UserRef[];
}

export interface Harness {
  emu: EmulatorServer;
  container: TestContainer;
  lark: LarkSender;
  /** A Feishu client: what a person sees of the cards, and the buttons and forms they use. */
  client: FeishuClient;
  botUrl: string;
  /** Waits for deferred work and the outbox to finish. */
  settle(): Promise<void>;
  /**
   * `who` sends `words` to the bot (one-to-one, or in the group `where.chatId` @mentioning it) and waits until the bot
   * is done: the last message the bot sent.
   */
  say(who: string, words: string, where?: string | Where): Promise<RecordedMessage>;
  /** `who` clicks the button of the card `messageId` whose callback value has these fields (or this label). */
  click(
    messageId: string,
    who: string,
    button: Record<string, unknown> | string | RegExp,
  ): Promise<CardDelivery<EventEnvelope>>;
  /**
   * `who` fills the form the card `messageId` shows with `fill` and presses its submit button (`button`, when it has
   * several); fails when the client would not send it (a required field left empty).
   */
  submit(
    messageId: string,
    who: string,
    fill: Record<string, unknown>,
    button?: string,
  ): Promise<CardDelivery<EventEnvelope>>;
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
  const client = createFeishuClient(emu.emulator, lark);
  const say = async (who: string, words: string, where?: string | Where) => {
    const w: Where = typeof where === 'string' ? { chatId: where } : (where ?? {});
    await lark.messageReceived({
      sender: who,
      text: words,
      ...(w.mentions ? { mentions: w.mentions } : {}),
      ...(w.chatId ? { chatType: 'group' as const, chatId: w.chatId, mentionBot: true } : {}),
    });
    await settle();
    return emu.emulator.state.messages.at(-1)!;
  };
  return {
    emu,
    container,
    lark,
    client,
    botUrl,
    settle,
    say,
    click: (messageId, who, button) => client.clickButton(messageId, who, button),
    submit: async (messageId, who, fill, button) =>
      sent(await client.submitForm(messageId, who, { fill, ...(button ? { button } : {}) })),
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
