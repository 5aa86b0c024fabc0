/**
 * Lark's request security, on Node and on Workers.
 * - Encrypted bodies: AES-256-CBC, key = SHA-256(Encrypt Key), wire = base64(IV ‖ ciphertext), PKCS#7
 *   (https://open.feishu.cn/document/event-subscription-guide/event-subscriptions/event-subscription-configure-/choose-a-subscription-mode/send-notifications-to-developers-server).
 * - Signature: hex(SHA-256(timestamp + nonce + encryptKey ‖ raw body bytes))
 *   (https://open.feishu.cn/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/encrypt-key-encryption-configuration-case);
 *   never over re-serialised JSON.
 * - Legacy card request URL: hex(SHA-1(timestamp + nonce + verificationToken ‖ raw body))
 *   (https://open.larksuite.com/document/ukTMukTMukTM/uYzMxEjL2MTMx4iNzETM).
 *
 * Two implementations of the same operations: WebCrypto, which runs everywhere (Workers use it), and node:crypto,
 * used on Node. On Node each WebCrypto call is a job queued to the thread pool behind a promise and WebIDL argument
 * checks: for a body of a few hundred bytes that costs far more than the hashing itself, and a callback needs a
 * digest and a decryption. node:crypto does the same work synchronously, on the same OpenSSL primitives, with the
 * same results and the same failures (test/lark/verify.security.test.ts checks that the two agree).
 */

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });

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

/** Compares every character whatever the first difference, so timing reveals nothing about the expected value. */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** Strict base64 (atob's rules: a stray character is an error, not skipped as Buffer.from would). */
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

function checkLength(bytes: Uint8Array): void {
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new Error('encrypted payload has a bad length');
}

export interface LarkCrypto {
  sha256Signature(timestamp: string, nonce: string, encryptKey: string, rawBody: Uint8Array): Promise<string>;
  sha1Signature(timestamp: string, nonce: string, verificationToken: string, rawBody: Uint8Array): Promise<string>;
  /** Decrypts `{"encrypt": …}`; throws on malformed input (the caller answers 400). */
  decryptPayload(encrypted: string, encryptKey: string): Promise<string>;
  /** The inverse, for the emulator's tests and for replies that tenants may want encrypted. */
  encryptPayload(plain: string, encryptKey: string): Promise<string>;
}

function webCrypto(): LarkCrypto {
  const keys = new Map<string, Promise<CryptoKey>>();
  const aesKey = (encryptKey: string): Promise<CryptoKey> => {
    let key = keys.get(encryptKey);
    if (!key) {
      key = crypto.subtle
        .digest('SHA-256', encoder.encode(encryptKey))
        .then((raw) => crypto.subtle.importKey('raw', raw, { name: 'AES-CBC' }, false, ['decrypt', 'encrypt']));
      keys.set(encryptKey, key);
    }
    return key;
  };
  return {
    async sha256Signature(timestamp, nonce, encryptKey, rawBody) {
      return hex(
        await crypto.subtle.digest(
          'SHA-256',
          concat(encoder.encode(timestamp + nonce + encryptKey), rawBody) as BufferSource,
        ),
      );
    },
    async sha1Signature(timestamp, nonce, verificationToken, rawBody) {
      return hex(
        await crypto.subtle.digest(
          'SHA-1',
          concat(encoder.encode(timestamp + nonce + verificationToken), rawBody) as BufferSource,
        ),
      );
    },
    async decryptPayload(encrypted, encryptKey) {
      const bytes = fromBase64(encrypted);
      checkLength(bytes);
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-CBC', iv: bytes.subarray(0, 16) as BufferSource },
        await aesKey(encryptKey),
        bytes.subarray(16) as BufferSource,
      );
      return utf8.decode(plain);
    },
    async encryptPayload(plain, encryptKey) {
      const iv = crypto.getRandomValues(new Uint8Array(16));
      const cipher = await crypto.subtle.encrypt(
        { name: 'AES-CBC', iv: iv as BufferSource },
        await aesKey(encryptKey),
        encoder.encode(plain) as BufferSource,
      );
      return toBase64(concat(iv, new Uint8Array(cipher)));
    },
  };
}

type NodeCrypto = typeof import('node:crypto');

function nodeCrypto(node: NodeCrypto): LarkCrypto {
  // A KeyObject, made once: given raw key bytes, each createDecipheriv would import them again (about 10 µs on Node
  // 24).
  const keys = new Map<string, import('node:crypto').KeyObject>();
  const aesKey = (encryptKey: string) => {
    let key = keys.get(encryptKey);
    if (!key) {
      key = node.createSecretKey(node.createHash('sha256').update(encryptKey, 'utf8').digest());
      keys.set(encryptKey, key);
    }
    return key;
  };
  const digest = (algorithm: 'sha256' | 'sha1', prefix: string, rawBody: Uint8Array) =>
    node.createHash(algorithm).update(prefix, 'utf8').update(rawBody).digest('hex');
  return {
    sha256Signature: async (timestamp, nonce, encryptKey, rawBody) =>
      digest('sha256', timestamp + nonce + encryptKey, rawBody),
    sha1Signature: async (timestamp, nonce, verificationToken, rawBody) =>
      digest('sha1', timestamp + nonce + verificationToken, rawBody),
    async decryptPayload(encrypted, encryptKey) {
      const bytes = fromBase64(encrypted);
      checkLength(bytes);
      // PKCS#7 padding is checked by final(), which throws on a bad one, as WebCrypto's decrypt rejects.
      const decipher = node.createDecipheriv('aes-256-cbc', aesKey(encryptKey), bytes.subarray(0, 16));
      const head = decipher.update(bytes.subarray(16));
      const tail = decipher.final();
      return utf8.decode(tail.length ? concat(head, tail) : head);
    },
    async encryptPayload(plain, encryptKey) {
      const iv = node.randomBytes(16);
      const cipher = node.createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
      const head = cipher.update(plain, 'utf8');
      return toBase64(concat(concat(iv, head), cipher.final()));
    },
  };
}

/** node:crypto when running on Node (never on Workers, whatever their compatibility flags provide). */
function nodeCryptoModule(): NodeCrypto | undefined {
  const onNode = globalThis.navigator?.userAgent?.startsWith('Node.js/') ?? false;
  if (!onNode) return undefined;
  return globalThis.process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
}

/** Both implementations, for the tests that prove they agree. */
export const cryptoImplementations: { web: LarkCrypto; node: LarkCrypto | undefined } = (() => {
  const node = nodeCryptoModule();
  return { web: webCrypto(), node: node ? nodeCrypto(node) : undefined };
})();

const active = cryptoImplementations.node ?? cryptoImplementations.web;

export const sha256Signature: LarkCrypto['sha256Signature'] = (...args) => active.sha256Signature(...args);
export const sha1Signature: LarkCrypto['sha1Signature'] = (...args) => active.sha1Signature(...args);
export const decryptPayload: LarkCrypto['decryptPayload'] = (...args) => active.decryptPayload(...args);
export const encryptPayload: LarkCrypto['encryptPayload'] = (...args) => active.encryptPayload(...args);
