/**
 * Scores on the competition's rubric as people type them in a form (fields `score_<criterion code>`): a whole
 * number from 0 to the criterion's maximum for every criterion; full-width digits are fine. Judges' sheets and
 * units' self-evaluations read them the same way. Pure.
 */
import { text, type Text } from '../platform/i18n';

export interface RubricLine {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly max: number;
}

export function readRubricScores(form: Record<string, unknown>, rubric: readonly RubricLine[]): { scores: Record<string, number>; problems: Text[] } {
  const problems: Text[] = [];
  const scores: Record<string, number> = {};
  for (const c of rubric) {
    const value = form[`score_${c.code}`];
    const raw = (typeof value === 'string' ? value : '').trim().normalize('NFKC');
    const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
    const shown = [...raw].slice(0, 8).join('');
    if (!raw) problems.push(text(`请给「${c.name}」打分`, `Score "${c.nameEn}"`));
    else if (!(n >= 0 && n <= c.max)) problems.push(text(`「${c.name}」请填 0 到 ${c.max} 的整数（现在是「${shown}」）`, `"${c.nameEn}" must be a whole number from 0 to ${c.max} (got "${shown}")`));
    else scores[c.code] = n;
  }
  return { scores, problems };
}
