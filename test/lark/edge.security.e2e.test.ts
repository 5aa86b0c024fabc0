/**
 * What must never get through, and what must never happen twice.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/database';
import { ENCRYPT_KEY, rowCounts, startHarness, VERIFICATION_TOKEN, type Harness } from '../support/harness';
import { seeded, between } from '../support/random';

let db: TestDatabase;
let h: Harness;
beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => h.emu.emulator.reset());

describe('forged deliveries answer 401 and store nothing', () => {
  it.each([
    ['the same bytes with one character changed', { tamper: true }],
    ['a timestamp ten minutes old', { staleSeconds: 600 }],
    ['a wrong verification token', { wrongToken: true }],
    ['a signature made with another key', { badSignature: true }],
    ['no signature at all', { unsigned: true }],
  ])('%s', async (_, options) => {
    const before = await rowCounts(db);
    const d = await h.lark.messageReceived({ sender: 'ou_x', text: '帮助' }, options);
    expect(d.reply.status).toBe(401);
    await h.settle();
    expect(await rowCounts(db)).toEqual(before);
    expect(h.emu.emulator.state.messages).toHaveLength(0);
  });

  it('a forged card callback is refused before any effect', async () => {
    await h.lark.p2pChatEntered({ operator: 'ou_y' });
    await h.settle();
    const welcome = h.emu.emulator.state.messages[0]!;
    const d = await h.lark.cardAction(
      { messageId: welcome.messageId, operator: 'ou_y', value: { a: 'help.show' } },
      { tamper: true },
    );
    expect(d.reply.status).toBe(401);
    expect(JSON.stringify(h.emu.emulator.message(welcome.messageId)!.content)).toContain('欢迎使用赛道助手');
  });
});

describe('duplicates', () => {
  it('one event delivered 5 times at once and again later has exactly one effect', async () => {
    const d = await h.lark.messageReceived({ sender: 'ou_dup', text: 'help' }, { copies: 5 });
    expect(d.replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await h.settle();
    h.container.clock.advance(6 * 3_600_000); // Lark's last retry comes about 6 h later.
    const later = await h.lark.redeliver(d);
    expect(later.reply.status).toBe(200);
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(1);
    h.container.clock.advance(-6 * 3_600_000);
  });

  it('the same message re-delivered under a new event id has no second effect', async () => {
    const first = await h.lark.messageReceived({ sender: 'ou_dup2', text: 'help', messageId: 'om_same_message' });
    await h.lark.messageReceived({ sender: 'ou_dup2', text: 'help', messageId: 'om_same_message' });
    expect(first.reply.status).toBe(200);
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(1);
  });

  it('a card click delivered twice acts once', async () => {
    await h.lark.p2pChatEntered({ operator: 'ou_twice' });
    await h.settle();
    const welcome = h.emu.emulator.state.messages[0]!;
    const d = await h.lark.cardAction(
      { messageId: welcome.messageId, operator: 'ou_twice', value: { a: 'help.show' } },
      { copies: 3 },
    );
    const withCard = d.replies.filter((r) => JSON.stringify(r.body).includes('赛道助手 · 帮助'));
    expect(withCard).toHaveLength(1);
    expect(d.replies.every((r) => r.status === 200)).toBe(true);
  });
});

describe('malformed bodies', () => {
  it('hundreds of broken requests: no 5xx, no crash, no rows written', async () => {
    const before = await rowCounts(db);
    const rand = seeded(2024);
    const valid = JSON.stringify({
      schema: '2.0',
      header: { event_id: 'e1', event_type: 'im.message.receive_v1', token: VERIFICATION_TOKEN },
      event: { message: {} },
    });
    const bodies: Array<{ body: BodyInit; type?: string }> = [];
    for (let i = 0; i < 120; i++) bodies.push({ body: valid.slice(0, between(rand, 0, valid.length)) }); // truncated
    for (const v of [
      null,
      1,
      'x',
      [],
      true,
      { encrypt: 5 },
      { encrypt: 'not base64 !!' },
      { schema: '2.0' },
      { schema: '2.0', header: 'x' },
      { type: 'url_verification' },
      { type: 'url_verification', challenge: 7, token: VERIFICATION_TOKEN },
    ]) {
      bodies.push({ body: JSON.stringify(v) });
    }
    for (let i = 0; i < 60; i++) {
      const bytes = new Uint8Array(between(rand, 1, 400));
      for (let j = 0; j < bytes.length; j++) bytes[j] = between(rand, 0, 256);
      bodies.push({ body: bytes });
    }
    bodies.push({ body: JSON.stringify({ encrypt: 'A'.repeat(900_000) }) }); // huge field
    bodies.push({ body: 'x'.repeat(2 * 1024 * 1024) }); // 2 MB
    bodies.push({ body: valid, type: 'text/plain' }); // wrong content type
    bodies.push({ body: 'challenge=1', type: 'application/x-www-form-urlencoded' });
    const statuses = new Map<number, number>();
    for (const [i, b] of bodies.entries()) {
      for (const path of ['/lark/events', '/lark/card']) {
        const status = await postRaw(`${h.botUrl}${path}`, b.body as string | Uint8Array, {
          'content-type': b.type ?? 'application/json',
          'x-lark-request-timestamp': String(Math.floor(h.container.clock.now() / 1000)),
          'x-lark-request-nonce': `n${i}`,
          'x-lark-signature': 'f'.repeat(64),
        });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect(status, `body #${i} to ${path}`).toBeLessThan(500);
        const oversized =
          (typeof b.body === 'string' ? Buffer.byteLength(b.body) : (b.body as Uint8Array).length) > 1024 * 1024;
        if (status === RESET) expect(oversized, `body #${i} reset`).toBe(true);
      }
    }
    expect(bodies.length).toBeGreaterThan(190);
    expect([...statuses.keys()].every((s) => [400, 401, 413, RESET].includes(s))).toBe(true);
    await h.settle();
    expect(await rowCounts(db)).toEqual(before);
    // Still healthy afterwards.
    expect((await fetch(`${h.botUrl}/readyz`)).status).toBe(200);
    void ENCRYPT_KEY;
  });
});

const RESET = -1;

/** A raw POST that reads the status even when the server answers (413) before the whole body was sent. */
function postRaw(url: string, body: string | Uint8Array, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(bytes.length) } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    // Over the size limit the server answers 413 and closes the connection while the body is still being written:
    // the client may then see the reset instead of the answer.
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? resolve(RESET) : reject(err),
    );
    req.end(bytes);
  });
}
