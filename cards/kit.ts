/**
 * Card JSON 2.0 building blocks [LARK.md §3.1, §3.8]. Every text is bilingual through per-field i18n, so each person
 * reads the card in their client's language (Chinese first). Text that people typed is only ever shown as
 * plain_text, so markup or mentions in it are displayed verbatim and never rendered.
 */
import type { Text } from '../src/platform/i18n';
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
    columns: columns.map((c) => ({ name: c.name, display_name: c.header, data_type: c.type, width: 'auto', ...(c.type === 'number' ? { format: { precision: 0 } } : {}) })),
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
