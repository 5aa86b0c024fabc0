/**
 * `maxSends`: a sender claims no more rows over its life than it may send. On Workers a sender lives for one invocation,
 * whose Lark calls count against the plan's subrequest limit (https://developers.cloudflare.com/workers/platform/limits/);
 * what it leaves stays queued for the next sender. The real node-sdk against the emulator over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { SdkLarkApi } from '../../src/lark/client';
import { enqueueMessages, type OutgoingMessage } from '../../src/lark/outbox.repository';
import { OutboxSender } from '../../src/lark/outbox.sender';
import { createLogger } from '../../src/platform/logger';
import { freshDatabase, type TestDatabase } from '../support/database';

const APP = `cli_send_cap_${process.pid}`;
let db: TestDatabase;
let emu: EmulatorServer;
beforeAll(async () => {
  db = await freshDatabase();
  emu = await startEmulatorServer({ appId: APP, appSecret: 'secret' });
});
afterAll(async () => {
  await emu.close();
  await db.destroy();
});

const message = (i: number): OutgoingMessage => ({
  key: `send-cap:${i}`,
  purpose: 'test',
  op: 'send',
  receiveIdType: 'open_id',
  receiveId: `ou_cap_${i}`,
  rateKey: `user:ou_cap_${i}`,
  msgType: 'text',
  content: { text: `message ${i}` },
});

describe('a sender with maxSends', () => {
  it('sends at most maxSends over its life, across drains, and leaves the rest queued for the next sender', async () => {
    expect(
      await enqueueMessages(
        db.db,
        Array.from({ length: 12 }, (_, i) => message(i)),
        Date.now(),
      ),
    ).toBe(12);
    const api = new SdkLarkApi({ appId: APP, appSecret: 'secret', domain: emu.url, logger: createLogger('error') });
    const sends = () =>
      emu.emulator.state.calls.filter((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages');
    const sender = (owner: string) =>
      new OutboxSender(db.db, api, createLogger('error'), { owner, batchSize: 3, concurrency: 2, maxSends: 5 });

    const first = sender('invocation-1');
    expect(await first.drain()).toMatchObject({ sent: 5, failed: 0 });
    expect(await first.drain()).toMatchObject({ sent: 0 }); // the same invocation: its budget is spent
    expect(sends()).toHaveLength(5);
    expect(emu.emulator.state.messages).toHaveLength(5);

    expect(await sender('invocation-2').drain()).toMatchObject({ sent: 5 });
    expect(await sender('invocation-3').drain()).toMatchObject({ sent: 2 });
    expect(sends()).toHaveLength(12);
    const statuses = await db.db.selectFrom('outbox').select('status').where('purpose', '=', 'test').execute();
    expect(statuses.map((r) => r.status)).toEqual(Array(12).fill('sent'));
    expect(emu.emulator.state.violations).toEqual([]);
  });
});
