/**
 * Files and images in chat (src/emulator/resources.ts): a user sends them to the bot through the LarkSender, the bot
 * downloads them (im.messageResource.get), forwards messages (im.message.forward) and uploads and sends images
 * (im.image.create) — the real node-sdk over real HTTP.
 */
import type { Readable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { LarkCode } from '../../src/emulator/emulator';
import { createLarkSender } from '../../src/emulator/lark-sender';
import { startEmulatorServer } from '../../src/emulator/server';
import type { EmulatorServer } from '../../src/emulator/server';

const SECRET = 'emulator-secret';
const servers: EmulatorServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const noop = () => undefined;
const silent = { error: noop, warn: noop, info: noop, debug: noop, trace: noop };
let seq = 0;

async function start() {
  const appId = `cli_res_${++seq}_${process.pid}`;
  const server = await startEmulatorServer({ appId, appSecret: SECRET });
  servers.push(server);
  const client = new lark.Client({ appId, appSecret: SECRET, domain: server.url, logger: silent });
  // Events go nowhere: these tests only need what the sender records in the emulator.
  const sender = createLarkSender({
    eventUrl: `${server.url}/_sink`,
    verificationToken: 'dev',
    emulator: server.emulator,
    fetch: async () => new Response('{}', { status: 200 }),
  });
  return { ...server, client, sender };
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The SDK throws on 4xx; a download's error body arrives as a stream. */
async function failure(promise: Promise<unknown>): Promise<{ status: number; code: number }> {
  try {
    await promise;
  } catch (err) {
    const response = (err as { response?: { status: number; data: unknown } }).response;
    if (!response) throw err;
    let data = response.data;
    if (data && typeof (data as Readable).pipe === 'function')
      data = JSON.parse(String(await bytesOf(data as Readable)));
    return { status: response.status, code: (data as { code: number }).code };
  }
  throw new Error('expected the call to fail');
}

/** A 2×3 PNG (header only: enough for the format and size checks). */
function png(width: number, height: number): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

const gif = (w: number, h: number) => {
  const b = Buffer.alloc(32);
  b.write('GIF89a', 0, 'ascii');
  b.writeUInt16LE(w, 6);
  b.writeUInt16LE(h, 8);
  return b;
};

describe('files and images users send to the bot', () => {
  it('keeps a file sent one-to-one and serves it with Content-Type and Content-Disposition', async () => {
    const { emulator, client, sender } = await start();
    const bytes = Buffer.from('%PDF-1.7 evidence 证据');
    const delivery = await sender.messageReceived({ sender: 'ou_alice', file: { name: '证据.pdf', bytes } });
    const message = (
      delivery.payload.event as { message: { message_id: string; message_type: string; content: string } }
    ).message;
    expect(message.message_type).toBe('file');
    const content = JSON.parse(message.content) as { file_key: string; file_name: string };
    expect(content).toEqual({ file_key: expect.stringMatching(/^file_v3_/), file_name: '证据.pdf' });
    expect(emulator.state.resources.get(content.file_key)).toMatchObject({ type: 'file', origin: 'user' });

    const res = await client.im.messageResource.get({
      path: { message_id: message.message_id, file_key: content.file_key },
      params: { type: 'file' },
    });
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('证据.pdf')}`);
    expect(await bytesOf(res.getReadableStream())).toEqual(bytes);
  });

  it('keeps an image sent in a group; refuses a wrong key, a wrong type, a chat the bot left and cards', async () => {
    const { emulator, client, sender, url } = await start();
    emulator.addChat('oc_team', ['ou_bob']);
    const image = png(2, 3);
    const delivery = await sender.messageReceived({
      sender: 'ou_bob',
      chatType: 'group',
      chatId: 'oc_team',
      image: { bytes: image },
    });
    const message = (delivery.payload.event as { message: { message_id: string; content: string } }).message;
    const { image_key } = JSON.parse(message.content) as { image_key: string };
    expect(image_key).toMatch(/^img_v3_/);

    const get = (messageId: string, key: string, type: string) =>
      client.im.messageResource.get({ path: { message_id: messageId, file_key: key }, params: { type } });
    const res = await get(message.message_id, image_key, 'image');
    expect(res.headers['content-type']).toBe('image/png');
    expect(await bytesOf(res.getReadableStream())).toEqual(image);

    expect(await failure(get(message.message_id, 'img_v3_other', 'image'))).toEqual({
      status: 400,
      code: LarkCode.fileNotInMessage,
    });
    expect(await failure(get(message.message_id, image_key, 'file'))).toMatchObject({ code: LarkCode.resourceParam });
    expect(await failure(get(message.message_id, image_key, 'video'))).toMatchObject({ code: LarkCode.resourceParam });
    expect(await failure(get('om_unknown', image_key, 'image'))).toMatchObject({ code: LarkCode.resourceParam });

    const card = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: {
        receive_id: 'oc_team',
        msg_type: 'interactive',
        content: JSON.stringify({ schema: '2.0', body: { elements: [] } }),
      },
    });
    expect(await failure(get(card.data?.message_id ?? '', image_key, 'image'))).toMatchObject({
      code: LarkCode.resourceMessageType,
    });

    emulator.setBotMembership('oc_team', false);
    expect(await failure(get(message.message_id, image_key, 'image'))).toEqual({
      status: 400,
      code: LarkCode.appNotInChat,
    });
    // Without a token, as every Open API.
    const bare = await fetch(`${url}/open-apis/im/v1/messages/${message.message_id}/resources/${image_key}?type=image`);
    expect(bare.status).toBe(400);
  });

  it('refuses downloads over 100 MB with 234037', async () => {
    const { client, sender } = await start();
    const big = new Uint8Array(100 * 1024 * 1024 + 1);
    const delivery = await sender.messageReceived({ sender: 'ou_carol', file: { name: 'big.zip', bytes: big } });
    const message = (delivery.payload.event as { message: { message_id: string; content: string } }).message;
    const { file_key } = JSON.parse(message.content) as { file_key: string };
    expect(
      await failure(
        client.im.messageResource.get({
          path: { message_id: message.message_id, file_key },
          params: { type: 'file' },
        }),
      ),
    ).toEqual({ status: 400, code: LarkCode.downloadTooLarge });
  });
});

describe('forwarding', () => {
  it("forwards a user's file to a group, and the copy's resource downloads too; rate limits like sends", async () => {
    const { emulator, client, sender } = await start();
    emulator.addChat('oc_review', ['ou_reviewer']);
    const bytes = Buffer.from('a,b\n1,2\n');
    const delivery = await sender.messageReceived({ sender: 'ou_alice', file: { name: 'data.csv', bytes } });
    const original = (delivery.payload.event as { message: { message_id: string; content: string } }).message;

    const forwarded = await client.im.message.forward({
      path: { message_id: original.message_id },
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_review' },
    });
    expect(forwarded.code).toBe(0);
    expect(forwarded.data).toMatchObject({
      msg_type: 'file',
      chat_id: 'oc_review',
      body: { content: original.content },
    });
    const copy = emulator.message(forwarded.data?.message_id ?? '');
    expect(copy).toMatchObject({ forwardedFrom: original.message_id, chatId: 'oc_review', msgType: 'file' });

    const { file_key } = JSON.parse(original.content) as { file_key: string };
    const res = await client.im.messageResource.get({
      path: { message_id: copy?.messageId ?? '', file_key },
      params: { type: 'file' },
    });
    expect(await bytesOf(res.getReadableStream())).toEqual(bytes);

    // 4 more are admitted within the second (5 per group), the 6th is 230020.
    const again = () =>
      client.im.message.forward({
        path: { message_id: original.message_id },
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_review' },
      });
    for (let i = 0; i < 4; i++) expect((await again()).code).toBe(0);
    expect(await failure(again())).toEqual({ status: 400, code: LarkCode.messageRateLimited });
  });

  it("forwards the bot's own message to a user; dedupes a uuid; refuses unknown messages and chats the bot is not in", async () => {
    const { emulator, client } = await start();
    emulator.addChat('oc_a', []);
    emulator.addChat('oc_gone', [], { botIsMember: false });
    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_a', msg_type: 'text', content: JSON.stringify({ text: 'hello' }) },
    });
    const id = sent.data?.message_id ?? '';
    const forward = (receiveId: string, type: 'open_id' | 'chat_id', messageId = id, uuid?: string) =>
      client.im.message.forward({
        path: { message_id: messageId },
        params: { receive_id_type: type, ...(uuid ? { uuid } : {}) },
        data: { receive_id: receiveId },
      });
    const toUser = await forward('ou_dave', 'open_id', id, 'fwd-1');
    expect(emulator.messagesTo('ou_dave')).toMatchObject([{ msgType: 'text', content: { text: 'hello' } }]);
    expect((await forward('ou_dave', 'open_id', id, 'fwd-1')).data?.message_id).toBe(toUser.data?.message_id);
    expect(emulator.messagesTo('ou_dave')).toHaveLength(1);

    expect(await failure(forward('oc_a', 'chat_id', 'om_missing'))).toEqual({
      status: 400,
      code: LarkCode.messageParam,
    });
    expect(await failure(forward('oc_gone', 'chat_id'))).toEqual({ status: 400, code: LarkCode.botNotInChat });
    emulator.addUser({ open_id: 'ou_blocked', blockedBot: true });
    expect(await failure(forward('ou_blocked', 'open_id'))).toMatchObject({ code: LarkCode.userStoppedBot });
  });
});

describe('uploading and sending images', () => {
  it('uploads an image through the SDK and sends it; refuses unknown image keys', async () => {
    const { emulator, client } = await start();
    emulator.addChat('oc_pics', []);
    const uploaded = await client.im.image.create({ data: { image_type: 'message', image: png(640, 480) } });
    expect(uploaded?.image_key).toMatch(/^img_v3_/);
    expect(emulator.state.resources.get(uploaded?.image_key ?? '')).toMatchObject({ format: 'png', origin: 'bot' });

    const send = (key: string) =>
      client.im.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_pics', msg_type: 'image', content: JSON.stringify({ image_key: key }) },
      });
    const sent = await send(uploaded?.image_key ?? '');
    expect(sent.code).toBe(0);
    const res = await client.im.messageResource.get({
      path: { message_id: sent.data?.message_id ?? '', file_key: uploaded?.image_key ?? '' },
      params: { type: 'image' },
    });
    expect((await bytesOf(res.getReadableStream())).length).toBe(64);
    expect(await failure(send('img_v3_unknown'))).toEqual({ status: 400, code: LarkCode.messageParam });
  });

  it('refuses empty, oversized, unrecognised and too-large-resolution images, and bad image types', async () => {
    const { client } = await start();
    const upload = (image: Buffer, imageType: 'message' | 'avatar' = 'message') =>
      client.im.image.create({ data: { image_type: imageType, image } });
    expect(await failure(upload(Buffer.alloc(0)))).toEqual({ status: 400, code: LarkCode.fileEmpty });
    const tooBig = Buffer.alloc(10 * 1024 * 1024 + 1);
    png(10, 10).copy(tooBig);
    expect(await failure(upload(tooBig))).toEqual({ status: 400, code: LarkCode.fileTooLarge });
    expect(await failure(upload(Buffer.from('not an image at all')))).toEqual({
      status: 400,
      code: LarkCode.imageFormatUnknown,
    });
    expect(await failure(upload(gif(2001, 10)))).toEqual({ status: 400, code: LarkCode.imageResolution });
    expect((await upload(gif(2000, 2000)))?.image_key).toMatch(/^img_v3_/);
    expect(await failure(upload(png(12001, 10)))).toMatchObject({ code: LarkCode.imageResolution });
    expect(await failure(upload(png(5000, 10), 'avatar'))).toMatchObject({ code: LarkCode.imageResolution });
    expect(
      await failure(client.im.image.create({ data: { image_type: 'banner' as 'message', image: png(1, 1) } })),
    ).toMatchObject({ code: LarkCode.resourceParam });
  });
});
