/**
 * mulberry32 (Tommy Ettinger): a small, fast 32-bit PRNG with floats in [0, 1). Seeded streams make the emulator's
 * fault dice and ids repeat from run to run, and the rankings' bootstrap replay from its stored seed.
 * Never change it: stored seeds must replay.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
