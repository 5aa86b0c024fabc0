/** Seeded randomness for property-style tests: failures reproduce from the seed. The emulator's PRNG serves both. */
import { seededRandom } from '../../src/emulator/random';

export const seeded = seededRandom;

export const between = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
