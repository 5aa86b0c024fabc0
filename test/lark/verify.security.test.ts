/**
 * Verification of what claims to come from Lark, with an independent implementation (node:crypto) of how Lark
 * signs and encrypts
 * (https://open.feishu.cn/document/event-subscription-guide/event-subscriptions/event-subscription-configure-/choose-a-subscription-mode/send-notifications-to-developers-server,
 * https://open.feishu.cn/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/encrypt-key-encryption-configuration-case).
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptoImplementations, decryptPayload, encryptPayload } from '../../src/lark/crypto';
import {
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  verifyEventRequest,
  verifyLegacyCardRequest,
  type VerifySettings,
} from '../../src/lark/verify';

const KEY = 'test-encrypt-key';
const TOKEN = 'test-verification-token';
const NOW = Date.parse('2024-04-01T02:00:00Z');
const ts = String(Math.floor(NOW / 1000));
const withKey: VerifySettings = { encryptKey: KEY, verificationToken: TOKEN, maxAgeSeconds: 300 };
const tokenOnly: VerifySettings = { encryptKey: undefined, verificationToken: TOKEN, maxAgeSeconds: 300 };

function larkEncrypt(plain: string, key = KEY): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}
function larkSign(timestamp: string, nonce: string, raw: Buffer, key = KEY): string {
  return createHash('sha256')
    .update(timestamp + nonce + key)
    .update(raw)
    .digest('hex');
}
const event = (token = TOKEN) =>
  JSON.stringify({
    schema: '2.0',
    header: { event_id: 'ev_1', event_type: 'im.message.receive_v1', token, create_time: String(NOW) },
    event: {},
  });

function signed(inner: string, options: { timestamp?: string; key?: string; tamper?: boolean } = {}) {
  const raw = Buffer.from(JSON.stringify({ encrypt: larkEncrypt(inner) }));
  const timestamp = options.timestamp ?? ts;
  const headers: Record<string, string> = {
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': 'n0nce',
    'x-lark-signature': larkSign(timestamp, 'n0nce', raw, options.key),
  };
  if (options.tamper) raw[raw.length - 3] = raw[raw.length - 3]! ^ 1;
  return { raw: new Uint8Array(raw), header: (n: string) => headers[n] };
}

describe('signed and encrypted events', () => {
  it('accepts a correctly signed, encrypted event and hands back the decrypted envelope', async () => {
    const r = signed(event());
    const v = await verifyEventRequest(r.raw, r.header, withKey, NOW);
    expect(v.kind).toBe('v2');
    if (v.kind === 'v2') expect(v.envelope.header.event_id).toBe('ev_1');
  });

  it('accepts a signature over a body with whitespace (the raw bytes are hashed, not re-serialised JSON)', async () => {
    const raw = Buffer.from(`{ "encrypt" :  "${larkEncrypt(event())}" }\n`);
    const sig = larkSign(ts, 'n', raw);
    const v = await verifyEventRequest(
      new Uint8Array(raw),
      (n) => ({ 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': sig })[n],
      withKey,
      NOW,
    );
    expect(v.kind).toBe('v2');
  });

  it('accepts an encrypted event whose plaintext starts with a byte-order mark (or two, as before)', async () => {
    for (const bom of ['\ufeff', '\ufeff\ufeff']) {
      const r = signed(bom + event());
      expect((await verifyEventRequest(r.raw, r.header, withKey, NOW)).kind).toBe('v2');
    }
    const r = signed(`\ufeff\ufeff\ufeff${event()}`);
    expect(await verifyEventRequest(r.raw, r.header, withKey, NOW)).toMatchObject({
      kind: 'rejected',
      status: 400,
      reason: 'decrypted body is not JSON',
    });
  });

  it.each([
    ['one byte changed', { tamper: true }],
    ['signed with another key', { key: 'other-key' }],
    ['a timestamp 6 minutes old', { timestamp: String(Math.floor(NOW / 1000) - 360) }],
    ['a timestamp 6 minutes in the future', { timestamp: String(Math.floor(NOW / 1000) + 360) }],
    ['a timestamp that is not a number', { timestamp: 'yesterday' }],
  ])('rejects %s with 401', async (_, options) => {
    const r = signed(event(), options);
    const v = await verifyEventRequest(r.raw, r.header, withKey, NOW);
    expect(v).toMatchObject({ kind: 'rejected', status: 401 });
  });

  it('rejects a correctly signed event whose verification token is wrong', async () => {
    const r = signed(event('wrong-token'));
    expect(await verifyEventRequest(r.raw, r.header, withKey, NOW)).toMatchObject({
      kind: 'rejected',
      status: 401,
      reason: 'verification token mismatch',
    });
  });

  it('rejects an event without signature headers when an Encrypt Key is configured', async () => {
    const raw = new TextEncoder().encode(JSON.stringify({ encrypt: larkEncrypt(event()) }));
    expect(await verifyEventRequest(raw, () => undefined, withKey, NOW)).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
  });

  it("answers 401 for an unsigned body encrypted with another key, or when no Encrypt Key is configured: not proven to be Lark's", async () => {
    const other = new TextEncoder().encode(JSON.stringify({ encrypt: larkEncrypt(event(), 'another-key') }));
    expect(await verifyEventRequest(other, () => undefined, withKey, NOW)).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
    const garbage = new TextEncoder().encode(JSON.stringify({ encrypt: 'AAAA' }));
    expect(await verifyEventRequest(garbage, () => undefined, withKey, NOW)).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
    const ours = new TextEncoder().encode(JSON.stringify({ encrypt: larkEncrypt(event()) }));
    expect(await verifyEventRequest(ours, () => undefined, tokenOnly, NOW)).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
  });

  it('answers 400 for a body nested deeper than the limit, plain or once decrypted, before anything reads it recursively', async () => {
    const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    // Written as text: JSON.stringify of it would itself overflow the stack, which is the point.
    const tooDeep = `{"schema":"2.0","header":{"event_id":"ev_deep","event_type":"im.message.receive_v1","token":"${TOKEN}"},"event":{"x":${deep(10_000)}}}`;
    const r = signed(tooDeep);
    expect(await verifyEventRequest(r.raw, r.header, withKey, NOW)).toMatchObject({
      kind: 'rejected',
      status: 400,
      reason: `decrypted body nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
    expect(await verifyEventRequest(new TextEncoder().encode(tooDeep), () => undefined, tokenOnly, NOW)).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
    // Lark's own payloads are a few levels deep and pass.
    const ok = signed(JSON.stringify({ ...JSON.parse(event()), event: { x: JSON.parse(deep(40)) } }));
    expect((await verifyEventRequest(ok.raw, ok.header, withKey, NOW)).kind).toBe('v2');
    expect(nestsDeeperThan(JSON.parse(deep(64)), 64)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(deep(65)), 64)).toBe(true);
    expect(nestsDeeperThan([[[[]]]], 3)).toBe(true);
    expect(nestsDeeperThan('x', 0)).toBe(false);
  });

  it('answers 400 for ciphertext that does not decrypt and for bodies that are not JSON', async () => {
    const bad = new TextEncoder().encode(JSON.stringify({ encrypt: 'AAAA' }));
    const sig = larkSign(ts, 'n', Buffer.from(bad));
    expect(
      await verifyEventRequest(
        bad,
        (n) => ({ 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': sig })[n],
        withKey,
        NOW,
      ),
    ).toMatchObject({ status: 400 });
    expect(
      await verifyEventRequest(new TextEncoder().encode('{"encrypt":'), () => undefined, withKey, NOW),
    ).toMatchObject({ status: 400 });
    expect(await verifyEventRequest(new Uint8Array([0xff, 0xfe, 0x7b]), () => undefined, withKey, NOW)).toMatchObject({
      status: 400,
      reason: 'body is not UTF-8',
    });
    expect(await verifyEventRequest(new TextEncoder().encode('[1,2]'), () => undefined, withKey, NOW)).toMatchObject({
      status: 400,
    });
  });
});

describe('the verification token, without an Encrypt Key', () => {
  const plain = (body: string) => new TextEncoder().encode(body);
  it('accepts the right token and rejects a wrong or missing one', async () => {
    expect((await verifyEventRequest(plain(event()), () => undefined, tokenOnly, NOW)).kind).toBe('v2');
    expect(await verifyEventRequest(plain(event('nope')), () => undefined, tokenOnly, NOW)).toMatchObject({
      status: 401,
    });
    const noToken = JSON.stringify({ schema: '2.0', header: { event_id: 'e', event_type: 'x' }, event: {} });
    expect(await verifyEventRequest(plain(noToken), () => undefined, tokenOnly, NOW)).toMatchObject({ status: 401 });
  });

  it('rejects everything when neither a token nor a key is configured', async () => {
    const none: VerifySettings = { encryptKey: undefined, verificationToken: undefined, maxAgeSeconds: 300 };
    expect(await verifyEventRequest(plain(event()), () => undefined, none, NOW)).toMatchObject({ status: 401 });
  });
});

describe('url_verification', () => {
  it('answers a plain challenge with the right token, refuses a wrong one', async () => {
    const body = (token: string) =>
      new TextEncoder().encode(JSON.stringify({ challenge: 'ch-123', token, type: 'url_verification' }));
    expect(await verifyEventRequest(body(TOKEN), () => undefined, tokenOnly, NOW)).toEqual({
      kind: 'challenge',
      challenge: 'ch-123',
    });
    expect(await verifyEventRequest(body('bad'), () => undefined, tokenOnly, NOW)).toMatchObject({ status: 401 });
  });

  it('answers an encrypted challenge (unsigned, as Lark sends it)', async () => {
    const raw = new TextEncoder().encode(
      JSON.stringify({
        encrypt: larkEncrypt(JSON.stringify({ challenge: 'ch-enc', token: TOKEN, type: 'url_verification' })),
      }),
    );
    expect(await verifyEventRequest(raw, () => undefined, withKey, NOW)).toEqual({
      kind: 'challenge',
      challenge: 'ch-enc',
    });
  });
});

describe('the legacy card request URL (SHA-1 with the verification token)', () => {
  it('accepts a correct signature and rejects a tampered body', async () => {
    const raw = Buffer.from(
      JSON.stringify({ open_id: 'ou_1', open_message_id: 'om_1', token: 'c-1', action: { value: { a: 'help.show' } } }),
    );
    const sig = createHash('sha1').update(`${ts}nn${TOKEN}`).update(raw).digest('hex');
    const header = (n: string) =>
      ({ 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'nn', 'x-lark-signature': sig })[n];
    expect((await verifyLegacyCardRequest(new Uint8Array(raw), header, tokenOnly, NOW)).kind).toBe('action');
    raw[5] = raw[5]! ^ 1;
    expect(await verifyLegacyCardRequest(new Uint8Array(raw), header, tokenOnly, NOW)).toMatchObject({ status: 401 });
  });
});

describe('AES round trip', () => {
  it('decrypts what Lark encrypts and what we encrypt, including Chinese', async () => {
    expect(await decryptPayload(larkEncrypt('{"a":"黄浦区"}'), KEY)).toBe('{"a":"黄浦区"}');
    expect(await decryptPayload(await encryptPayload('{"b":"报名"}', KEY), KEY)).toBe('{"b":"报名"}');
    await expect(decryptPayload(larkEncrypt('{}'), 'wrong')).rejects.toThrow();
  });
});

describe('WebCrypto (Workers) and node:crypto (Node) implementations', () => {
  const { web, node } = cryptoImplementations;

  it('node:crypto is the one in use on Node', () => {
    expect(node).toBeDefined();
  });

  it('give the same signatures and decrypt each other, on random and edge-case inputs', async () => {
    const texts = [
      '',
      '{}',
      '{"a":"黄浦区"}',
      'x'.repeat(15),
      'y'.repeat(16),
      'z'.repeat(17),
      '\ufeff{"bom":1}',
      randomBytes(700).toString('base64'),
    ];
    for (const plain of texts) {
      const raw = new Uint8Array(randomBytes(1 + plain.length));
      expect(await node!.sha256Signature(ts, 'n0nce', KEY, raw)).toBe(await web.sha256Signature(ts, 'n0nce', KEY, raw));
      expect(await node!.sha1Signature(ts, 'n0nce', TOKEN, raw)).toBe(await web.sha1Signature(ts, 'n0nce', TOKEN, raw));
      // Both decode with a UTF-8 decoder, which drops a leading byte-order mark.
      const decoded = plain.replace(/^\ufeff/, '');
      expect(await node!.decryptPayload(await web.encryptPayload(plain, KEY), KEY)).toBe(decoded);
      expect(await web.decryptPayload(await node!.encryptPayload(plain, KEY), KEY)).toBe(decoded);
      expect(await node!.decryptPayload(larkEncrypt(plain), KEY)).toBe(
        await web.decryptPayload(larkEncrypt(plain), KEY),
      );
    }
  });

  it('refuse the same malformed ciphertexts', async () => {
    const good = larkEncrypt('{"a":1}');
    const bytes = Buffer.from(good, 'base64');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0xff;
    const notUtf8 = (() => {
      const iv = randomBytes(16);
      const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(KEY).digest(), iv);
      return Buffer.concat([iv, cipher.update(Buffer.from([0xff, 0xfe, 0x7b])), cipher.final()]).toString('base64');
    })();
    const cases: Array<[string, string]> = [
      ['too short', 'AAAA'],
      ['not a multiple of the block size', bytes.subarray(0, bytes.length - 1).toString('base64')],
      ['a stray character in the base64', `${good.slice(0, 10)}!${good.slice(10)}`],
      ['a bad padding', flipped.toString('base64')],
      ['plaintext that is not UTF-8', notUtf8],
      ['the wrong key', good],
    ];
    for (const [what, encrypted] of cases) {
      const key = what === 'the wrong key' ? 'wrong' : KEY;
      const outcome = async (impl: typeof web) =>
        impl.decryptPayload(encrypted, key).then(
          (p) => `ok ${p}`,
          () => 'rejected',
        );
      expect(await outcome(node!), what).toBe(await outcome(web));
      if (what !== 'the wrong key') expect(await outcome(node!), what).toBe('rejected');
    }
  });
});
