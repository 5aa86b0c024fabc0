/** Seeded randomness so that fault dice and generated ids repeat from run to run. */
import { mulberry32 } from '../platform/random';

/** A seeded stream of floats in [0, 1) (mulberry32). */
export const seededRandom = mulberry32;

/** Lowercase hex ids shaped like Lark's (`om_` + 32 hex, `t-` + 40 hex …), drawn from a seeded stream. */
export function hexIds(rand: () => number): (prefix: string, length?: number) => string {
  return (prefix, length = 32) => {
    let out = '';
    while (out.length < length)
      out += Math.floor(rand() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return prefix + out.slice(0, length);
  };
}
