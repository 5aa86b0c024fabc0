/**
 * A judge's forms (评分): the score sheet (a whole number per rubric criterion and a short comment) and the recusal
 * (a one-sentence reason). Field names, labels and limits written once, for the card and the server's parse.
 */
import { z } from 'zod';
import type { RubricLine } from '../src/competition/rubric';
import { text } from '../src/platform/i18n';
import {
  type FieldSpec,
  inputOf,
  memoized,
  parseForm,
  rubricInputs,
  rubricKey,
  rubricShape,
  scoresOf,
  textField,
} from './forms';
import type { Element } from './kit';

export const COMMENT_FIELD = {
  name: 'comment',
  label: text('评语', 'Comment'),
  max: 500,
  required: true,
  multiline: true,
  placeholder: text('依据哪些成效和数据', 'Which results and figures support the scores'),
  empty: text(
    '请写一句简短评语（依据哪些成效和数据）',
    'Write a short comment (which results and figures support the scores)',
  ),
} as const satisfies FieldSpec;

export const RECUSAL_REASON_FIELD = {
  name: 'reason',
  label: text('回避理由', 'Reason'),
  max: 200,
  required: true,
  multiline: true,
  shape: 'line',
  placeholder: text('例如：与项目负责人有亲属关系', 'e.g. a relative leads the project'),
  empty: text(
    '请写明回避理由（例如：与项目负责人有亲属关系）',
    'Give the reason for recusing yourself (e.g. a relative leads the project)',
  ),
} as const satisfies FieldSpec;

export interface ScoreFields {
  scores: Record<string, number>;
  comment: string;
}

/** The sheet: a score on every criterion of the rubric (full-width digits are fine) and the comment. */
export const scoreSheetForm = (rubric: readonly RubricLine[]) =>
  z
    .object({ ...rubricShape(rubric), [COMMENT_FIELD.name]: textField(COMMENT_FIELD) })
    .transform((v): ScoreFields => ({ scores: scoresOf(rubric, v), comment: v[COMMENT_FIELD.name] as string }));

export const recusalForm = z
  .object({ [RECUSAL_REASON_FIELD.name]: textField(RECUSAL_REASON_FIELD) })
  .transform((v) => v.reason);

const scoreSheetFormOf = memoized((rubric) => scoreSheetForm(JSON.parse(rubric) as RubricLine[]));
export const parseScoreSheet = (raw: Readonly<Record<string, unknown>>, rubric: readonly RubricLine[]) =>
  parseForm(scoreSheetFormOf(rubricKey(rubric)), raw);
export const parseRecusalReason = (raw: Readonly<Record<string, unknown>>) => parseForm(recusalForm, raw);

export const scoreSheetInputs = (rubric: readonly RubricLine[], prefill?: ScoreFields): Element[] => [
  ...rubricInputs(rubric, (c) => text(`0 到 ${c.max} 的整数`, `a whole number from 0 to ${c.max}`), prefill?.scores),
  inputOf(COMMENT_FIELD, prefill?.comment),
];

export const recusalInputs = (reason?: string): Element[] => [inputOf(RECUSAL_REASON_FIELD, reason)];
