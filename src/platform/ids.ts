const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Application-generated, prefixed ids (MySQL has no RETURNING). 20 random base32 characters = 100 bits;
 * WebCrypto so that it runs on Node and on Workers alike.
 */
export function newId(prefix: string): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}
