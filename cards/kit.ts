/**
 * Card JSON 2.0 building blocks (https://open.feishu.cn/document/feishu-cards/card-json-v2-structure). Our own texts
 * are bilingual through per-field i18n, so each person reads the card in their client's language (Chinese first).
 * What people typed is only ever shown as plain_text, once, never inside markdown: markup or mentions in it are
 * displayed verbatim. Every card meets one budget (`budgetProblems`) before it leaves the bot.
 */
import { checkCard, cardRequestBytes, LARK_CARD_LIMITS, type CardLimits } from '../src/lark/card-rules';
import { text, type Text } from '../src/platform/i18n';
import type { ActionValue } from './actions';

export type Template =
  | 'blue'
  | 'wathet'
  | 'turquoise'
  | 'green'
  | 'yellow'
  | 'orange'
  | 'red'
  | 'carmine'
  | 'violet'
  | 'purple'
  | 'indigo'
  | 'grey'
  | 'default';

export type Element = Record<string, unknown>;

export interface Card {
  schema: '2.0';
  config: Record<string, unknown>;
  header: Record<string, unknown>;
  body: { elements: Element[] };
}

const i18n = (t: Text) => ({ zh_cn: t.zh, en_us: t.en });

export const plainText = (t: Text) => ({ tag: 'plain_text', content: t.zh, i18n_content: i18n(t) });

/**
 * Markdown for text we wrote ourselves. Never for what people typed (use `userText`); names from the competition file
 * that go into a sentence pass through `md()` first.
 */
export const markdown = (t: Text): Element => ({ tag: 'markdown', content: t.zh, i18n_content: i18n(t) });

/**
 * A name from the competition file (a unit, a track, a stage) made safe inside our markdown: the characters that
 * form tags, links and images (`[` and `]`: without them `(`, `)` and `!` are plain), emphasis, mentions, emoji codes
 * or entities become the numeric entities of the markdown page's
 * escape table (`<` is `&#60;`, `*` is `&#42;`…), as do those that start a list or a heading at the beginning, and
 * line breaks become spaces. Names are inline text: they never start a line of a card after the first.
 * https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/rich-text (特殊字符转义说明)
 */
export const md = (s: string): string =>
  s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>:$]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/~/g, '&sim;')
    // "&reg" and the like are read as entities; the page's FAQ breaks them with a zero-width joiner.
    .replace(/&(?=[A-Za-z#])(?!#\d+;|sim;)/g, '&&zwj;')
    .replace(/^[-+#]/, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/^(\d+)\./, '$1&#46;');

/** What a person typed, shown exactly as typed, once (no per-language copies). */
export const userText = (value: string): Element => ({ tag: 'div', text: { tag: 'plain_text', content: value } });

/**
 * A labelled value a person typed: the label in the reader's language as a small caption, the value once below it
 * as plain text.
 */
export const field = (label: Text, value: string): Element[] => [
  { tag: 'markdown', content: label.zh, i18n_content: i18n(label), text_size: 'notation' },
  userText(value),
];

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
 * Cells are plain values: nothing in them is rendered as markup, so typed names may go here, once.
 */
/** A table shows at most 50 columns ("最多支持添加 50 列"). */
export const TABLE_MAX_COLUMNS = 50;

export function table(columns: readonly TableColumn[], rows: ReadonlyArray<Record<string, string | number>>): Element {
  return {
    tag: 'table',
    page_size: 10,
    row_height: 'low',
    freeze_first_column: true,
    header_style: { text_align: 'center', bold: true, background_style: 'grey' },
    columns: columns.map((c) => ({
      name: c.name,
      display_name: c.header,
      data_type: c.type,
      width: 'auto',
      ...(c.type === 'number' ? { format: { precision: c.precision ?? 0 } } : {}),
    })),
    rows,
  };
}

export function button(label: Text, value: ActionValue, type: 'primary' | 'default' | 'danger' = 'default'): Element {
  return { tag: 'button', text: plainText(label), type, behaviors: [{ type: 'callback', value }] };
}

/** A form's submit button (its name must be unique in the card, like every name). */
export const submitButton = (
  label: Text,
  value: ActionValue,
  options: { name?: string; type?: 'primary' | 'danger' } = {},
): Element => ({
  tag: 'button',
  name: options.name ?? 'submit',
  text: plainText(label),
  type: options.type ?? 'primary',
  form_action_type: 'submit',
  behaviors: [{ type: 'callback', value }],
});

/** Buttons side by side (each in an auto-width column). */
export const buttonRow = (buttons: readonly Element[]): Element => ({
  tag: 'column_set',
  columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
});

/**
 * "第 a-b 个，共 n 个" and the previous/next buttons of a paged list; nothing when everything is on the page.
 * `noun` names what is counted (个, 期...), `step` is how far back the previous page starts, `labels` rename the
 * buttons (a timeline says "newer" and "older").
 */
export function pager(view: {
  offset: number;
  shown: number;
  total: number;
  step: number;
  page: (offset: number) => ActionValue;
  noun?: Text;
  labels?: { previous: Text; next: Text };
}): Element[] {
  const { offset, shown, total } = view;
  if (offset === 0 && shown >= total) return [];
  const noun = view.noun ?? text('个', '');
  const labels = view.labels ?? { previous: text('上一页', 'Previous'), next: text('下一页', 'Next') };
  const nav: Element[] = [];
  if (offset > 0) nav.push(button(labels.previous, view.page(Math.max(0, offset - view.step))));
  if (offset + shown < total) nav.push(button(labels.next, view.page(offset + shown), 'primary'));
  const range = shown > 1 ? `${offset + 1}-${offset + shown}` : `${offset + 1}`;
  return [
    markdown(
      text(`第 ${range} ${noun.zh}，共 ${total} ${noun.zh}`, `${range} of ${total}${noun.en ? ` ${noun.en}` : ''}`),
    ),
    ...(nav.length ? [buttonRow(nav)] : []),
  ];
}

/** At most `max` items joined, then how many more: a long list never decides whether a card fits. */
export function capped(items: readonly string[], max: number, sep: string, more: (n: number) => string): string {
  return items.length > max ? `${items.slice(0, max).join(sep)}${more(items.length - max)}` : items.join(sep);
}

export function card(options: {
  title: Text;
  /** Under the title: e.g. the competition a card is about (a deployment may run several). */
  subtitle?: Text;
  template?: Template;
  elements: Element[];
  summary?: Text;
}): Card {
  const summary = options.summary ?? options.title;
  return {
    schema: '2.0',
    config: {
      // 2.0 cards are always shared; stated for clarity because PATCH requires it
      // (https://open.feishu.cn/document/server-docs/im-v1/message-card/patch).
      update_multi: true,
      locales: ['zh_cn', 'en_us'],
      summary: { content: summary.zh, i18n_content: i18n(summary) },
    },
    header: {
      title: plainText(options.title),
      ...(options.subtitle ? { subtitle: plainText(options.subtitle) } : {}),
      template: options.template ?? 'blue',
    },
    body: { elements: options.elements },
  };
}

/** Bytes of a send request carrying the card (the card JSON-escaped inside `content`, plus the envelope). */
export const cardBytes = (c: Card): number => cardRequestBytes(c);

/**
 * The budget every card the bot builds must meet: the platform's rules (src/lark/card-rules.ts) with a margin under
 * its limits, 190 of 200 elements and 28 of 30 KB of request body, because the platform measures the message it
 * builds, which style tags make longer than what we send
 * (https://open.feishu.cn/document/server-docs/im-v1/message/create: "会使实际消息体长度大于您输入的请求体长度").
 */
export const CARD_BUDGET: CardLimits = { elements: 190, bodyBytes: 28 * 1024, tables: LARK_CARD_LIMITS.tables };

/**
 * What would make the card refused, or unusable: the platform's rules within the budget, plus what the client would
 * never let a person do (a required select with no option can never be submitted).
 */
export function budgetProblems(c: Card): string[] {
  const problems = checkCard(c, CARD_BUDGET).problems.map((p) => p.message);
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    if (typeof x !== 'object' || x === null) return;
    const el = x as Element;
    if (el.tag === 'select_static' && el.required === true && !(Array.isArray(el.options) && el.options.length))
      problems.push(`required select ${String(el.name)} has no option: the form can never be submitted`);
    // "最多支持添加 50 列，超出 50 列的内容不展示": columns past 50 would be silently lost.
    if (el.tag === 'table' && Array.isArray(el.columns) && el.columns.length > TABLE_MAX_COLUMNS)
      problems.push(`table of ${el.columns.length} columns: past ${TABLE_MAX_COLUMNS} they are not shown`);
    for (const key of ['elements', 'columns']) if (Array.isArray(el[key])) visit(el[key]);
  };
  visit(c.body.elements);
  return problems;
}

export const fitsBudget = (c: Card): boolean => budgetProblems(c).length === 0;

/**
 * The card with `subtitle` under its title, when it has none and the card still fits the budget with it: where one
 * app serves several competitions, every card says which one it is about.
 */
export function withSubtitle(c: Card, subtitle: Text): Card {
  if (c.header.subtitle) return c;
  const named: Card = { ...c, header: { ...c.header, subtitle: plainText(subtitle) } };
  return fitsBudget(named) ? named : c;
}

/**
 * The card to send, patch or answer: the card itself when it meets the budget, otherwise a short card saying it could
 * not be shown (never a card Lark would refuse), with the problems for the log. Builders page their lists, so this
 * is a last guard, not a way to cut cards.
 */
export function withinBudget(c: Card): { card: Card; problems: string[] } {
  const problems = budgetProblems(c);
  if (!problems.length) return { card: c, problems };
  return {
    card: card({
      title:
        c.header.title && typeof c.header.title === 'object'
          ? textOfTitle(c.header.title as Element)
          : text('赛道助手', 'Saidao'),
      template: 'grey',
      elements: [
        markdown(
          text(
            '这张卡片内容过多，无法显示。请换一种查看方式（例如只看一个赛道），或联系竞赛办。',
            'This card holds too much to be shown. Try a narrower view (one track, for example) or ask the competition office.',
          ),
        ),
      ],
    }),
    problems,
  };
}

const textOfTitle = (title: Element): Text => {
  const i = title.i18n_content as { zh_cn?: string; en_us?: string } | undefined;
  const zh = String(i?.zh_cn ?? title.content ?? '');
  return text(zh, String(i?.en_us ?? zh));
};

/**
 * The largest n in 0..max for which build(n) meets the budget, by bisection (a card grows with n), with the card it
 * gives. Builders of long lists use it to page instead of being refused.
 */
export function fitCard(
  build: (n: number) => Card,
  max: number,
  fits: (c: Card) => boolean = fitsBudget,
): { card: Card; n: number } {
  let lo = 0;
  let hi = Math.max(0, max);
  let best = build(hi);
  if (fits(best)) return { card: best, n: hi };
  best = build(0);
  while (lo < hi - 1) {
    const mid = (lo + hi) >> 1;
    const c = build(mid);
    if (fits(c)) {
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

/**
 * Our own words in both languages as plain text, for sentences that carry names from the competition file or codes
 * but no markup. Names people typed do not go here (each language would repeat them): use `userText` or a table.
 */
export const plain = (t: Text): Element => ({ tag: 'div', text: plainText(t) });

/**
 * A text input of a form, with its label on top ("(optional)" added when not required). `max` is the limit the server
 * checks too; the platform caps max_length at 1,000 (INPUT_MAX_LENGTH), and the card budget refuses more, so a form
 * never accepts what the server would refuse.
 */
export const formInput = (
  name: string,
  label: Text,
  opts: { required: boolean; multiline?: boolean; max: number; value?: string; placeholder: Text },
): Element => ({
  tag: 'input',
  name,
  required: opts.required,
  max_length: opts.max,
  label: plainText(opts.required ? label : text(`${label.zh}（选填）`, `${label.en} (optional)`)),
  label_position: 'top',
  placeholder: plainText(opts.placeholder),
  width: 'fill',
  ...(opts.multiline ? { input_type: 'multiline_text', rows: 3, auto_resize: true, max_rows: 10 } : {}),
  ...(opts.value ? { default_value: opts.value } : {}),
});
