/**
 * Lark's request security, on WebCrypto so that it runs on Node and on Workers.
 * - Encrypted bodies: AES-256-CBC, key = SHA-256(Encrypt Key), wire = base64(IV ‖ ciphertext), PKCS#7 [LARK.md §1.5].
 * - Signature: hex(SHA-256(timestamp + nonce + encryptKey ‖ raw body bytes)) [LARK.md §1.6]; never over re-serialised JSON.
 * - Legacy card request URL: hex(SHA-1(timestamp + nonce + verificationToken ‖ raw body)) [LARK.md §1.6, CARD-URL-OLD].
 */

const encoder = new TextEncoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function hex(buffer: ArrayBuffer): string {
  let out = '';
  for (const b of new Uint8Array(buffer)) out += b.toString(16).padStart(2, '0');
  return out;
}

export async function sha256Signature(timestamp: string, nonce: string, encryptKey: string, rawBody: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', concat(encoder.encode(timestamp + nonce + encryptKey), rawBody) as BufferSource));
}

export async function sha1Signature(timestamp: string, nonce: string, verificationToken: string, rawBody: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-1', concat(encoder.encode(timestamp + nonce + verificationToken), rawBody) as BufferSource));
}

/** Compares every character whatever the first difference, so timing reveals nothing about the expected value. */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

const keys = new Map<string, Promise<CryptoKey>>();
function aesKey(encryptKey: string): Promise<CryptoKey> {
  let key = keys.get(encryptKey);
  if (!key) {
    key = crypto.subtle
      .digest('SHA-256', encoder.encode(encryptKey))
      .then((raw) => crypto.subtle.importKey('raw', raw, { name: 'AES-CBC' }, false, ['decrypt', 'encrypt']));
    keys.set(encryptKey, key);
  }
  return key;
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Decrypts `{"encrypt": …}`; throws on malformed input (the caller answers 400). */
export async function decryptPayload(encrypted: string, encryptKey: string): Promise<string> {
  const bytes = fromBase64(encrypted);
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new Error('encrypted payload has a bad length');
  const plain = await crypto.subtle.decrypt({ name: 'AES-CBC', iv: bytes.subarray(0, 16) as BufferSource }, await aesKey(encryptKey), bytes.subarray(16) as BufferSource);
  return new TextDecoder('utf-8', { fatal: true }).decode(plain);
}

/** The inverse, for the emulator's tests and for replies that tenants may want encrypted. */
export async function encryptPayload(plain: string, encryptKey: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const cipher = await crypto.subtle.encrypt({ name: 'AES-CBC', iv: iv as BufferSource }, await aesKey(encryptKey), encoder.encode(plain) as BufferSource);
  return toBase64(concat(iv, new Uint8Array(cipher)));
}
