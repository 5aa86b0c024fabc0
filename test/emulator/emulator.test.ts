/**
 * The Lark emulator, exercised the way the bot will use it: the real node-sdk over real HTTP for the Open API,
 * and a tiny Hono receiver (with its own, independent signature check and decryption) for pushed events.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmulator, LarkCode } from '../../src/emulator/emulator';
import type { EmulatorOptions } from '../../src/emulator/emulator';
import { createLarkSender } from '../../src/emulator/lark-sender';
import { startEmulatorServer } from '../../src/emulator/server';
import { checkCard } from '../../src/lark/card-rules';

const SECRET = 'emulator-secret';
const T0 = Date.parse('2024-04-01T02:00:00Z');
const servers: ServerType[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A manual clock the emulator reads. */
function clockAt(ms: number) {
  const clock = { ms, now: () => clock.ms, advance: (d: number) => (clock.ms += d) };
  return clock;
}

async function listen(fetchHandler: (req: Request) => Response | Promise<Response>): Promise<string> {
  const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let appSeq = 0;

/**
 * The SDK logs every failed call at error level, and `loggerLevel: LoggerLevel.fatal` does not help: the
 * constructor reads `params.loggerLevel || LoggerLevel.info`, and fatal is 0. Many calls here fail on purpose.
 */
const noop = () => undefined;
const silent = { error: noop, warn: noop, info: noop, debug: noop, trace: noop };

/**
 * An emulator on a real port and a real SDK client. Each gets its own app id: the SDK caches tokens in a
 * process-wide cache keyed by app id, which would otherwise leak tokens between emulators.
 */
async function start(options: EmulatorOptions = {}) {
  const appId = `cli_test_${++appSeq}_${process.pid}`;
  const emulator = createEmulator({ appId, appSecret: SECRET, ...options });
  const url = await listen(emulator.app.fetch);
  const client = new lark.Client({
    appId,
    appSecret: SECRET,
    domain: url,
    logger: silent,
    loggerLevel: lark.LoggerLevel.error,
  });
  return { emulator, url, client, appId };
}

async function tokenFor(url: string, appId: string): Promise<string> {
  const res = await fetch(`${url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: appId, app_secret: SECRET }),
  });
  const body = (await res.json()) as { tenant_access_token: string };
  return body.tenant_access_token;
}

interface RawAnswer {
  status: number;
  headers: Headers;
  body: { code: number; msg: string; data?: { message_id?: string } };
}

async function rawSend(url: string, token: string, chatId: string, text = 'hi'): Promise<RawAnswer> {
  const res = await fetch(`${url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text }) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as RawAnswer['body'] };
}

/** The SDK's axios throws on HTTP 4xx/5xx; Lark's answer is in `err.response`. */
async function larkFailure(
  promise: Promise<unknown>,
): Promise<{ status: number; data: { code: number; msg: string }; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (err) {
    const response = (
      err as { response?: { status: number; data: { code: number; msg: string }; headers: Record<string, string> } }
    ).response;
    if (response) return response;
    throw err;
  }
  throw new Error('expected the call to fail');
}

const text = (t: string) => JSON.stringify({ text: t });
const card2 = (title: string) =>
  JSON.stringify({ schema: '2.0', header: { title: { tag: 'plain_text', content: title } }, body: { elements: [] } });

function sendText(client: lark.Client, chatId: string, t: string, uuid?: string) {
  return client.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'text', content: text(t), ...(uuid ? { uuid } : {}) },
  });
}

describe('tokens and messages through the node-sdk', () => {
  it('fetches a token and creates a message', async () => {
    const { emulator, client } = await start();
    emulator.addChat('oc_team', ['ou_alice']);

    const res = await sendText(client, 'oc_team', 'hello');

    expect(res.code).toBe(0);
    expect(res.data?.message_id).toMatch(/^om_[0-9a-f]{32}$/);
    expect(res.data?.chat_id).toBe('oc_team');
    expect(res.data?.body?.content).toBe(text('hello'));
    expect(emulator.state.messages).toHaveLength(1);
    expect(emulator.state.messages[0]).toMatchObject({
      chatId: 'oc_team',
      msgType: 'text',
      content: { text: 'hello' },
    });
    expect(emulator.messagesTo('oc_team')).toHaveLength(1);
    expect(emulator.state.calls.map((c) => [c.path, c.status, c.code])).toEqual([
      ['/open-apis/auth/v3/tenant_access_token/internal', 200, 0],
      ['/open-apis/im/v1/messages', 200, 0],
    ]);
    expect(emulator.state.calls[0]?.body).toMatchObject({ app_secret: '***' });
  });

  it('refuses a wrong secret with HTTP 200 and code 10014, and a wrong app id with 10003', async () => {
    const { url, appId } = await start();
    const ask = (body: object) =>
      fetch(`${url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });

    const wrongSecret = await ask({ app_id: appId, app_secret: 'nope' });
    expect(wrongSecret.status).toBe(200);
    expect(await wrongSecret.json()).toMatchObject({ code: LarkCode.appSecretInvalid, msg: 'app secret invalid' });
    expect(await (await ask({ app_id: 'cli_other', app_secret: SECRET })).json()).toMatchObject({
      code: LarkCode.invalidParam,
    });
  });

  it('answers 99991661 without a token and 99991663 for an unknown one, with HTTP 400', async () => {
    const { url } = await start();
    const missing = await fetch(`${url}/open-apis/bot/v3/info`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 99991661, error: { log_id: expect.any(String) } });
    const unknown = await fetch(`${url}/open-apis/bot/v3/info`, { headers: { authorization: 'Bearer t-forged' } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      code: 99991663,
      msg: 'Invalid access token for authorization. Please make a request with token attached.',
    });
  });

  it('answers an unknown path with a plain-text 404', async () => {
    const { url, appId } = await start();
    const res = await fetch(`${url}/open-apis/nonexistent/v1/foo`, {
      headers: { authorization: `Bearer ${await tokenFor(url, appId)}` },
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('404 page not found');
  });

  it('returns the first message again for a repeated uuid within the hour, and sends anew after it', async () => {
    const clock = clockAt(T0);
    const { emulator, client } = await start({ now: clock.now });
    emulator.addChat('oc_team', ['ou_alice']);

    const first = await sendText(client, 'oc_team', 'reminder', 'reminder:2024-04-01:oc_team');
    clock.advance(59 * 60 * 1000);
    const again = await sendText(client, 'oc_team', 'reminder', 'reminder:2024-04-01:oc_team');

    expect(again.data?.message_id).toBe(first.data?.message_id);
    expect(emulator.state.messages).toHaveLength(1);
    expect(emulator.state.calls.at(-1)?.deduped).toBe(true);

    clock.advance(60 * 1000);
    const later = await sendText(client, 'oc_team', 'reminder', 'reminder:2024-04-01:oc_team');
    expect(later.data?.message_id).not.toBe(first.data?.message_id);
    expect(emulator.state.messages).toHaveLength(2);
  });

  it('patches a card, keeps the history, and refuses text messages and cards older than 14 days', async () => {
    const clock = clockAt(T0);
    // A month-long token: the 14-day jump below would otherwise expire the SDK's cached 2-hour token.
    const { emulator, client } = await start({ now: clock.now, tokenTtlSeconds: 30 * 24 * 3600 });
    emulator.addChat('oc_team', ['ou_alice']);
    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_team', msg_type: 'interactive', content: card2('v1') },
    });
    const id = sent.data?.message_id ?? '';

    const patched = await client.im.message.patch({ path: { message_id: id }, data: { content: card2('v2') } });

    expect(patched.code).toBe(0);
    const stored = emulator.message(id);
    expect(stored?.content).toMatchObject({ header: { title: { content: 'v2' } } });
    expect(stored?.initialContent).toMatchObject({ header: { title: { content: 'v1' } } });
    expect(stored?.updates.map((u) => u.source)).toEqual(['patch']);

    const textId = (await sendText(client, 'oc_team', 'plain')).data?.message_id ?? '';
    expect(
      (await larkFailure(client.im.message.patch({ path: { message_id: textId }, data: { content: card2('x') } }))).data
        .code,
    ).toBe(230001);

    clock.advance(14 * 24 * 3600 * 1000 + 1);
    const old = await larkFailure(
      client.im.message.patch({ path: { message_id: id }, data: { content: card2('v3') } }),
    );
    expect(old).toMatchObject({ status: 400, data: { code: LarkCode.messageTooOld } });
    expect(emulator.state.violations).toEqual([]);
  });

  it('refuses to downgrade a 2.0 card and notes 1.0 cards that are not shared', async () => {
    const { emulator, client } = await start();
    emulator.addChat('oc_team', []);
    const v2 =
      (
        await client.im.message.create({
          params: { receive_id_type: 'chat_id' },
          data: { receive_id: 'oc_team', msg_type: 'interactive', content: card2('v2') },
        })
      ).data?.message_id ?? '';
    const card1 = JSON.stringify({ elements: [] });
    expect(
      (await larkFailure(client.im.message.patch({ path: { message_id: v2 }, data: { content: card1 } }))).data.code,
    ).toBe(230099);

    const v1 =
      (
        await client.im.message.create({
          params: { receive_id_type: 'chat_id' },
          data: { receive_id: 'oc_team', msg_type: 'interactive', content: card1 },
        })
      ).data?.message_id ?? '';
    await client.im.message.patch({ path: { message_id: v1 }, data: { content: card1 } });
    expect(emulator.state.violations.map((v) => v.kind)).toEqual(['card_schema_downgrade', 'card_not_shared']);
  });

  it('refuses content that is not JSON, unknown msg types and cards over 30 KB', async () => {
    const { emulator, url, appId } = await start();
    emulator.addChat('oc_team', []);
    const token = await tokenFor(url, appId);
    const post = (body: object) =>
      fetch(`${url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ receive_id: 'oc_team', ...body }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code: number } }));

    expect(await post({ msg_type: 'text', content: 'not json' })).toMatchObject({
      status: 400,
      body: { code: 230001 },
    });
    expect(await post({ msg_type: 'text', content: { text: 'object, not string' } })).toMatchObject({
      status: 400,
      body: { code: 99992402 },
    });
    expect(await post({ msg_type: 'telegram', content: text('x') })).toMatchObject({
      status: 400,
      body: { code: 230001 },
    });
    const big = JSON.stringify({
      schema: '2.0',
      body: { elements: [{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }] },
    });
    expect(await post({ msg_type: 'interactive', content: big })).toMatchObject({
      status: 400,
      body: { code: 230025 },
    });
    expect(await post({ msg_type: 'text', content: text('x'.repeat(100 * 1024)) })).toMatchObject({
      status: 200,
      body: { code: 0 },
    });
    expect(emulator.state.messages).toHaveLength(1);
  });

  it('answers 230002 for a chat the bot is not in, 230053 and 230013 for unreachable users', async () => {
    const { emulator, client } = await start();
    emulator.addUser({ open_id: 'ou_blocker', blockedBot: true });
    emulator.addUser({ open_id: 'ou_gone', email: 'gone@example.com', resigned: true });
    emulator.addChat('oc_left', ['ou_alice'], { botIsMember: false });

    const unknown = await larkFailure(sendText(client, 'oc_unknown', 'x'));
    expect(unknown).toMatchObject({ status: 400, data: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' } });
    expect((await larkFailure(sendText(client, 'oc_left', 'x'))).data.code).toBe(230002);

    const dm = (receive_id_type: 'open_id' | 'email', receive_id: string) =>
      client.im.message.create({
        params: { receive_id_type },
        data: { receive_id, msg_type: 'text', content: text('hi') },
      });
    expect((await larkFailure(dm('open_id', 'ou_blocker'))).data.code).toBe(LarkCode.userStoppedBot);
    expect((await larkFailure(dm('email', 'gone@example.com'))).data.code).toBe(LarkCode.noAvailability);
    const ok = await dm('open_id', 'ou_anyone');
    expect(ok.code).toBe(0);
    expect(emulator.messagesTo('ou_anyone')).toHaveLength(1);
    expect(emulator.state.messages).toHaveLength(1);
  });

  it('reports the bot identity and replies in the chat of a user message', async () => {
    const { emulator, client } = await start({ bot: { openId: 'ou_bot_saidao', name: 'Saidao' } });
    const info = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as {
      code: number;
      bot: { open_id: string; app_name: string };
    };
    expect(info).toMatchObject({ code: 0, bot: { open_id: 'ou_bot_saidao', app_name: 'Saidao', activate_status: 2 } });

    emulator.ensureGroupChat('oc_team', ['ou_alice']);
    const inbound = emulator.recordInbound({
      messageId: 'om_user1',
      chatId: 'oc_team',
      chatType: 'group',
      senderOpenId: 'ou_alice',
      msgType: 'text',
      content: { text: 'hi' },
    });
    const reply = await client.im.message.reply({
      path: { message_id: inbound.messageId },
      data: { msg_type: 'text', content: text('hello Alice') },
    });
    expect(reply.data).toMatchObject({ chat_id: 'oc_team', parent_id: 'om_user1', root_id: 'om_user1' });
    expect(emulator.messagesTo('oc_team')[0]).toMatchObject({ receiveIdType: 'message_id', parentId: 'om_user1' });
  });
});

describe('rate limits', () => {
  it('allows 5 messages per second to one chat; the 6th is 230020 and recorded', async () => {
    const clock = clockAt(T0);
    const { emulator, url, appId } = await start({ now: clock.now });
    emulator.addChat('oc_team', []);
    const token = await tokenFor(url, appId);

    const answers: RawAnswer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await rawSend(url, token, 'oc_team', `m${i}`));

    expect(answers.map((a) => a.body.code)).toEqual([0, 0, 0, 0, 0, 230020]);
    expect(answers[5]?.status).toBe(400);
    expect(emulator.state.messages).toHaveLength(5);
    expect(emulator.state.violations).toMatchObject([{ kind: 'chat_rate_limit', subject: 'chat:oc_team' }]);
    expect(emulator.peakRate('chat:oc_team')).toBe(6);
    expect(emulator.state.perSecond.get('chat:oc_team')?.get(Math.floor(T0 / 1000))).toBe(6);

    clock.advance(1000);
    expect((await rawSend(url, token, 'oc_team')).body.code).toBe(0);
  });

  it('never admits 51 requests in a second per app: HTTP 429, 99991400 and x-ogw-ratelimit headers', async () => {
    const clock = clockAt(T0);
    const { emulator, url, appId } = await start({ now: clock.now });
    for (let c = 0; c < 11; c++) emulator.addChat(`oc_${c}`, []);
    const token = await tokenFor(url, appId);

    for (let i = 0; i < 50; i++) expect((await rawSend(url, token, `oc_${Math.floor(i / 5)}`)).body.code).toBe(0);
    const over = await rawSend(url, token, 'oc_10');

    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: 99991400, msg: 'request trigger frequency limit' });
    expect(over.headers.get('x-ogw-ratelimit-limit')).toBe('50');
    expect(over.headers.get('x-ogw-ratelimit-reset')).toBe('1');
    clock.advance(999);
    expect((await rawSend(url, token, 'oc_10')).status).toBe(429);
    clock.advance(1);
    expect((await rawSend(url, token, 'oc_10')).body.code).toBe(0);
    expect(emulator.state.violations.map((v) => v.kind)).toEqual(['app_rate_limit', 'app_rate_limit']);
  });

  it('never admits 1001 requests in a minute per app, and says how long to wait', async () => {
    const clock = clockAt(T0);
    const { emulator, url, appId } = await start({ now: clock.now });
    for (let c = 0; c < 10; c++) emulator.addChat(`oc_${c}`, []);
    const token = await tokenFor(url, appId);

    for (let second = 0; second < 20; second++) {
      const batch = Array.from({ length: 50 }, (_, i) => rawSend(url, token, `oc_${i % 10}`));
      expect((await Promise.all(batch)).every((a) => a.body.code === 0)).toBe(true);
      clock.advance(1000);
    }
    const over = await rawSend(url, token, 'oc_0');

    expect(over.status).toBe(429);
    expect(over.headers.get('x-ogw-ratelimit-limit')).toBe('1000');
    expect(over.headers.get('x-ogw-ratelimit-reset')).toBe('40');
    expect(emulator.state.messages).toHaveLength(1000);
  });
});

describe('token expiry', () => {
  it('answers 99991663 after expireTokens() until a new token is fetched', async () => {
    const { emulator, client, url, appId } = await start();
    emulator.addChat('oc_team', []);
    expect((await sendText(client, 'oc_team', 'before')).code).toBe(0);

    emulator.expireTokens();
    const expired = await larkFailure(sendText(client, 'oc_team', 'after'));

    expect(expired).toMatchObject({ status: 400, data: { code: LarkCode.tokenInvalid } });
    const fresh = await tokenFor(url, appId);
    expect((await rawSend(url, fresh, 'oc_team')).body.code).toBe(0);
  });

  it('expires tokens after their lifetime on the emulator clock, and reuses a token with 30+ minutes left', async () => {
    const clock = clockAt(T0);
    const { emulator, url, appId } = await start({ now: clock.now, tokenTtlSeconds: 7200 });
    emulator.addChat('oc_team', []);
    const token = await tokenFor(url, appId);
    clock.advance(60 * 60 * 1000);
    expect(await tokenFor(url, appId)).toBe(token);
    clock.advance(60 * 60 * 1000);
    expect((await rawSend(url, token, 'oc_team')).body.code).toBe(LarkCode.tokenInvalid);
  });
});

describe('faults', () => {
  it('answers 500 with a body and records nothing as sent', async () => {
    const { emulator, client } = await start({ faults: { errorRate: 1 } });
    emulator.addChat('oc_team', []);

    const failed = await larkFailure(sendText(client, 'oc_team', 'x', 'u-1'));

    expect(failed).toMatchObject({ status: 500, data: { code: LarkCode.internal } });
    expect(emulator.state.messages).toEqual([]);
    expect(emulator.state.calls.at(-1)).toMatchObject({ status: 500, fault: 'error' });

    emulator.setFaults({ errorRate: 0 });
    expect((await sendText(client, 'oc_team', 'x', 'u-1')).code).toBe(0);
    expect(emulator.state.messages).toHaveLength(1);
  });

  it('answers injected 429s with reset headers, without counting them as violations', async () => {
    const { emulator, client } = await start({ faults: { rateLimitRate: 1 } });
    emulator.addChat('oc_team', []);
    const limited = await larkFailure(sendText(client, 'oc_team', 'x'));
    expect(limited.status).toBe(429);
    expect(limited.data.code).toBe(99991400);
    expect(limited.headers['x-ogw-ratelimit-reset']).toBe('1');
    expect(emulator.state.messages).toEqual([]);
    expect(emulator.state.violations).toEqual([]);
  });

  it('rolls the same faults for the same seed', async () => {
    const outcomes = async (seed: number) => {
      const { emulator, url, appId } = await start({ seed, faults: { errorRate: 0.3, rateLimitRate: 0.2 } });
      emulator.addChat('oc_team', []);
      const token = await tokenFor(url, appId);
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) {
        codes.push((await rawSend(url, token, 'oc_team')).status);
        emulator.reset(); // keep the per-chat limit out of the picture
      }
      return codes;
    };
    const a = await outcomes(7);
    expect(await outcomes(7)).toEqual(a);
    expect(new Set(a)).toEqual(new Set([200, 429, 500]));
  });

  it('drops hung requests (nothing sent) or answers them late (sent)', async () => {
    const { emulator, client } = await start({ faults: { timeoutRate: 1, hangMs: 30, hangOutcome: 'drop' } });
    emulator.addChat('oc_team', []);

    await expect(sendText(client, 'oc_team', 'x')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(emulator.state.messages).toEqual([]);
    expect(emulator.state.calls.at(-1)).toMatchObject({ status: 0, fault: 'timeout' });

    emulator.setFaults({ hangOutcome: 'answer' });
    const started = performance.now();
    expect((await sendText(client, 'oc_team', 'y')).code).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(emulator.state.messages).toHaveLength(1);
  });

  it('applies faults only to the chosen endpoint groups', async () => {
    const { emulator, client } = await start({ faults: { errorRate: 1, groups: ['contact'] } });
    emulator.addChat('oc_team', []);
    expect((await sendText(client, 'oc_team', 'x')).code).toBe(0);
    expect((await larkFailure(client.contact.user.batchGetId({ data: { emails: ['a@example.com'] } }))).status).toBe(
      500,
    );
  });
});

describe('contacts, chats and files', () => {
  it('resolves emails and mobiles with batch_get_id; unknown and resigned entries have no user_id', async () => {
    const { emulator, client } = await start();
    emulator.addUser({ open_id: 'ou_alice', email: 'alice@example.com', mobile: '13800000001' });
    emulator.addUser({ open_id: 'ou_bob', email: 'bob@example.com', resigned: true });

    const res = await client.contact.user.batchGetId({
      params: { user_id_type: 'open_id' },
      data: { emails: ['alice@example.com', 'nobody@example.com', 'bob@example.com'], mobiles: ['+8613800000001'] },
    });

    expect(res.data?.user_list).toEqual([
      { user_id: 'ou_alice', email: 'alice@example.com', status: expect.objectContaining({ is_resigned: false }) },
      { email: 'nobody@example.com' },
      { email: 'bob@example.com' },
      { user_id: 'ou_alice', mobile: '+8613800000001', status: expect.any(Object) },
    ]);
    const withResigned = await client.contact.user.batchGetId({
      data: { emails: ['bob@example.com'], include_resigned: true },
    });
    expect(withResigned.data?.user_list?.[0]).toMatchObject({ user_id: 'ou_bob', status: { is_resigned: true } });

    const tooMany = Array.from({ length: 51 }, (_, i) => `u${i}@example.com`);
    expect((await larkFailure(client.contact.user.batchGetId({ data: { emails: tooMany } }))).data.code).toBe(99992402);
  });

  it('pages through chat members, and refuses chats the bot is not in', async () => {
    const { emulator, client } = await start();
    const members = Array.from({ length: 45 }, (_, i) => ({ open_id: `ou_m${i}`, name: `Member ${i}` }));
    emulator.addChat('oc_big', members);
    emulator.addChat('oc_left', ['ou_x'], { botIsMember: false });

    const seen: string[] = [];
    const pages: Array<{ has_more?: boolean; count: number; total?: number }> = [];
    let pageToken: string | undefined;
    do {
      const res = await client.im.chatMembers.get({
        path: { chat_id: 'oc_big' },
        params: { member_id_type: 'open_id', page_size: 20, ...(pageToken ? { page_token: pageToken } : {}) },
      });
      for (const item of res.data?.items ?? []) seen.push(item.member_id ?? '');
      pages.push({ has_more: res.data?.has_more, count: res.data?.items?.length ?? 0, total: res.data?.member_total });
      pageToken = res.data?.has_more ? res.data.page_token : undefined;
    } while (pageToken);

    expect(pages).toEqual([
      { has_more: true, count: 20, total: 45 },
      { has_more: true, count: 20, total: 45 },
      { has_more: false, count: 5, total: 45 },
    ]);
    expect(seen).toEqual(members.map((m) => m.open_id));
    const refused = await larkFailure(
      client.im.chatMembers.get({ path: { chat_id: 'oc_left' }, params: { member_id_type: 'open_id' } }),
    );
    expect(refused).toMatchObject({ status: 400, data: { code: LarkCode.operatorNotInChat } });
  });

  it('uploads a file through the SDK and sends it', async () => {
    const { emulator, client } = await start();
    emulator.addChat('oc_team', []);
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('单位,进度\nA,3\n'), 0x00, 0xff]);

    const uploaded = await client.im.file.create({
      data: { file_type: 'stream', file_name: 'export.csv', file: bytes },
    });

    expect(uploaded?.file_key).toMatch(/^file_v3_/);
    expect(emulator.state.files).toMatchObject([
      { fileKey: uploaded?.file_key, fileName: 'export.csv', fileType: 'stream', size: bytes.length },
    ]);
    expect(Buffer.from(emulator.state.files[0]!.data!)).toEqual(bytes);
    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_team', msg_type: 'file', content: JSON.stringify({ file_key: uploaded?.file_key }) },
    });
    expect(sent.code).toBe(0);
    expect(
      (
        await larkFailure(
          client.im.message.create({
            params: { receive_id_type: 'chat_id' },
            data: { receive_id: 'oc_team', msg_type: 'file', content: JSON.stringify({ file_key: 'file_v3_unknown' }) },
          }),
        )
      ).data.code,
    ).toBe(230001);
  });
});

describe('control API (standalone mode)', () => {
  it('adds chats, sets faults, lists messages and resets over HTTP', async () => {
    const server = await startEmulatorServer({ appId: `cli_control_${process.pid}` });
    try {
      const control = (method: string, path: string, body?: unknown) =>
        fetch(`${server.url}/_emulator${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));

      expect((await control('POST', '/chats', { chatId: 'oc_team', members: ['ou_alice'] })).status).toBe(200);
      const token = await tokenFor(server.url, server.emulator.config.appId);
      expect((await rawSend(server.url, token, 'oc_team', 'hi')).body.code).toBe(0);
      expect((await control('GET', '/messages?receive_id=oc_team')).body).toMatchObject([
        { chatId: 'oc_team', content: { text: 'hi' } },
      ]);

      expect((await control('POST', '/faults', { errorRate: 2 })).status).toBe(400);
      expect((await control('POST', '/faults', { errorRate: 1 })).body).toMatchObject({ errorRate: 1 });
      expect((await rawSend(server.url, token, 'oc_team')).status).toBe(500);

      await control('POST', '/reset');
      expect((await control('GET', '/calls')).body).toEqual([]);
      expect((await rawSend(server.url, token, 'oc_team')).body.code).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('card delayed updates', () => {
  it('accepts an issued token twice, then 300040; 300030 after 30 minutes; 300020 for a bad one', async () => {
    const clock = clockAt(T0);
    const { emulator, client } = await start({ now: clock.now });
    emulator.addChat('oc_team', []);
    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_team', msg_type: 'interactive', content: card2('v1') },
    });
    const messageId = sent.data?.message_id ?? '';
    const update = (token: string, title: string) =>
      client.request({
        method: 'POST',
        url: '/open-apis/interactive/v1/card/update',
        data: { token, card: JSON.parse(card2(title)) },
      }) as Promise<{ code: number }>;

    const { token } = emulator.issueCardToken({ messageId, operatorOpenId: 'ou_alice', answered: true });
    expect((await update(token, 'v2')).code).toBe(0);
    expect((await update(token, 'v3')).code).toBe(0);
    expect((await update(token, 'v4')).code).toBe(LarkCode.cardTokenOverused);
    expect(emulator.message(messageId)?.content).toMatchObject({ header: { title: { content: 'v3' } } });

    const stale = emulator.issueCardToken({ messageId, operatorOpenId: 'ou_alice', answered: true });
    clock.advance(30 * 60 * 1000 + 1);
    expect((await update(stale.token, 'v5')).code).toBe(LarkCode.cardTokenExpired);
    expect((await update('not-a-token', 'v6')).code).toBe(LarkCode.cardTokenFormat);
    expect(emulator.state.violations.map((v) => v.kind)).toEqual(['card_token_overused', 'card_token_expired']);
  });
});

// ── events and callbacks towards the bot ─────────────────────────────────────────────────────────

const ENCRYPT_KEY = 'test-encrypt-key';
const VERIFICATION_TOKEN = 'test-verification-token';

/** Independent of src/emulator/wire.ts: AES-256-CBC with the SHA-256 of the key, IV first. */
function decrypt(encrypted: string, key: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

interface Received {
  headers: Record<string, string>;
  raw: string;
  payload: Record<string, unknown>;
}

/**
 * A tiny bot: verifies the raw-body signature, refuses stale timestamps and wrong tokens, decrypts,
 * echoes challenges, and answers card callbacks with whatever `cardAnswer` says.
 */
async function startReceiver(cardAnswer: (payload: Record<string, unknown>) => unknown = () => ({})) {
  const received: Received[] = [];
  const rejected: string[] = [];
  const app = new Hono();
  app.post('/lark/events', async (c) => {
    const raw = await c.req.text();
    const headers = c.req.header();
    const open = (body: Record<string, unknown>) =>
      (typeof body.encrypt === 'string' ? JSON.parse(decrypt(body.encrypt, ENCRYPT_KEY)) : body) as Record<
        string,
        unknown
      >;
    const signature = headers['x-lark-signature'];
    if (signature === undefined) {
      // Only the challenge comes unsigned [EVT-RECV]; it is checked by its token.
      const payload = open(JSON.parse(raw) as Record<string, unknown>);
      if (payload.type !== 'url_verification' || payload.token !== VERIFICATION_TOKEN)
        return c.json({ error: 'token' }, 401);
      return c.json({ challenge: payload.challenge });
    }
    // Verify the raw bytes before touching them, then check freshness, then decrypt and check the token.
    const ts = headers['x-lark-request-timestamp'] ?? '';
    const expected = createHash('sha256')
      .update(ts + (headers['x-lark-request-nonce'] ?? '') + ENCRYPT_KEY)
      .update(raw)
      .digest('hex');
    const reject = (reason: string) => {
      rejected.push(reason);
      return c.json({ error: reason }, 401);
    };
    if (expected !== signature) return reject('signature');
    if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return reject('stale');
    const payload = open(JSON.parse(raw) as Record<string, unknown>);
    const header = payload.header as { token?: string; event_type?: string };
    if (header.token !== VERIFICATION_TOKEN) return reject('token');
    received.push({ headers, raw, payload });
    return c.json(header.event_type === 'card.action.trigger' ? cardAnswer(payload) : {});
  });
  app.post('/lark/card-legacy', async (c) => {
    const raw = await c.req.text();
    const h = c.req.header();
    const expected = createHash('sha1')
      .update((h['x-lark-request-timestamp'] ?? '') + (h['x-lark-request-nonce'] ?? '') + VERIFICATION_TOKEN + raw)
      .digest('hex');
    if (expected !== h['x-lark-signature']) {
      rejected.push('legacy-signature');
      return c.json({ error: 'signature' }, 401);
    }
    received.push({ headers: h, raw, payload: JSON.parse(raw) as Record<string, unknown> });
    return c.json({
      toast: { type: 'success', content: 'ok' },
      config: { update_multi: true },
      elements: [{ tag: 'div' }],
    });
  });
  const url = await listen(app.fetch);
  return { url, received, rejected };
}

describe('lark-sender: signed and encrypted delivery', () => {
  it('delivers url_verification plain and encrypted; the challenge is echoed', async () => {
    const receiver = await startReceiver();
    const plain = createLarkSender({ eventUrl: `${receiver.url}/lark/events`, verificationToken: VERIFICATION_TOKEN });
    const encrypted = createLarkSender({
      eventUrl: `${receiver.url}/lark/events`,
      verificationToken: VERIFICATION_TOKEN,
      encryptKey: ENCRYPT_KEY,
    });

    const a = await plain.urlVerification({ challenge: 'abc' });
    const b = await encrypted.urlVerification();

    expect(JSON.parse(a.rawBody)).toEqual({ challenge: 'abc', token: VERIFICATION_TOKEN, type: 'url_verification' });
    expect(a.echoed).toBe(true);
    expect(Object.keys(JSON.parse(b.rawBody))).toEqual(['encrypt']);
    expect(b.echoed).toBe(true);
    expect(b.requestHeaders['X-Lark-Signature']).toBeUndefined();
    expect((await encrypted.urlVerification({ wrongToken: true })).echoed).toBe(false);
  });

  it('signs the raw bytes and encrypts a group message event with mentions', async () => {
    const receiver = await startReceiver();
    const { emulator } = await start({ bot: { openId: 'ou_bot_saidao', name: 'Saidao' } });
    const sender = createLarkSender({
      eventUrl: `${receiver.url}/lark/events`,
      verificationToken: VERIFICATION_TOKEN,
      encryptKey: ENCRYPT_KEY,
      emulator,
    });

    const delivery = await sender.messageReceived({
      chatType: 'group',
      chatId: 'oc_team',
      sender: { open_id: 'ou_alice', name: 'Alice' },
      text: '报名 @_user_2',
      mentionBot: true,
      mentions: [{ open_id: 'ou_bob', name: 'Bob' }],
    });

    expect(delivery.reply.status).toBe(200);
    expect(delivery.requestHeaders['Content-Type']).toBe('application/json; charset=utf-8');
    expect(delivery.requestHeaders['X-Lark-Signature']).toMatch(/^[0-9a-f]{64}$/);
    const got = receiver.received[0]?.payload as {
      schema: string;
      header: Record<string, string>;
      event: { message: Record<string, unknown>; sender: Record<string, unknown> };
    };
    expect(got.schema).toBe('2.0');
    expect(got.header).toMatchObject({
      event_type: 'im.message.receive_v1',
      token: VERIFICATION_TOKEN,
      app_id: emulator.config.appId,
      event_id: delivery.eventId,
    });
    expect(got.header.create_time).toMatch(/^\d{13}$/);
    expect(got.event.sender).toMatchObject({ sender_id: { open_id: 'ou_alice' }, sender_type: 'user' });
    expect(got.event.message).toMatchObject({
      chat_id: 'oc_team',
      chat_type: 'group',
      message_type: 'text',
      content: JSON.stringify({ text: '@_user_1 报名 @_user_2' }),
    });
    expect(got.event.message.mentions).toEqual([
      {
        key: '@_user_1',
        id: { union_id: 'on_bot_saidao', user_id: '', open_id: 'ou_bot_saidao' },
        name: 'Saidao',
        tenant_key: emulator.config.tenantKey,
      },
      {
        key: '@_user_2',
        id: { union_id: 'on_bob', user_id: 'u_bob', open_id: 'ou_bob' },
        name: 'Bob',
        tenant_key: emulator.config.tenantKey,
      },
    ]);
    // The emulator now knows the chat and the message, so the bot can reply to it.
    expect(emulator.state.chats.get('oc_team')?.members).toContain('ou_alice');
    expect(emulator.state.inbound[0]).toMatchObject({ messageId: got.event.message.message_id, chatId: 'oc_team' });
  });

  it('lets a receiver catch tampered, stale, wrongly signed and wrong-token deliveries', async () => {
    const receiver = await startReceiver();
    const sender = createLarkSender({
      eventUrl: `${receiver.url}/lark/events`,
      verificationToken: VERIFICATION_TOKEN,
      encryptKey: ENCRYPT_KEY,
    });
    const event = { chat_id: 'oc_team', operator_id: { open_id: 'ou_alice' } };

    const statuses = await Promise.all([
      sender.event('im.chat.member.bot.added_v1', event, { tamper: true }),
      sender.event('im.chat.member.bot.added_v1', event, { staleSeconds: 600 }),
      sender.event('im.chat.member.bot.added_v1', event, { badSignature: true }),
      sender.event('im.chat.member.bot.added_v1', event, { wrongToken: true }),
      sender.event('im.chat.member.bot.added_v1', event, { pretty: true }),
    ]).then((ds) => ds.map((d) => d.reply.status));

    expect(statuses).toEqual([401, 401, 401, 401, 200]);
    expect(receiver.rejected.sort()).toEqual(['signature', 'signature', 'stale', 'token']);
  });

  it('delivers duplicates concurrently and again later with the same event_id', async () => {
    const receiver = await startReceiver();
    const { emulator } = await start();
    const sender = createLarkSender({
      eventUrl: `${receiver.url}/lark/events`,
      verificationToken: VERIFICATION_TOKEN,
      encryptKey: ENCRYPT_KEY,
      emulator,
    });

    const first = await sender.botAdded({ chatId: 'oc_new', operator: 'ou_alice', name: '赛道一组' }, { copies: 3 });
    const retry = await sender.redeliver(first);

    expect(first.replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(retry.rawBody).not.toBe(first.rawBody); // fresh IV
    const ids = receiver.received.map((r) => (r.payload.header as { event_id: string }).event_id);
    expect(ids).toEqual(Array(4).fill(first.eventId));
    expect(emulator.state.chats.get('oc_new')).toMatchObject({ botIsMember: true, members: ['ou_alice'] });
    expect(receiver.received[0]?.payload.event).toMatchObject({
      chat_id: 'oc_new',
      name: '赛道一组',
      operator_id: { open_id: 'ou_alice' },
    });

    await sender.botDeleted({ chatId: 'oc_new', operator: 'ou_alice' });
    expect(emulator.state.chats.get('oc_new')?.botIsMember).toBe(false);
  });

  it('delivers a card callback, applies the returned card, and accepts the token for a later update', async () => {
    let answer: unknown = {};
    const receiver = await startReceiver(() => answer);
    const { emulator, client } = await start();
    emulator.addChat('oc_team', ['ou_alice']);
    const sender = createLarkSender({
      eventUrl: `${receiver.url}/lark/events`,
      verificationToken: VERIFICATION_TOKEN,
      encryptKey: ENCRYPT_KEY,
      emulator,
    });
    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_team', msg_type: 'interactive', content: card2('form') },
    });
    const messageId = sent.data?.message_id ?? '';

    answer = { toast: { type: 'success', content: '已提交' }, card: { type: 'raw', data: JSON.parse(card2('done')) } };
    const click = await sender.cardAction({
      messageId,
      operator: 'ou_alice',
      value: { action: 'submit' },
      name: 'Btn_submit',
      formValue: { reason: 'x' },
    });

    expect(click.clientError).toBeUndefined();
    expect(click.toast).toEqual({ type: 'success', content: '已提交' });
    expect(emulator.message(messageId)?.content).toMatchObject({ header: { title: { content: 'done' } } });
    const payload = receiver.received[0]?.payload as { header: Record<string, string>; event: Record<string, unknown> };
    expect(payload.header.event_type).toBe('card.action.trigger');
    expect(payload.event).toMatchObject({
      operator: { open_id: 'ou_alice' },
      token: click.token,
      action: {
        value: { action: 'submit' },
        tag: 'button',
        name: 'Btn_submit',
        form_value: { reason: 'x' },
        timezone: 'Asia/Shanghai',
      },
      host: 'im_message',
      context: { open_message_id: messageId, open_chat_id: 'oc_team' },
    });

    const later = (await client.request({
      method: 'POST',
      url: '/open-apis/interactive/v1/card/update',
      data: { token: click.token, card: JSON.parse(card2('later')) },
    })) as { code: number };
    expect(later.code).toBe(0);
    expect(emulator.message(messageId)?.updates.map((u) => u.source)).toEqual(['callback', 'card_update']);
    expect(emulator.state.violations).toEqual([]);

    answer = JSON.parse(card2('bare card'));
    const bare = await sender.cardAction({ messageId, operator: 'ou_alice', value: {} });
    expect(bare.clientError).toBe(200672);
    expect(emulator.state.violations.map((v) => v.kind)).toEqual(['card_callback_error']);
  });

  it('signs legacy card callbacks with SHA-1 and the verification token, unencrypted', async () => {
    const receiver = await startReceiver();
    const { emulator, client } = await start();
    emulator.addChat('oc_team', []);
    const sender = createLarkSender({
      eventUrl: `${receiver.url}/lark/events`,
      legacyCardUrl: `${receiver.url}/lark/card-legacy`,
      verificationToken: VERIFICATION_TOKEN,
      encryptKey: ENCRYPT_KEY,
      emulator,
    });
    const card1 = JSON.stringify({ config: { update_multi: true }, elements: [] });
    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_team', msg_type: 'interactive', content: card1 },
    });
    const messageId = sent.data?.message_id ?? '';

    const click = await sender.legacyCardAction({ messageId, operator: 'ou_alice', value: { k: 'v' } });
    const tampered = await sender.legacyCardAction(
      { messageId, operator: 'ou_alice', value: { k: 'v' } },
      { tamper: true },
    );

    expect(click.reply.status).toBe(200);
    expect(JSON.parse(click.rawBody)).toMatchObject({
      open_id: 'ou_alice',
      open_message_id: messageId,
      token: click.token,
      action: { value: { k: 'v' }, tag: 'button' },
    });
    expect(click.toast).toEqual({ type: 'success', content: 'ok' });
    expect(emulator.message(messageId)?.content).toEqual({
      config: { update_multi: true },
      elements: [{ tag: 'div' }],
    });
    expect(tampered.reply.status).toBe(401);
    expect(receiver.rejected).toEqual(['legacy-signature']);
  });
});

describe('card structure rules', () => {
  const c = (elements: unknown[]) => ({ schema: '2.0', body: { elements } });
  const submit = {
    tag: 'button',
    name: 'go',
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value: {} }],
  };
  const first = (card: unknown) => checkCard(card).problems[0]?.message;
  it('accepts the shapes the bot uses', () => {
    expect(
      checkCard(
        c([
          { tag: 'markdown', content: 'x' },
          { tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'a', required: true }, submit] },
          { tag: 'table', columns: [], rows: [] },
        ]),
      ).problems,
    ).toEqual([]);
  });
  it('refuses what Lark refuses: nameless or duplicate names, nested forms, tables off the root, forms without submit, required outside forms', () => {
    expect(first(c([{ tag: 'form', name: 'f', elements: [{ tag: 'input' }, submit] }]))).toContain('needs a name');
    expect(first(c([{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'go' }, submit] }]))).toContain(
      'used 2 times',
    );
    expect(
      first(
        c([
          {
            tag: 'column_set',
            columns: [{ tag: 'column', elements: [{ tag: 'form', name: 'f', elements: [submit] }] }],
          },
        ]),
      ),
    ).toContain('only at the card root');
    expect(first(c([{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'a' }] }]))).toContain(
      'no submit button',
    );
    expect(first(c([{ tag: 'input', name: 'a', required: true }]))).toContain('only inside a form');
  });
});
