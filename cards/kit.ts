/**
 * Card JSON 2.0 building blocks [LARK.md §3.1, §3.8]. Every text is bilingual through per-field i18n, so each person
 * reads the card in their client's language (Chinese first). Text that people typed is only ever shown as
 * plain_text, so markup or mentions in it are displayed verbatim and never rendered.
 */
import { text, type Text } from '../src/platform/i18n';
import type { ActionValue } from './actions';

export type Template = 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey' | 'default';

export type Element = Record<string, unknown>;

export interface Card {
  schema: '2.0';
  config: Record<string, unknown>;
  header: Record<string, unknown>;
  body: { elements: Element[] };
}

const i18n = (t: Text) => ({ zh_cn: t.zh, en_us: t.en });

export const plainText = (t: Text) => ({ tag: 'plain_text', content: t.zh, i18n_content: i18n(t) });

/** Markdown for text we wrote ourselves (never for user input: use `userText`). */
export const markdown = (t: Text): Element => ({ tag: 'markdown', content: t.zh, i18n_content: i18n(t) });

/** What a person typed, shown exactly as typed. */
export const userText = (value: string, label?: Text): Element =>
  label
    ? { tag: 'div', text: { tag: 'plain_text', content: `${label.zh}：${value}`, i18n_content: { zh_cn: `${label.zh}：${value}`, en_us: `${label.en}: ${value}` } } }
    : { tag: 'div', text: { tag: 'plain_text', content: value } };

export const divider = (): Element => ({ tag: 'hr' });

export interface TableColumn {
  name: string;
  /** Tables have no per-field i18n: headers carry both languages, e.g. 单位 Unit. */
  header: string;
  type: 'text' | 'number';
  /** Decimals shown for a number column (default 0). */
  precision?: number;
}

/**
 * A JSON 2.0 table (at the card root only), ten rows a page, the first column kept in view while the others scroll.
 * Cells are plain values: nothing in them is rendered as markup.
 */
export function table(columns: readonly TableColumn[], rows: ReadonlyArray<Record<string, string | number>>): Element {
  return {
    tag: 'table',
    page_size: 10,
    row_height: 'low',
    freeze_first_column: true,
    header_style: { text_align: 'center', bold: true, background_style: 'grey' },
    columns: columns.map((c) => ({ name: c.name, display_name: c.header, data_type: c.type, width: 'auto', ...(c.type === 'number' ? { format: { precision: c.precision ?? 0 } } : {}) })),
    rows,
  };
}

export function button(label: Text, value: ActionValue, type: 'primary' | 'default' | 'danger' = 'default'): Element {
  return { tag: 'button', text: plainText(label), type, behaviors: [{ type: 'callback', value }] };
}

export function card(options: { title: Text; template?: Template; elements: Element[]; summary?: Text }): Card {
  const summary = options.summary ?? options.title;
  return {
    schema: '2.0',
    config: {
      // 2.0 cards are always shared; stated for clarity because PATCH requires it [LARK.md §3.6].
      update_multi: true,
      locales: ['zh_cn', 'en_us'],
      summary: { content: summary.zh, i18n_content: i18n(summary) },
    },
    header: { title: plainText(options.title), template: options.template ?? 'blue' },
    body: { elements: options.elements },
  };
}

/** Lark refuses cards over 30 KB [LARK.md §4.1]; builders keep well under it and tests check. */
export const cardBytes = (c: Card) => new TextEncoder().encode(JSON.stringify(c)).length;

/**
 * What a card builder aims at: Lark refuses cards over 30 KB [LARK.md §4.1]; the margin covers the escaping of the
 * card inside the request's `content` string.
 */
export const CARD_BUDGET = 25_000;

/**
 * The largest n in 0..max for which build(n) is within the budget, by bisection (a card grows with n), with the
 * card it gives. Builders of long lists use it to paginate or truncate with a note instead of being refused.
 */
export function fitCard(build: (n: number) => Card, max: number, budget = CARD_BUDGET): { card: Card; n: number } {
  let lo = 0;
  let hi = Math.max(0, max);
  let best = build(hi);
  if (cardBytes(best) <= budget) return { card: best, n: hi };
  best = build(0);
  while (lo < hi - 1) {
    const mid = (lo + hi) >> 1;
    const c = build(mid);
    if (cardBytes(c) <= budget) {
      lo = mid;
      best = c;
    } else hi = mid;
  }
  return { card: best, n: lo };
}

/**
 * A chart (Card JSON 2.0 `chart` component, drawn by VChart [https://open.larkoffice.com/document/feishu-cards/
 * card-json-v2-components/content-components/chart]): the spec is plain data (no JavaScript), and texts in it are
 * bilingual strings because charts have no per-field i18n. Fine on phones: no texture, conical gradient or grid
 * word-cloud, which mobile clients cannot draw.
 */
export function chart(spec: Record<string, unknown>, aspectRatio: '1:1' | '2:1' | '4:3' | '16:9' = '4:3'): Element {
  return { tag: 'chart', aspect_ratio: aspectRatio, color_theme: 'brand', chart_spec: spec, preview: true };
}

/** Plain text we wrote that may contain names people typed: bilingual, never rendered as markup. */
export const plain = (t: Text): Element => ({ tag: 'div', text: plainText(t) });

/**
 * A text input of a form, with its label on top ("(optional)" added when not required) and Lark's 1,000-character
 * cap on max_length; the server checks the real limit.
 */
export const formInput = (name: string, label: Text, opts: { required: boolean; multiline?: boolean; max: number; value?: string; placeholder: Text }): Element => ({
  tag: 'input',
  name,
  required: opts.required,
  max_length: Math.min(1000, opts.max),
  label: plainText(opts.required ? label : text(`${label.zh}（选填）`, `${label.en} (optional)`)),
  label_position: 'top',
  placeholder: plainText(opts.placeholder),
  width: 'fill',
  ...(opts.multiline ? { input_type: 'multiline_text', rows: 3, auto_resize: true, max_rows: 10 } : {}),
  ...(opts.value ? { default_value: opts.value } : {}),
});
