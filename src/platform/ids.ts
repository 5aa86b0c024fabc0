const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_BYTES = 20;

/**
 * Random bytes drawn 4 KB at a time: getRandomValues is a call into the platform's CSPRNG, and a callback mints
 * several ids. Filled on first use, never at module load (Workers refuse randomness in the global scope).
 */
const pool = new Uint8Array(4096);
let used = pool.length;

/**
 * Application-generated, prefixed ids (MySQL has no RETURNING). 20 random base32 characters = 100 bits;
 * WebCrypto so that it runs on Node and on Workers alike.
 */
export function newId(prefix: string): string {
  if (used + ID_BYTES > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  let out = '';
  for (let i = used; i < used + ID_BYTES; i++) out += ALPHABET[pool[i]! & 31];
  used += ID_BYTES;
  return `${prefix}_${out}`;
}
