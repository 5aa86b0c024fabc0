/**
 * What every card the bot builds must hold, whatever the data: the platform's documented rules (as the emulator
 * applies them), the bot's own budget with its margin, what people typed never inside markdown and never repeated per
 * language, and bold that renders next to Chinese text.
 *
 * Typed values in tests carry TYPED_MARK, a character nothing of ours contains, so that a typed value is recognised
 * wherever it lands, even cut or escaped.
 */
import { budgetProblems, type Card } from '../../cards/kit';
import { checkCard } from '../../src/lark/card-rules';

/** Put in every value a person typed (names, reasons, reports, display names) by the test data. */
export const TYPED_MARK = '㊙';

export type Node = Record<string, unknown>;
export const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Chinese characters and full-width punctuation: bold must not touch them ("请确保加粗语法前后保留一个空格"). */
const CJK = /[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u{20000}-\u{3134f}]/u;

/** `**…**` pairs whose outer neighbour is a Chinese character or full-width punctuation. */
export function boldTouchingCjk(content: string): string[] {
  const out: string[] = [];
  for (const m of content.matchAll(/\*\*([^*\n]+?)\*\*/g)) {
    const before = content.slice(0, m.index).at(-1) ?? '';
    const after = content[m.index + m[0].length] ?? '';
    if (CJK.test(before) || CJK.test(after)) out.push(`${before}${m[0]}${after}`);
  }
  return out;
}

/** Every problem of the card, as readable strings; an empty list means the card is fine. */
export function cardFaults(card: Card): string[] {
  const faults = [
    ...checkCard(card).problems.map((p) => `platform: ${p.message}`),
    ...budgetProblems(card).map((p) => `budget: ${p}`),
  ];
  const walk = (x: unknown, path: string): void => {
    if (Array.isArray(x)) {
      x.forEach((y, i) => {
        walk(y, `${path}[${i}]`);
      });
      return;
    }
    if (!isNode(x)) return;
    if (x.tag === 'markdown') {
      const texts = [x.content, ...(isNode(x.i18n_content) ? Object.values(x.i18n_content) : [])].filter(
        (t): t is string => typeof t === 'string',
      );
      for (const t of texts) {
        if (t.includes(TYPED_MARK)) faults.push(`typed text inside markdown at ${path}: ${t.slice(0, 80)}`);
        for (const b of boldTouchingCjk(t)) faults.push(`bold touching Chinese at ${path}: ${b}`);
      }
    }
    if (
      isNode(x.i18n_content) &&
      Object.values(x.i18n_content).some((t) => typeof t === 'string' && t.includes(TYPED_MARK))
    ) {
      faults.push(`typed text repeated per language at ${path}`);
    }
    for (const [k, v] of Object.entries(x)) if (k !== 'chart_spec' && k !== 'behaviors') walk(v, `${path}.${k}`);
  };
  walk(card.body.elements, 'body.elements');
  walk(card.header, 'header');
  return faults;
}

// ── reading cards in tests ───────────────────────────────────────────────────────────────────────────────────────

/** Every string under `x` (texts, cells, labels...). */
export function stringsOf(x: unknown, out: string[] = []): string[] {
  if (typeof x === 'string') out.push(x);
  else if (Array.isArray(x)) for (const y of x) stringsOf(y, out);
  else if (isNode(x)) for (const v of Object.values(x)) stringsOf(v, out);
  return out;
}

/** Every node with this tag under `x`. */
export function nodesOf(x: unknown, tag: string, out: Node[] = []): Node[] {
  if (Array.isArray(x)) for (const y of x) nodesOf(y, tag, out);
  else if (isNode(x)) {
    if (x.tag === tag) out.push(x);
    for (const v of Object.values(x)) nodesOf(v, tag, out);
  }
  return out;
}

/** The values the card's buttons send (`behaviors[0].value`). */
export const buttonValues = (card: Card): Node[] =>
  nodesOf(card.body.elements, 'button')
    .map((b) => (b.behaviors as Node[] | undefined)?.[0]?.value)
    .filter(isNode);

/** Whether any text of the card's body contains `s`. */
export const says = (card: Card, s: string): boolean => stringsOf(card.body.elements).some((t) => t.includes(s));

/** The rows of each table of the card. */
export const tables = (card: Card) => nodesOf(card.body.elements, 'table').map((t) => t.rows as Node[]);
