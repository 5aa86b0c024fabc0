/**
 * Verification of what arrives at /lark/events, on the raw bytes, before anything is parsed further or stored:
 * 1. the body must be UTF-8 JSON (else 400);
 * 2. with an Encrypt Key: X-Lark-Signature = sha256(timestamp + nonce + key ‖ raw bytes), compared in constant time,
 *    and the timestamp within the freshness window (else 401); then the body is decrypted;
 * 3. the url_verification challenge is answered after its token is checked (Lark does not sign it [LARK.md §1.2]);
 * 4. the Verification Token in the payload must match whenever one is configured, and is required when there is no
 *    Encrypt Key (else 401).
 */
import { z } from 'zod';
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
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'body is not a JSON object' };
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
function answerChallenge(body: Record<string, unknown>, settings: VerifySettings): Extract<Verified, { kind: 'challenge' | 'rejected' }> {
  const challenge = challengeSchema.safeParse(body);
  if (!challenge.success) return { kind: 'rejected', status: 400, reason: 'malformed url_verification' };
  if (!tokenMatches(settings.verificationToken, challenge.data.token)) return { kind: 'rejected', status: 401, reason: 'verification token mismatch' };
  return { kind: 'challenge', challenge: challenge.data.challenge };
}

export async function verifyEventRequest(raw: Uint8Array, header: (name: string) => string | undefined, settings: VerifySettings, nowMs: number): Promise<Verified> {
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
    if (!settings.encryptKey) return reject(400, 'encrypted body but no LARK_ENCRYPT_KEY is configured');
    let plain: string;
    try {
      plain = await decryptPayload(body.encrypt, settings.encryptKey);
    } catch {
      return reject(400, 'encrypted body cannot be decrypted');
    }
    // Already decoded (strictly) as UTF-8 by decryptPayload; a decoder drops one leading BOM, as parseJsonBody would.
    const inner = parseJsonText(plain.charCodeAt(0) === 0xfeff ? plain.slice(1) : plain);
    if (!inner.ok) return reject(400, `decrypted ${inner.reason}`);
    body = inner.value;
  }

  if (body.type === 'url_verification') return answerChallenge(body, settings);

  if (settings.encryptKey && !signed) return reject(401, 'missing signature headers');
  if (!settings.encryptKey && !settings.verificationToken) return reject(401, 'no LARK_VERIFICATION_TOKEN or LARK_ENCRYPT_KEY configured: requests cannot be verified');

  if (body.schema === '2.0') {
    const v2 = v2EnvelopeSchema.safeParse(body);
    if (!v2.success) return reject(400, 'malformed v2 envelope');
    if (settings.verificationToken && !tokenMatches(settings.verificationToken, v2.data.header.token)) return reject(401, 'verification token mismatch');
    return { kind: 'v2', envelope: v2.data };
  }
  const v1 = v1EnvelopeSchema.safeParse(body);
  if (!v1.success) return reject(400, 'unknown envelope');
  if (settings.verificationToken && !tokenMatches(settings.verificationToken, v1.data.token)) return reject(401, 'verification token mismatch');
  return { kind: 'v1', envelope: v1.data };
}

/** The legacy card request URL: SHA-1 with the Verification Token, never encrypted [LARK.md §3.4]. */
export async function verifyLegacyCardRequest(
  raw: Uint8Array,
  header: (name: string) => string | undefined,
  settings: VerifySettings,
  nowMs: number,
): Promise<{ kind: 'challenge'; challenge: string } | { kind: 'action'; body: Record<string, unknown> } | { kind: 'rejected'; status: 400 | 401; reason: string }> {
  const parsed = parseJsonBody(raw);
  if (!parsed.ok) return { kind: 'rejected', status: 400, reason: parsed.reason };
  const body = parsed.value;
  if (body.type === 'url_verification') return answerChallenge(body, settings);
  if (!settings.verificationToken) return { kind: 'rejected', status: 401, reason: 'no LARK_VERIFICATION_TOKEN configured' };
  const timestamp = header('x-lark-request-timestamp');
  const nonce = header('x-lark-request-nonce');
  const signature = header('x-lark-signature');
  if (!timestamp || !nonce || !signature) return { kind: 'rejected', status: 401, reason: 'missing signature headers' };
  const expected = await sha1Signature(timestamp, nonce, settings.verificationToken, raw);
  if (!constantTimeEqual(signature.toLowerCase(), expected)) return { kind: 'rejected', status: 401, reason: 'signature mismatch' };
  if (!isFresh(timestamp, nowMs, settings.maxAgeSeconds)) return { kind: 'rejected', status: 401, reason: 'stale or malformed timestamp' };
  return { kind: 'action', body };
}
