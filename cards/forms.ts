/**
 * Forms, one zod schema each, beside its card (`cards/<name>.form.ts`) and used by both sides: the card builds its
 * inputs from the field specs (component name, label, placeholder and limit written once), and the handler parses
 * the callback's `form_value` with the schema. Every problem becomes one line of the toast, in both languages, and all
 * of them are named at once so that the person fixes everything in one go.
 */
import { z } from 'zod';
import { cleanInput, parseEvidence, textLength, type Validated } from '../src/core/forms';
import type { RubricLine } from '../src/competition/rubric';
import { text, type Text } from '../src/platform/i18n';
import { type Element, formInput } from './kit';

export interface FieldSpec {
  /** The component's name on the card, and its key in `form_value`. */
  readonly name: string;
  readonly label: Text;
  readonly placeholder: Text;
  /** The card's max_length and the server's limit, in characters (code points). */
  readonly max: number;
  readonly required: boolean;
  readonly multiline?: boolean;
  /** The problem when a required field is empty (default 请填写<label>). */
  readonly empty?: Text;
  /** How the server keeps it: as typed (lines kept), on one line, or with full-width characters normalised. */
  readonly shape?: 'text' | 'line' | 'nfkc';
}

/** The card's input for a field, pre-filled with `value`. */
export const inputOf = (spec: FieldSpec, value?: string): Element =>
  formInput(spec.name, spec.label, {
    required: spec.required,
    multiline: spec.multiline,
    max: spec.max,
    value,
    placeholder: spec.placeholder,
  });

interface IssueSink {
  addIssue(issue: { code: 'custom'; message: string; params?: Record<string, unknown>; input?: unknown }): void;
}

/** Adds a problem, in both languages, to the parse. */
export const problem = (ctx: IssueSink, t: Text): void =>
  ctx.addIssue({ code: 'custom', message: t.en, params: { text: t }, input: undefined });

/** The problem of a field longer than its limit, with the count so that the person knows how much to cut. */
const tooLong = (spec: FieldSpec, n: number): Text =>
  text(
    `${spec.label.zh}最多 ${spec.max} 个字（现在 ${n} 个）`,
    `${spec.label.en}: at most ${spec.max} characters (now ${n})`,
  );

/** The text of a field as the server keeps it. */
function shaped(spec: FieldSpec, raw: unknown): string {
  const v = cleanInput(raw);
  return spec.shape === 'line' ? v.replace(/\s+/g, ' ') : spec.shape === 'nfkc' ? v.normalize('NFKC') : v;
}

/**
 * A text field: cleaned as the server keeps it, required and within its limit, then `check` (a format, links) on the
 * value that passed; '' for an optional field left empty.
 */
export function textField(spec: FieldSpec, check?: (value: string, ctx: IssueSink) => string | typeof z.NEVER) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx) => {
      const v = shaped(spec, raw);
      if (!v) {
        if (!spec.required) return v;
        problem(ctx, spec.empty ?? text(`请填写${spec.label.zh}`, `${spec.label.en} is required`));
        return z.NEVER;
      }
      const n = textLength(v);
      if (n > spec.max) {
        problem(ctx, tooLong(spec, n));
        return z.NEVER;
      }
      return check ? check(v, ctx) : v;
    });
}

/**
 * Links pasted one per line (or separated by spaces or commas): every one http(s) with a host, at most `most` of them
 * and `spec.max` characters in all. The value is the list of links.
 */
export function linksField(spec: FieldSpec, most: number, tooMany: Text) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): string[] => {
      const v = cleanInput(raw);
      if (textLength(v) > spec.max) {
        problem(ctx, tooLong(spec, textLength(v)));
        return z.NEVER;
      }
      const { links, bad } = parseEvidence(v);
      if (bad.length) {
        const shown = bad.slice(0, 3).join(' ');
        problem(
          ctx,
          text(
            `这些不是有效链接（需以 http:// 或 https:// 开头）：${shown}`,
            `Not valid links (they must start with http:// or https://): ${shown}`,
          ),
        );
        return z.NEVER;
      }
      if (links.length > most) {
        problem(ctx, tooMany);
        return z.NEVER;
      }
      return links;
    });
}

/** A rubric as a cache key: the lines as the forms use them (codes, names, maxima). */
export const rubricKey = (rubric: readonly RubricLine[]): string =>
  JSON.stringify(rubric.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, max: c.max })));

/** The form field of one rubric criterion. */
export const scoreFieldName = (c: RubricLine): string => `score_${c.code}`;

/**
 * A score on one criterion as people type it: a whole number from 0 to the criterion's maximum, full-width digits
 * folded. The problem quotes at most 8 characters of what was typed.
 */
function scoreField(c: RubricLine) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): number => {
      const v = cleanInput(raw).normalize('NFKC');
      const n = /^\d{1,4}$/.test(v) ? Number(v) : Number.NaN;
      if (n >= 0 && n <= c.max) return n;
      const shown = [...v].slice(0, 8).join('');
      problem(
        ctx,
        v
          ? text(
              `「${c.name}」请填 0 到 ${c.max} 的整数（现在是「${shown}」）`,
              `"${c.nameEn}" must be a whole number from 0 to ${c.max} (got "${shown}")`,
            )
          : text(`请给「${c.name}」打分`, `Score "${c.nameEn}"`),
      );
      return z.NEVER;
    });
}

/** The rubric's score fields, in the rubric's order (a judge's sheet and a unit's self-evaluation). */
export const rubricShape = (rubric: readonly RubricLine[]) =>
  Object.fromEntries(rubric.map((c) => [scoreFieldName(c), scoreField(c)]));

/** The scores of a parsed form, by criterion code. */
export const scoresOf = (
  rubric: readonly RubricLine[],
  parsed: Readonly<Record<string, unknown>>,
): Record<string, number> => Object.fromEntries(rubric.map((c) => [c.code, parsed[scoreFieldName(c)] as number]));

/** The rubric's inputs on a card, pre-filled with earlier scores. */
export const rubricInputs = (
  rubric: readonly RubricLine[],
  placeholder: (c: RubricLine) => Text,
  prefill?: Readonly<Record<string, number>>,
): Element[] =>
  rubric.map((c) =>
    formInput(scoreFieldName(c), text(`${c.name}（0-${c.max}）`, `${c.nameEn} (0-${c.max})`), {
      required: true,
      max: 5,
      value: prefill?.[c.code]?.toString(),
      placeholder: placeholder(c),
    }),
  );

/** A select whose value must be one the card offered; `missing` is the problem otherwise. */
export function choiceField<T extends string>(values: readonly T[], missing: Text) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): T => {
      if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as T;
      problem(ctx, missing);
      return z.NEVER;
    });
}

/** The value of a field that passed, or undefined when it did not (a cross-field rule sees the whole form). */
export const passed = <T>(v: T | { status: 'aborted' } | undefined): T | undefined =>
  typeof v === 'object' && v !== null && (v as { status?: unknown }).status === 'aborted'
    ? undefined
    : (v as T | undefined);

/**
 * A schema built once per distinct `key` (the competition's periods, its tracks, its rubric…): building a zod object
 * costs about fifteen times parsing with it, and a form is parsed on every submission. Keeps the last few keys only.
 */
export function memoized<S>(build: (key: string) => S): (key: string) => S {
  const cache = new Map<string, S>();
  return (key) => {
    let s = cache.get(key);
    if (!s) {
      if (cache.size >= 16) cache.clear();
      s = build(key);
      cache.set(key, s);
    }
    return s;
  };
}

/**
 * Parses a form: the value, or every problem at once. Cross-field rules (`.superRefine(…, ALWAYS)`) run even when a
 * field failed, so their problems are named together with the fields'.
 */
export function parseForm<T>(schema: z.ZodType<T>, raw: Readonly<Record<string, unknown>>): Validated<T> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => (i as { params?: { text?: Text } }).params?.text ?? text(i.message, i.message)),
  };
}

/** For a cross-field rule that must run even when a field failed (see parseForm). */
export const ALWAYS = { when: () => true } as const;
