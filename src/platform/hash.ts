/**
 * SHA-256 as lowercase hex, through WebCrypto so that Node and Workers compute it the same way. Callers cut it to the
 * length they need (a uuid, a short subject key); the prefix of a hash is still a good key.
 */
const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
