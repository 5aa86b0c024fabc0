/**
 * The rules of registration (注册登记), pure: what a valid entry is, what a project is called, how many slots a unit
 * has left, and the office's unit × track overview. The handlers apply them on the server whatever a card sent.
 */
import { text, type Text } from '../../platform/i18n';
import { cleanInput, type Validated } from '../../core/forms';
import type { ProjectFields } from '../../core/projects';

/** Lengths in characters (code points), generous for Chinese titles and still readable on a card. */
export const LIMITS = { name: 60, lead: 30, summary: 500, goals: 1000, phone: 20 } as const;

export type FieldName = keyof ProjectFields;

export const FIELD_LABELS: Record<FieldName, Text> = {
  name: text('项目名称', 'Project name'),
  lead: text('项目负责人', 'Project lead'),
  summary: text('项目简介', 'Summary'),
  goals: text('目标与预期成效', 'Goals and expected results'),
  phone: text('联系电话', 'Contact phone'),
};

const REQUIRED: readonly FieldName[] = ['name', 'lead', 'summary', 'goals'];

const length = (s: string) => [...s].length;

/** A phone number as people write it: digits with optional +, spaces, dashes and brackets; 7 to 15 digits. */
export function looksLikePhone(s: string): boolean {
  if (!/^\+?[0-9 ()\-]+$/.test(s)) return false;
  const digits = s.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

/** The form's fields, cleaned and checked; every problem is named so the user can fix them all at once. */
export function validateProjectFields(form: Record<string, unknown>): Validated<ProjectFields> {
  const value: ProjectFields = {
    name: cleanInput(form.name).replace(/\s+/g, ' '),
    lead: cleanInput(form.lead).replace(/\s+/g, ' '),
    summary: cleanInput(form.summary),
    goals: cleanInput(form.goals),
    // Full-width digits (１３８…) are still a phone number.
    phone: cleanInput(form.phone).normalize('NFKC'),
  };
  const problems: Text[] = [];
  for (const f of Object.keys(LIMITS) as FieldName[]) {
    const label = FIELD_LABELS[f];
    if (!value[f]) {
      if (REQUIRED.includes(f)) problems.push(text(`请填写${label.zh}`, `${label.en} is required`));
    } else if (length(value[f]) > LIMITS[f]) {
      problems.push(text(`${label.zh}最多 ${LIMITS[f]} 个字（现在 ${length(value[f])} 个）`, `${label.en}: at most ${LIMITS[f]} characters (now ${length(value[f])})`));
    }
  }
  if (value.phone && length(value.phone) <= LIMITS.phone && !looksLikePhone(value.phone)) {
    problems.push(text('联系电话格式不对，请填手机号或座机号（如 13812345678 或 021-12345678）', 'The phone number does not look right: give a mobile or landline number (e.g. 13812345678 or 021-12345678)'));
  }
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

export interface OverviewInput {
  units: ReadonlyArray<{ code: string; name: string; shortName: string }>;
  tracks: ReadonlyArray<{ code: string; name: string; nameEn: string; quota: { collectives: number } }>;
  /** Active projects per unit and track. */
  counts: ReadonlyArray<{ unit: string; track: string; n: number }>;
}

export interface Overview {
  rows: Array<{ unit: string; name: string; byTrack: number[]; total: number }>;
  trackTotals: number[];
  total: number;
  unitsWithout: string[];
  /** Tracks with fewer entries than twice their collective quota: judges would have little to choose from. */
  thinTracks: Array<{ code: string; name: string; nameEn: string; n: number; wanted: number }>;
}

export function registrationOverview(input: OverviewInput): Overview {
  const at = new Map(input.counts.map((c) => [`${c.unit}|${c.track}`, c.n]));
  const rows = input.units.map((u) => {
    const byTrack = input.tracks.map((t) => at.get(`${u.code}|${t.code}`) ?? 0);
    return { unit: u.code, name: u.shortName, byTrack, total: byTrack.reduce((a, b) => a + b, 0) };
  });
  const trackTotals = input.tracks.map((_, i) => rows.reduce((n, r) => n + r.byTrack[i]!, 0));
  return {
    rows,
    trackTotals,
    total: trackTotals.reduce((a, b) => a + b, 0),
    unitsWithout: rows.filter((r) => r.total === 0).map((r) => r.name),
    thinTracks: input.tracks
      .map((t, i) => ({ code: t.code, name: t.name, nameEn: t.nameEn, n: trackTotals[i]!, wanted: Math.max(1, 2 * t.quota.collectives) }))
      .filter((t) => t.n < t.wanted),
  };
}
