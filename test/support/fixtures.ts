import { readFileSync } from 'node:fs';
import { competitionFromJson } from '../../src/competition/loader';
import type { Competition } from '../../src/competition/competition';

export const COMPETITION_2024_PATH = 'db/competitions/shanghai-2024.json';

export function competition2024Json(): any {
  return JSON.parse(readFileSync(COMPETITION_2024_PATH, 'utf8'));
}

export function competition2024(mutate?: (file: any) => void): Competition {
  const file = competition2024Json();
  mutate?.(file);
  return competitionFromJson(JSON.stringify(file));
}

/** An instant from a local Shanghai wall-clock time, e.g. at('2024-04-15 23:59:59'). */
export function at(local: string): number {
  return Date.parse(`${local.replace(' ', 'T')}+08:00`);
}
