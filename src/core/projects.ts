/**
 * What a project is, for every feature: its fields, its code, the key that makes two names the same, and the places
 * (slots) a unit holds in a track.
 */

export interface ProjectFields {
  name: string;
  lead: string;
  summary: string;
  goals: string;
  /** '' when not given. */
  phone: string;
}

/** Two names that differ only in case, width or spacing are the same project name. */
export const nameKey = (name: string): string => name.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();

/** e.g. 2024-T02-HP-1: the competition's prefix, the track, the unit and the unit's running number in the track. */
export const projectCode = (prefix: string, track: string, unit: string, seq: number): string =>
  `${prefix}-${track}-${unit}-${seq}`;

/** The lowest free place (1..limit) or undefined when all are taken (a unit's slots in a track, an award quota). */
export function freeSlot(used: readonly number[], limit: number): number | undefined {
  for (let s = 1; s <= limit; s++) if (!used.includes(s)) return s;
  return undefined;
}
