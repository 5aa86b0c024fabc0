/**
 * No signed request of any shape gets a 5xx: random JSON (envelopes of every kind the bot knows, with random fields;
 * bare values; values nested thousands deep; bodies up to the size limit), signed and encrypted as Lark does, to the
 * event URL, and signed with SHA-1 to the legacy card URL. A 5xx would make Lark re-deliver for hours; every signed
 * body must get a definite 2xx or 4xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/app';
import { encryptBody, eventSignature, legacyCardSignature, newNonce } from '../../src/emulator/wire';
import { freshDatabase, type TestDatabase } from '../support/database';
import { ENCRYPT_KEY, startHarness, VERIFICATION_TOKEN, type Harness } from '../support/harness';

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

const EVENT_TYPES = [
  'im.message.receive_v1',
  'card.action.trigger',
  'im.chat.member.bot.added_v1',
  'im.chat.member.bot.deleted_v1',
  'im.chat.access_event.bot_p2p_chat_entered_v1',
  'url_verification',
  'unknown.event',
];

/** Any JSON value, with unicode strings (lone surrogates included through escapes) and a bounded depth. */
const anyJson = fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' });
const someString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', 'ou_x', 'oc_x', 'om_x', '2.0', 'p2p', 'group', 'text'),
);
const field = fc.oneof(someString, anyJson);

/** A v2 envelope whose fields are sometimes right and sometimes anything. */
const v2Envelope = fc.record(
  {
    schema: fc.oneof(fc.constant('2.0'), field),
    header: fc.oneof(
      fc.record(
        {
          event_id: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), field),
          event_type: fc.oneof(fc.constantFrom(...EVENT_TYPES), field),
          token: fc.oneof(fc.constant(VERIFICATION_TOKEN), field),
          create_time: field,
        },
        { requiredKeys: [] },
      ),
      field,
    ),
    event: fc.oneof(
      fc.record(
        {
          message: fc.oneof(
            fc.record(
              {
                message_id: field,
                chat_id: field,
                chat_type: field,
                message_type: field,
                content: fc.oneof(fc.json({ maxDepth: 4 }), field),
                mentions: field,
              },
              { requiredKeys: [] },
            ),
            field,
          ),
          sender: field,
          operator: fc.oneof(
            fc.record({ open_id: fc.oneof(fc.constant('ou_prop'), field) }, { requiredKeys: [] }),
            field,
          ),
          action: fc.oneof(
            fc.record({ value: field, form_value: field, tag: field, name: field }, { requiredKeys: [] }),
            field,
          ),
          context: field,
          token: field,
          chat_id: field,
          operator_id: field,
        },
        { requiredKeys: [] },
      ),
      field,
    ),
  },
  { requiredKeys: [] },
);

const v1Envelope = fc.record(
  {
    uuid: field,
    token: fc.oneof(fc.constant(VERIFICATION_TOKEN), field),
    type: fc.oneof(fc.constant('event_callback'), field),
    event: field,
    ts: field,
  },
  { requiredKeys: [] },
);
const challenge = fc.record(
  { type: fc.constant('url_verification'), challenge: field, token: fc.oneof(fc.constant(VERIFICATION_TOKEN), field) },
  { requiredKeys: [] },
);

/**
 * A valid message event, card callback or membership event carrying a value nested `depth` levels deep, written as text
 * (building it as a value and stringifying it would overflow the stack).
 */
const deeplyNested = fc
  .tuple(
    fc.integer({ min: 65, max: 20_000 }),
    fc.constantFrom('[', '{"a":'),
    fc.constantFrom('message', 'card', 'added'),
    fc.integer({ min: 0, max: 1e9 }),
  )
  .map(([depth, open, kind, n]) => {
    const close = open === '[' ? ']' : '}';
    const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
    const header = (type: string) =>
      `"header":{"event_id":"deep${kind}${n}","event_type":"${type}","token":"${VERIFICATION_TOKEN}"}`;
    if (kind === 'message') {
      const content = JSON.stringify(JSON.stringify({ text: '帮助' }));
      return `{"schema":"2.0",${header('im.message.receive_v1')},"event":{"sender":{"sender_id":{"open_id":"ou_deep"},"sender_type":"user"},"message":{"message_id":"om_deep${n}","chat_id":"oc_deep","chat_type":"p2p","message_type":"text","content":${content}},"x":${deep}}}`;
    }
    if (kind === 'card')
      return `{"schema":"2.0",${header('card.action.trigger')},"event":{"operator":{"open_id":"ou_deep"},"token":"c-x","action":{"value":{"a":"help.show"},"form_value":{"f":${deep}}},"context":{"open_message_id":"om_x","open_chat_id":"oc_x"}}}`;
    return `{"schema":"2.0",${header('im.chat.member.bot.added_v1')},"event":{"chat_id":"oc_deep${n}","name":${deep}}}`;
  });

/** Near the size limit: the encrypted body (base64, 4/3 of the plaintext) stays under it. */
const large = fc.integer({ min: 100_000, max: Math.floor((MAX_BODY_BYTES * 3) / 4) - 2_000 }).map((n) =>
  JSON.stringify({
    schema: '2.0',
    header: { event_id: `big${n}`, event_type: 'im.message.receive_v1', token: VERIFICATION_TOKEN },
    event: { pad: '字'.repeat(Math.floor(n / 3)) },
  }),
);

const plaintext = fc.oneof(
  { weight: 4, arbitrary: v2Envelope.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: v1Envelope.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: challenge.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

async function post(path: string, body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${h.botUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

async function signedEvent(plain: string): Promise<number> {
  const body = JSON.stringify({ encrypt: encryptBody(plain, ENCRYPT_KEY) });
  const timestamp = String(Math.floor(h.container.clock.now() / 1000));
  const nonce = newNonce();
  return post('/lark/events', body, {
    'X-Lark-Request-Timestamp': timestamp,
    'X-Lark-Request-Nonce': nonce,
    'X-Lark-Signature': eventSignature(timestamp, nonce, ENCRYPT_KEY, body),
  });
}

async function signedLegacy(body: string): Promise<number> {
  const timestamp = String(Math.floor(h.container.clock.now() / 1000));
  const nonce = newNonce();
  return post('/lark/card', body, {
    'X-Lark-Request-Timestamp': timestamp,
    'X-Lark-Request-Nonce': nonce,
    'X-Lark-Signature': legacyCardSignature(timestamp, nonce, VERIFICATION_TOKEN, body),
    'X-Refresh-Token': 'r',
  });
}

const definite = (status: number) => status >= 200 && status < 500;

describe('no signed request of any shape gets a 5xx', () => {
  it('signed and encrypted to the event URL: random envelopes, bare values, deep nesting, odd text', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, async (plain) => {
        expect(definite(await signedEvent(plain)), plain.slice(0, 300)).toBe(true);
      }),
      { numRuns: 150 },
    );
    await h.settle();
  });

  it('bodies up to the size limit', async () => {
    await fc.assert(
      fc.asyncProperty(large, async (plain) => {
        expect(definite(await signedEvent(plain))).toBe(true);
      }),
      { numRuns: 4 },
    );
  });

  it('signed with SHA-1 to the legacy card URL', async () => {
    const legacy = fc.oneof(
      fc
        .record(
          {
            open_id: fc.oneof(fc.constant('ou_prop'), field),
            open_message_id: field,
            token: field,
            action: fc.oneof(fc.record({ value: field, form_value: field }, { requiredKeys: [] }), field),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      deeplyNested,
      anyJson.map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(legacy, async (body) => {
        expect(definite(await signedLegacy(body)), body.slice(0, 300)).toBe(true);
      }),
      { numRuns: 60 },
    );
    await h.settle();
  });
});
