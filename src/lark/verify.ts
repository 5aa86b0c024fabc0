/**
 * Verification of what arrives at /lark/events, on the raw bytes, before anything is parsed further or stored.
 * One status per kind of failure:
 * - 400, the body is malformed: not UTF-8, not a JSON object, nested deeper than MAX_JSON_DEPTH (also after
 *   decryption), a signed (so Lark's) body whose ciphertext does not decrypt, or a verified body whose envelope is
 *   malformed;
 * - 401, the request is not proven to come from Lark: with an Encrypt Key, X-Lark-Signature must equal
 *   sha256(timestamp + nonce + key ‖ raw bytes) (constant-time compare) with the timestamp inside the freshness window;
 *   an unsigned encrypted body must decrypt with the configured key to a JSON object (a wrong key, no key, or garbage
 *   all fail here); the Verification Token in the payload must match whenever one is configured, and is required
 *   when there is no Encrypt Key; nothing configured at all is refused too.
 * The url_verification challenge is answered after its token is checked (Lark does not sign it:
 * https://open.feishu.cn/document/event-subscription-guide/event-subscriptions/event-subscription-configure-/choose-a-subscription-mode/send-notifications-to-developers-server).
 */
import type { z } from 'zod';
import { challengeSchema, v1EnvelopeSchema, v2EnvelopeSchema } from './envelope';
import { constantTimeEqual, decryptPayload, sha1Signature, sha256Signature } from './crypto';

export interface VerifySettings {
  encryptKey: string | undefined;
  verificationToken: string | undefined;
  maxAgeSeconds: number;
}

export type V2Envelope = z.infer<typeof v2EnvelopeSchema>;
export type V1Envelope = z.infer<typeof v1EnvelopeSchema>;

export type Verified =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'v2'; envelope: V2Envelope }
  | { kind: 'v1'; envelope: V1Envelope }
  | { kind: 'rejected'; status: 400 | 401; reason: string };

const reject = (status: 400 | 401, reason: string): Verified => ({ kind: 'rejected', status, reason });

type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/**
 * How deep a body's JSON may nest. Lark's payloads nest a few levels; a value nested thousands deep would overflow
 * the stack of every recursive reader after it (JSON.stringify when the event is stored), so it is refused up front.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests deeper than `max` (arrays and objects), measured without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [x, depth] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (depth + 1 > max) return true;
    for (const v of Array.isArray(x) ? x : Object.values(x))
      if (typeof v === 'object' && v !== null) stack.push([v, depth + 1]);
  }
  return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(raw: Uint8Array): JsonBody {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, reason: 'body is not UTF-8' };
  }
  return parseJsonText(text);
}

function parseJsonText(text: string): JsonBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: 'body is not a JSON object' };
  if (nestsDeeperThan(value, MAX_JSON_DEPTH))
    return { ok: false, reason: `body nests deeper than ${MAX_JSON_DEPTH} levels` };
  return { ok: true, value: value as Record<string, unknown> };
}

export function isFresh(timestampSeconds: string, nowMs: number, maxAgeSeconds: number): boolean {
  if (!/^\d{1,13}$/.test(timestampSeconds)) return false;
  return Math.abs(nowMs / 1000 - Number(timestampSeconds)) <= maxAgeSeconds;
}

function tokenMatches(expected: string | undefined, actual: unknown): boolean {
  return expected !== undefined && typeof actual === 'string' && constantTimeEqual(actual, expected);
}

/** The URL check, on both request URLs: answered once its Verification Token matches. */
function answerChallenge(
  body: Record<string, unknown>,
  settings: VerifySettings,
): Extract<Verified, { kind: 'challenge' | 'rejected' }> {
  const challenge = challengeSchema.safeParse(body);
  if (!challenge.success) return { kind: 'rejected', status: 400, reason: 'malformed url_verification' };
  if (!tokenMatches(settings.verificationToken, challenge.data.token))
    return { kind: 'rejected', status: 401, reason: 'verification token mismatch' };
  return { kind: 'challenge', challenge: challenge.data.challenge };
}

export async function verifyEventRequest(
  raw: Uint8Array,
  header: (name: string) => string | undefined,
  settings: VerifySettings,
  nowMs: number,
): Promise<Verified> {
  const outer = parseJsonBody(raw);
  if (!outer.ok) return reject(400, outer.reason);

  const timestamp = header('x-lark-request-timestamp');
  const nonce = header('x-lark-request-nonce');
  const signature = header('x-lark-signature');
  const signed = Boolean(timestamp && nonce && signature);
  if (settings.encryptKey && signed) {
    const expected = await sha256Signature(timestamp!, nonce!, settings.encryptKey, raw);
    if (!constantTimeEqual(signature!.toLowerCase(), expected)) return reject(401, 'signature mismatch');
    if (!isFresh(timestamp!, nowMs, settings.maxAgeSeconds)) return reject(401, 'stale or malformed timestamp');
  }

  let body: Record<string, unknown> = outer.value;
  if (typeof body.encrypt === 'string') {
    // A signed body was proven above to come from Lark: if it does not decrypt, it is malformed (400). An unsigned one
    // (only the URL check may be) that does not decrypt to JSON with our key is not proven to be Lark's (401): a wrong
    // key, no key, or garbage all look the same.
    const proven = Boolean(settings.encryptKey && signed);
    if (!settings.encryptKey) return reject(401, 'encrypted body but no LARK_ENCRYPT_KEY is configured');
    let plain: string;
    try {
      plain = await decryptPayload(body.encrypt, settings.encryptKey);
    } catch {
      return reject(proven ? 400 : 401, 'encrypted body cannot be decrypted with the configured Encrypt Key');
    }
    // Already decoded (strictly) as UTF-8 by decryptPayload; a decoder drops one leading BOM, as parseJsonBody would.
    const inner = parseJsonText(plain.charCodeAt(0) === 0xfeff ? plain.slice(1) : plain);
    if (!inner.ok)
      return reject(proven || inner.reason.includes('nests deeper') ? 400 : 401, `decrypted ${inner.reason}`);
    body = inner.value;
  }

  if (body.type === 'url_verification') return answerChallenge(body, settings);

  if (settings.encryptKey && !signed) return reject(401, 'missing signature headers');
  if (!settings.encryptKey && !settings.verificationToken)
    return reject(401, 'no LARK_VERIFICATION_TOKEN or LARK_ENCRYPT_KEY configured: requests cannot be verified');

  if (body.schema === '2.0') {
    const v2 = v2EnvelopeSchema.safeParse(body);
    if (!v2.success) return reject(400, 'malformed v2 envelope');
    if (settings.verificationToken && !tokenMatches(settings.verificationToken, v2.data.header.token))
      return reject(401, 'verification token mismatch');
    return { kind: 'v2', envelope: v2.data };
  }
  const v1 = v1EnvelopeSchema.safeParse(body);
  if (!v1.success) return reject(400, 'unknown envelope');
  if (settings.verificationToken && !tokenMatches(settings.verificationToken, v1.data.token))
    return reject(401, 'verification token mismatch');
  return { kind: 'v1', envelope: v1.data };
}

/**
 * The legacy card request URL: SHA-1 with the Verification Token, never encrypted
 * (https://open.larksuite.com/document/ukTMukTMukTM/uYzMxEjL2MTMx4iNzETM).
 */
export async function verifyLegacyCardRequest(
  raw: Uint8Array,
  header: (name: string) => string | undefined,
  settings: VerifySettings,
  nowMs: number,
): Promise<
  | { kind: 'challenge'; challenge: string }
  | { kind: 'action'; body: Record<string, unknown> }
  | { kind: 'rejected'; status: 400 | 401; reason: string }
> {
  const parsed = parseJsonBody(raw);
  if (!parsed.ok) return { kind: 'rejected', status: 400, reason: parsed.reason };
  const body = parsed.value;
  if (body.type === 'url_verification') return answerChallenge(body, settings);
  if (!settings.verificationToken)
    return { kind: 'rejected', status: 401, reason: 'no LARK_VERIFICATION_TOKEN configured' };
  const timestamp = header('x-lark-request-timestamp');
  const nonce = header('x-lark-request-nonce');
  const signature = header('x-lark-signature');
  if (!timestamp || !nonce || !signature) return { kind: 'rejected', status: 401, reason: 'missing signature headers' };
  const expected = await sha1Signature(timestamp, nonce, settings.verificationToken, raw);
  if (!constantTimeEqual(signature.toLowerCase(), expected))
    return { kind: 'rejected', status: 401, reason: 'signature mismatch' };
  if (!isFresh(timestamp, nowMs, settings.maxAgeSeconds))
    return { kind: 'rejected', status: 401, reason: 'stale or malformed timestamp' };
  return { kind: 'action', body };
}
