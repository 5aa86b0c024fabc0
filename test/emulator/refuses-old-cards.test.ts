/**
 * Cards the bot used to produce that Lark would refuse (test/fixtures/refused-cards) go through the emulator's real
 * HTTP routes on every path a card reaches Lark, and each is refused with the platform's code:
 * - send / reply / PATCH: HTTP 400, 230025 past 30 KB of request body, else 230099 with the card's sub-code
 *   (https://open.feishu.cn/document/server-docs/im-v1/message/create ,
 *   https://open.feishu.cn/document/server-docs/im-v1/message/reply ,
 *   https://open.feishu.cn/document/server-docs/im-v1/message-card/patch);
 * - delayed update: HTTP 200, 100000 past 30 KB of request body, else 11311 「卡片格式不符合要求」
 *   (https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card);
 * - a card-callback answer: client error 200673, the old card stays
 *   (https://open.feishu.cn/document/feishu-cards/card-callback-communication).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator/emulator';
import { createLarkSender } from '../../src/emulator/lark-sender';
import { checkCard, LARK_CARD_LIMITS } from '../../src/lark/card-rules';

const SECRET = 'emulator-secret';
const DIR = join(__dirname, '../fixtures/refused-cards');
const servers: ServerType[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(fetchHandler: (req: Request) => Response | Promise<Response>): Promise<string> {
  const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const fixture = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, unknown>;

/** The code each path answers for each old card. Size is checked before the card is built. */
const EXPECTED: Record<string, { message: number; subCode?: number; delayed: number }> = {
  'projects-20-open.json': { message: 230025, delayed: 100000 }, // 322 elements, and 43 KB
  'awards-70-office.json': { message: 230099, subCode: 11310, delayed: 11311 }, // 203 elements in 27 KB
  'timeline-8x100.json': { message: 230025, delayed: 100000 }, // 33.7 KB escaped, 32 KB unescaped
  'nomination-40x60.json': { message: 230025, delayed: 100000 }, // 37 KB
  'digest-20x20.json': { message: 230025, delayed: 100000 }, // 45 KB
  'materials-form.json': { message: 230099, subCode: 200530, delayed: 11311 }, // form and input both named `materials`
  'reminder-typed-markup.json': { message: 230099, subCode: 200621, delayed: 11311 }, // <at id=all></at> in markdown
};

const small = (title: string) => ({
  schema: '2.0',
  header: { title: { tag: 'plain_text', content: title } },
  body: {
    elements: [
      { tag: 'markdown', content: `**${title}**` },
      {
        tag: 'form',
        name: 'f',
        elements: [
          { tag: 'input', name: 'note', placeholder: { tag: 'plain_text', content: '备注' } },
          {
            tag: 'button',
            name: 'go',
            form_action_type: 'submit',
            text: { tag: 'plain_text', content: '提交' },
            behaviors: [{ type: 'callback', value: { a: 'go' } }],
          },
        ],
      },
    ],
  },
});

interface Answer {
  status: number;
  body: { code: number; msg: string; data?: { message_id?: string } };
}

/** An emulator on a real port, a bot receiver answering card callbacks with `answer.card`, and plain-fetch helpers. */
async function start() {
  const clock = { ms: Date.parse('2024-06-01T02:00:00Z') };
  const appId = `cli_refuse_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const emulator = createEmulator({ appId, appSecret: SECRET, now: () => clock.ms, tokenTtlSeconds: 30 * 24 * 3600 });
  emulator.addChat('oc_team', ['ou_alice']);
  const url = await listen(emulator.app.fetch);

  const answer: { card: unknown } = { card: undefined };
  const bot = new Hono();
  bot.post('/lark/events', (c) =>
    c.json({ toast: { type: 'success', content: 'ok' }, card: { type: 'raw', data: answer.card } }),
  );
  const botUrl = await listen(bot.fetch);
  const sender = createLarkSender({ eventUrl: `${botUrl}/lark/events`, verificationToken: 'vt', emulator });

  const tokenRes = await fetch(`${url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: appId, app_secret: SECRET }),
  });
  const token = ((await tokenRes.json()) as { tenant_access_token: string }).tenant_access_token;

  /** Plain fetch; the clock moves a second per call so that no rate limit is in the way. */
  const call = async (method: string, path: string, body: unknown): Promise<Answer & { bytes: number }> => {
    clock.ms += 1000;
    const raw = JSON.stringify(body);
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as Answer['body'], bytes: Buffer.byteLength(raw) };
  };
  const send = (card: unknown) =>
    call('POST', '/open-apis/im/v1/messages?receive_id_type=chat_id', {
      receive_id: 'oc_team',
      msg_type: 'interactive',
      content: JSON.stringify(card),
    });
  const reply = (parentId: string, card: unknown) =>
    call('POST', `/open-apis/im/v1/messages/${parentId}/reply`, {
      msg_type: 'interactive',
      content: JSON.stringify(card),
    });
  const patch = (messageId: string, card: unknown) =>
    call('PATCH', `/open-apis/im/v1/messages/${messageId}`, { content: JSON.stringify(card) });
  const update = (messageId: string, card: unknown) => {
    const { token: cardToken } = emulator.issueCardToken({ messageId, operatorOpenId: 'ou_alice', answered: true });
    return call('POST', '/open-apis/interactive/v1/card/update', { token: cardToken, card });
  };
  const answerWith = (messageId: string, card: unknown) => {
    answer.card = card;
    clock.ms += 1000;
    return sender.cardAction({ messageId, operator: 'ou_alice', value: { a: 'go' } });
  };
  const sendSmall = async (title: string) => {
    const sent = await send(small(title));
    expect(sent.body.code).toBe(0);
    return sent.body.data?.message_id ?? '';
  };
  return { emulator, send, reply, patch, update, answerWith, sendSmall };
}

describe('the emulator refuses the old cards on every path', () => {
  it('has the seven cards, each with the problem it is known for', () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(checkCard(fixture('projects-20-open.json')).elements).toBe(322);
    expect(checkCard(fixture('awards-70-office.json')).elements).toBe(203);
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`refuses ${file}: ${expected.message}${expected.subCode ? `/${expected.subCode}` : ''} on send, reply and PATCH, ${expected.delayed} on delayed update, 200673 as a callback answer`, async () => {
      const { emulator, send, reply, patch, update, answerWith, sendSmall } = await start();
      const card = fixture(file);
      const refusal = (a: Answer) => {
        expect(a.status).toBe(400);
        expect(a.body.code).toBe(expected.message);
        if (expected.subCode)
          expect(a.body.msg).toMatch(
            new RegExp(`^Failed to create card content, ext=ErrCode: ${expected.subCode}; ErrMsg: `),
          );
      };
      const kind = expected.message === 230025 ? 'content_too_long' : 'card_invalid';

      refusal(await send(card));
      expect(emulator.state.messages).toHaveLength(0);
      expect(emulator.state.violations.at(-1)?.kind).toBe(kind);

      const id = await sendSmall('v1');
      refusal(await reply(id, card));
      refusal(await patch(id, card));
      expect(emulator.state.messages).toHaveLength(1);
      expect(emulator.message(id)?.updates).toEqual([]);

      const delayed = await update(id, card);
      expect(delayed).toMatchObject({ status: 200, body: { code: expected.delayed } });
      expect(emulator.state.violations.at(-1)?.kind).toBe(kind);
      expect(emulator.message(id)?.updates).toEqual([]);

      const click = await answerWith(id, card);
      expect(click.clientError).toBe(200673);
      expect(click.card).toBeUndefined();
      expect(emulator.message(id)?.content).toEqual(small('v1'));
      expect(emulator.state.violations.at(-1)).toMatchObject({
        kind: 'card_invalid',
        subject: id,
        detail: expect.stringContaining('client error 200673'),
      });
    });
  }

  it('names the 11310 refusal exactly as the platform does', async () => {
    const { send } = await start();
    const refused = await send(fixture('awards-70-office.json'));
    expect(refused.body.msg).toBe(
      'Failed to create card content, ext=ErrCode: 11310; ErrMsg: element exceeds the limit',
    );
  });

  it('accepts a small valid card on send, reply, PATCH, delayed update and as a callback answer', async () => {
    const { emulator, reply, patch, update, answerWith, sendSmall } = await start();
    const id = await sendSmall('v1');
    expect((await reply(id, small('reply'))).body.code).toBe(0);
    expect(await patch(id, small('v2'))).toMatchObject({ status: 200, body: { code: 0 } });
    expect(await update(id, small('v3'))).toMatchObject({ status: 200, body: { code: 0 } });
    const click = await answerWith(id, small('v4'));
    expect(click.clientError).toBeUndefined();
    expect(emulator.message(id)?.content).toEqual(small('v4'));
    expect(emulator.message(id)?.updates.map((u) => u.source)).toEqual(['patch', 'card_update', 'callback']);
    expect(emulator.state.messages).toHaveLength(2);
    expect(emulator.state.violations).toEqual([]);
  });

  it('measures the request body: a card of 31 KB escaped but under 30 KB unescaped is refused where it is escaped', async () => {
    const { emulator, send, patch, update, answerWith, sendSmall } = await start();
    // Each `"` is 2 bytes in the card's JSON and 4 once the card is escaped inside `content`.
    const card = {
      schema: '2.0',
      body: { elements: [{ tag: 'markdown', content: `${'x'.repeat(27_000)}${'"'.repeat(1_300)}` }] },
    };
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(LARK_CARD_LIMITS.bodyBytes);
    expect(checkCard(card).elements).toBe(1);

    const refused = await send(card);
    expect(refused.bytes).toBeGreaterThan(31 * 1024);
    expect(refused).toMatchObject({ status: 400, body: { code: 230025 } });
    const id = await sendSmall('v1');
    expect(await patch(id, card)).toMatchObject({ status: 400, body: { code: 230025 } });
    expect((await answerWith(id, card)).clientError).toBe(200673);
    expect(emulator.message(id)?.updates).toEqual([]);

    // A delayed update carries the card as an object, not escaped: the same card fits there.
    const delayed = await update(id, card);
    expect(delayed.bytes).toBeLessThan(LARK_CARD_LIMITS.bodyBytes);
    expect(delayed).toMatchObject({ status: 200, body: { code: 0 } });
  });
});
