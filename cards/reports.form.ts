/**
 * The progress report form (进展填报) and the unit's self-evaluation form (项目自评): field names, labels and limits
 * written once, for the card's inputs and the server's parse. The card's inputs hold at most 1,000 characters, so the
 * server agrees.
 */
import { z } from 'zod';
import type { RubricLine } from '../src/competition/rubric';
import { cleanInput } from '../src/core/forms';
import { text } from '../src/platform/i18n';
import {
  choiceField,
  type FieldSpec,
  inputOf,
  linksField,
  memoized,
  parseForm,
  problem,
  rubricInputs,
  rubricKey,
  rubricShape,
  scoresOf,
  textField,
} from './forms';
import type { Element } from './kit';

/** At most this many evidence links per report. */
export const MOST_EVIDENCE_LINKS = 10;

export const REPORT_FIELDS = {
  workDone: {
    name: 'work_done',
    label: text('本期完成的工作', 'Work done this period'),
    max: 1000,
    required: true,
    multiline: true,
    placeholder: text('做了什么', 'What was done'),
  },
  results: {
    name: 'results',
    label: text('取得的成效（含数据）', 'Results (with figures)'),
    max: 1000,
    required: true,
    multiline: true,
    placeholder: text('例如：办结案件 120 件，同比提升 15%', 'e.g. 120 cases closed, up 15% on last year'),
  },
  completion: {
    name: 'completion',
    label: text('完成度（0-100）', 'Completion (0-100)'),
    max: 4,
    required: true,
    placeholder: text('例如 60', 'e.g. 60'),
  },
  evidence: {
    name: 'evidence',
    label: text('佐证链接', 'Evidence links'),
    max: 1000,
    required: false,
    multiline: true,
    placeholder: text(
      `每行一个 http(s) 链接，最多 ${MOST_EVIDENCE_LINKS} 个`,
      `One http(s) link per line, up to ${MOST_EVIDENCE_LINKS}`,
    ),
  },
  problems: {
    name: 'problems',
    label: text('问题与需要的帮助', 'Problems and help needed'),
    max: 1000,
    required: false,
    multiline: true,
    placeholder: text('没有可不填', 'Leave empty if none'),
  },
} as const satisfies Record<string, FieldSpec>;

/** The period select of the report form. */
export const PERIOD_FIELD = 'period';

export interface ReportFields {
  workDone: string;
  results: string;
  /** 0..100 */
  completion: number;
  /** http(s) links, at most MOST_EVIDENCE_LINKS */
  evidence: string[];
  problems: string;
}

/** Completion as people write it: "60", "60%", full-width digits; a whole number from 0 to 100. */
const completionField = z
  .unknown()
  .optional()
  .transform((raw, ctx): number => {
    const v = cleanInput(raw).normalize('NFKC').replace(/%$/, '').trim();
    const n = /^\d{1,3}$/.test(v) ? Number(v) : Number.NaN;
    if (n >= 0 && n <= 100) return n;
    problem(
      ctx,
      v
        ? text('完成度请填 0 到 100 之间的整数', 'Completion must be a whole number from 0 to 100')
        : text('请填写完成度（0-100）', 'Completion (0-100) is required'),
    );
    return z.NEVER;
  });

const F = REPORT_FIELDS;
const reportShape = {
  [F.workDone.name]: textField(F.workDone),
  [F.results.name]: textField(F.results),
  [F.completion.name]: completionField,
  [F.evidence.name]: linksField(
    F.evidence,
    MOST_EVIDENCE_LINKS,
    text(`佐证链接最多 ${MOST_EVIDENCE_LINKS} 个`, `At most ${MOST_EVIDENCE_LINKS} evidence links`),
  ),
  [F.problems.name]: textField(F.problems),
};

/** The report form: a period the competition has, then the report's fields. */
export const reportForm = (periods: readonly string[]) =>
  z
    .object({ [PERIOD_FIELD]: choiceField(periods, text('请选择填报期', 'Choose the period')), ...reportShape })
    .transform((v) => ({
      period: v[PERIOD_FIELD] as string,
      fields: {
        workDone: v.work_done,
        results: v.results,
        completion: v.completion,
        evidence: v.evidence,
        problems: v.problems,
      } satisfies ReportFields,
    }));

/** The report's fields without the period (a stored report read back, a benchmark). */
export const reportFieldsForm = z.object(reportShape).transform(
  (v): ReportFields => ({
    workDone: v.work_done,
    results: v.results,
    completion: v.completion,
    evidence: v.evidence,
    problems: v.problems,
  }),
);

const reportFormOf = memoized((periods) => reportForm(periods.split('\n')));
export const parseReport = (raw: Readonly<Record<string, unknown>>, periods: readonly string[]) =>
  parseForm(reportFormOf(periods.join('\n')), raw);
export const parseReportFields = (raw: Readonly<Record<string, unknown>>) => parseForm(reportFieldsForm, raw);

/** The report's inputs, pre-filled with the last revision. */
export const reportInputs = (f?: ReportFields): Element[] => [
  inputOf(F.workDone, f?.workDone),
  inputOf(F.results, f?.results),
  inputOf(F.completion, f ? String(f.completion) : undefined),
  inputOf(F.evidence, f?.evidence.join('\n')),
  inputOf(F.problems, f?.problems),
];

export const JUSTIFICATION_FIELD = {
  name: 'justification',
  label: text('打分理由', 'Justification'),
  max: 1000,
  required: true,
  multiline: true,
  placeholder: text('依据哪些成效和数据', 'Which results and figures support it'),
  empty: text('请简要说明打分理由', 'Give a short justification'),
} as const satisfies FieldSpec;

/** Self-evaluation: a whole number from 0 to the maximum on every criterion, and a short justification. */
export const selfEvaluationForm = (rubric: readonly RubricLine[]) =>
  z
    .object({ ...rubricShape(rubric), [JUSTIFICATION_FIELD.name]: textField(JUSTIFICATION_FIELD) })
    .transform((v) => ({ scores: scoresOf(rubric, v), justification: v[JUSTIFICATION_FIELD.name] as string }));

const selfEvaluationFormOf = memoized((rubric) => selfEvaluationForm(JSON.parse(rubric) as RubricLine[]));
export const parseSelfEvaluation = (raw: Readonly<Record<string, unknown>>, rubric: readonly RubricLine[]) =>
  parseForm(selfEvaluationFormOf(rubricKey(rubric)), raw);

export const selfEvaluationInputs = (
  rubric: readonly RubricLine[],
  prefill?: { scores: Record<string, number>; justification: string },
): Element[] => [
  ...rubricInputs(rubric, (c) => text(`0 到 ${c.max}`, `0 to ${c.max}`), prefill?.scores),
  inputOf(JUSTIFICATION_FIELD, prefill?.justification),
];
