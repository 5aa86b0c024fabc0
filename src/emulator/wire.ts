/**
 * What Lark does to a request body before it reaches the bot: AES-256-CBC encryption and the signatures.
 * Node-only (node:crypto): used by the sender in tests, benchmarks and the standalone emulator.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * [EVT-SRV][CB-RECV] key = SHA-256 of the Encrypt Key string, random 16-byte IV, PKCS#7 padding,
 * wire value = base64(IV ‖ ciphertext), sent as `{"encrypt":"…"}`.
 */
export function encryptBody(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const cipher = createCipheriv('aes-256-cbc', key, iv); // PKCS#7 padding is node's default
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** [EVT-RECV][CB-RECV] lowercase hex SHA-256 of utf8(timestamp + nonce + encryptKey) followed by the raw body bytes. */
export function eventSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey, 'utf8')
    .update(rawBody, 'utf8')
    .digest('hex');
}

/** [CARD-URL-OLD] legacy card request URL: hex SHA-1 of timestamp + nonce + Verification Token + raw body. */
export function legacyCardSignature(
  timestamp: string,
  nonce: string,
  verificationToken: string,
  rawBody: string,
): string {
  return createHash('sha1')
    .update(timestamp + nonce + verificationToken + rawBody, 'utf8')
    .digest('hex');
}

/** A random nonce like Lark's (digits and letters). */
export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

/** 32 lowercase hex characters, the shape of a v2 `header.event_id`. */
export function newEventId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Changes one character after signing (security tests): the first letter or digit from the middle of the body
 * on, swapped for another of the same class, so that the body stays parseable JSON.
 */
export function tamper(rawBody: string): string {
  for (let i = Math.floor(rawBody.length / 2); i < rawBody.length + rawBody.length / 2; i++) {
    const at = i % rawBody.length;
    const ch = rawBody[at] ?? '';
    const swapped = /[0-8]/.test(ch)
      ? String(Number(ch) + 1)
      : ch === '9'
        ? '0'
        : /[a-y]/i.test(ch)
          ? String.fromCharCode(ch.charCodeAt(0) + 1)
          : /[zZ]/.test(ch)
            ? 'a'
            : undefined;
    if (swapped !== undefined) return rawBody.slice(0, at) + swapped + rawBody.slice(at + 1);
  }
  return `${rawBody} `;
}
