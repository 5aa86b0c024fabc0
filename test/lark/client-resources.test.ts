/**
 * The Lark client's resource calls against the emulator over HTTP, through the real node-sdk: downloadResource counts
 * a user's file or image without keeping it and stops past the limit; forward copies a message to a reader with a
 * uuid that dedupes; and a `forward` row of the outbox goes out through the sender like every other message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LarkCode } from '../../src/emulator/emulator';
import { createLarkSender } from '../../src/emulator/lark-sender';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { LarkApiError, SdkLarkApi } from '../../src/lark/client';
import { enqueueMessages } from '../../src/lark/outbox.repository';
import { OutboxSender } from '../../src/lark/outbox.sender';
import { createLogger } from '../../src/platform/logger';
import { freshDatabase } from '../support/database';

const servers: EmulatorServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

let seq = 0;
async function start() {
  const appId = `cli_client_res_${++seq}_${process.pid}`;
  const server = await startEmulatorServer({ appId, appSecret: 'secret' });
  servers.push(server);
  const api = new SdkLarkApi({ appId, appSecret: 'secret', domain: server.url, logger: createLogger('error') });
  const sender = createLarkSender({
    eventUrl: `${server.url}/_sink`,
    verificationToken: 'dev',
    emulator: server.emulator,
    fetch: async () => new Response('{}', { status: 200 }),
  });
  /** `who` sends a file or an image one-to-one; its message id and resource key. */
  const receive = async (
    who: string,
    input: { file: { name: string; bytes: Uint8Array } } | { image: { bytes: Uint8Array } },
  ) => {
    const d = await sender.messageReceived({ sender: who, ...input });
    const m = (d.payload.event as { message: { message_id: string; content: string } }).message;
    const c = JSON.parse(m.content) as { file_key?: string; image_key?: string };
    return { messageId: m.message_id, key: (c.file_key ?? c.image_key)! };
  };
  return { ...server, api, receive };
}

const png = (): Uint8Array => {
  const b = new Uint8Array(64);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  b.set([0x49, 0x48, 0x44, 0x52], 12);
  b.set([0, 0, 0, 2, 0, 0, 0, 3], 16);
  return b;
};

async function failure(p: Promise<unknown>): Promise<LarkApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LarkApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('downloadResource', () => {
  it('counts a file and an image, with their types, and keeps nothing', async () => {
    const { api, receive } = await start();
    const pdf = await receive('ou_a', { file: { name: '证据.pdf', bytes: new Uint8Array(300_000).fill(7) } });
    expect(await api.downloadResource({ ...pdf, type: 'file', maxBytes: 1024 * 1024 })).toEqual({
      sizeBytes: 300_000,
      contentType: 'application/pdf',
      tooLarge: false,
    });
    const img = await receive('ou_a', { image: { bytes: png() } });
    expect(await api.downloadResource({ ...img, type: 'image', maxBytes: 1024 })).toEqual({
      sizeBytes: 64,
      contentType: 'image/png',
      tooLarge: false,
    });
  });

  it('stops past maxBytes', async () => {
    const { api, receive } = await start();
    const big = await receive('ou_b', { file: { name: 'big.zip', bytes: new Uint8Array(3 * 1024 * 1024) } });
    const facts = await api.downloadResource({ ...big, type: 'file', maxBytes: 1024 * 1024 });
    expect(facts.tooLarge).toBe(true);
    expect(facts.sizeBytes).toBeGreaterThan(1024 * 1024);
  });

  it("answers Lark's errors as LarkApiError: a key not in the message, the wrong type", async () => {
    const { api, receive } = await start();
    const pdf = await receive('ou_c', { file: { name: 'a.pdf', bytes: new Uint8Array(10) } });
    const wrongKey = await failure(api.downloadResource({ ...pdf, key: 'file_v3_other', type: 'file', maxBytes: 100 }));
    expect([wrongKey.httpStatus, wrongKey.code, wrongKey.retryable]).toEqual([400, LarkCode.fileNotInMessage, false]);
    const wrongType = await failure(api.downloadResource({ ...pdf, type: 'image', maxBytes: 100 }));
    expect(wrongType.code).toBe(LarkCode.resourceParam);
  });
});

describe('forward', () => {
  it("forwards a user's file to another user one-to-one; the same uuid forwards once", async () => {
    const { api, receive, emulator } = await start();
    emulator.addUser({ open_id: 'ou_reader' });
    const pdf = await receive('ou_d', { file: { name: '报告.pdf', bytes: new Uint8Array(10) } });
    const req = { messageId: pdf.messageId, receiveIdType: 'open_id' as const, receiveId: 'ou_reader', uuid: 'u-1' };
    const first = await api.forward(req);
    const again = await api.forward(req);
    expect(again.messageId).toBe(first.messageId);
    const copies = emulator.state.messages.filter((m) => m.forwardedFrom === pdf.messageId);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ chatType: 'p2p', receiverOpenId: 'ou_reader', msgType: 'file' });
    const unknown = await failure(api.forward({ ...req, messageId: 'om_nope', uuid: 'u-2' }));
    expect(unknown.code).toBe(LarkCode.messageParam);
  });

  it('a forward row of the outbox is sent by the sender, with its uuid', async () => {
    const { api, receive, emulator } = await start();
    emulator.addUser({ open_id: 'ou_reader2' });
    const img = await receive('ou_e', { image: { bytes: png() } });
    const db = await freshDatabase();
    try {
      const row = {
        key: `att-open:test:${img.messageId}`,
        purpose: 'attachment-forward',
        op: 'forward' as const,
        receiveIdType: 'open_id' as const,
        receiveId: 'ou_reader2',
        rateKey: 'user:ou_reader2',
        msgType: 'image' as const,
        content: { message_id: img.messageId },
      };
      expect(await enqueueMessages(db.db, [row, row], Date.now())).toBe(1);
      const sender = new OutboxSender(db.db, api, createLogger('error'), { owner: 'test' });
      expect(await sender.drain()).toMatchObject({ sent: 1, failed: 0 });
      const copy = emulator.state.messages.find((m) => m.forwardedFrom === img.messageId);
      expect(copy).toMatchObject({ receiverOpenId: 'ou_reader2', msgType: 'image' });
      const stored = await db.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect([stored.status, stored.message_id]).toEqual(['sent', copy?.messageId]);
    } finally {
      await db.destroy();
    }
  });
});
