/**
 * Reads and validates a competition file. Every problem is reported with its JSON path, e.g.
 * `tracks[3].code: duplicate code "T04" (also at tracks[2])`.
 */
import type { z } from 'zod';
import { ValidationFailed } from '../platform/errors';
import { competitionFileSchema, type CompetitionFile } from './competition.schema';
import { buildCompetition, type Competition } from './competition';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(file)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

export function parseCompetitionJson(text: string, source = 'competition file'): CompetitionFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ValidationFailed([`${source}: not valid JSON (${(e as Error).message})`]);
  }
  const parsed = competitionFileSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationFailed(formatIssues(parsed.error.issues));
  return parsed.data;
}

export function competitionFromJson(text: string, source?: string): Competition {
  return buildCompetition(parseCompetitionJson(text, source));
}

export async function readCompetitionFile(path: string): Promise<Competition> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ValidationFailed([
      `${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    ]);
  }
  return competitionFromJson(text, path);
}
