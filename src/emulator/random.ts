/** Seeded randomness so that fault dice and generated ids repeat from run to run. */

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lowercase hex ids shaped like Lark's (`om_` + 32 hex, `t-` + 40 hex …), drawn from a seeded stream. */
export function hexIds(rand: () => number): (prefix: string, length?: number) => string {
  return (prefix, length = 32) => {
    let out = '';
    while (out.length < length) out += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
    return prefix + out.slice(0, length);
  };
}
