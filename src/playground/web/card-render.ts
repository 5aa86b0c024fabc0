/**
 * Feishu Card JSON 2.0 as HTML, for the playground's chat page (bundled for the browser by esbuild) and for tests in
 * Node: pure TypeScript, no DOM, no network. `renderCard(card, { lang })` gives the card's markup, what could not be
 * rendered or breaks the platform's rules (src/lark/card-rules.ts), and the charts to draw.
 *
 * Components follow Feishu's pages (https://open.feishu.cn/document/feishu-cards/card-json-v2-components/
 * component-json-v2-overview and the page of each): header (title, subtitle, template colour, text tags, icon),
 * plain_text / lark_md / markdown texts with per-field i18n, div (text, fields), hr, column_set / column, table (paged),
 * collapsible_panel, form with input, select_static, multi_select_static, date_picker, picker_time, picker_datetime and
 * buttons, button, chart, img, person, person_list, text_tag; and, from JSON 1.0, card-level `i18n_elements` /
 * `i18n_header`, `note` and `action`. Anything else is an error marker where it stands.
 *
 * Languages: a text shows its `i18n_content[lang]`, else `content`, else the zh_cn, then the en_us text. When
 * `config.locales` is set and leaves the reader's language out, that language's texts are not used ("如果配置 locales，
 * 则只有 locales 中的语言会生效").
 *
 * Every text and attribute value from the card goes through `escapeHtml` (card-html.ts); nothing from the card is
 * inserted as markup or run.
 *
 * ## The markup the page works with
 *
 * - The card: `<article class="card card--width-{default|compact|fill}">`, its header `.card-header.card-header--{template}`,
 *   its body `.card-body`. Errors come first, each `<div class="card-error" role="alert">`.
 * - Forms: `<form class="card-form" data-form-name="NAME" novalidate>`; the page checks `required` itself (the form is
 *   `novalidate` so that the page can name every missing field at once, as the client does) and builds `form_value`
 *   from the controls' `name`s (a multiple select gives an array).
 * - Buttons: `<button class="card-button card-button--{type}" data-callback="{JSON of the callback value}">`;
 *   `data-url` for an open_url behaviour (http/https only); `data-confirm-title` / `data-confirm-text` for a confirm
 *   dialog (ask before acting). A form's submit button is `type="submit" data-form-action="submit" data-name="NAME"`
 *   (with its `data-callback`), a reset button `type="reset" data-form-action="reset"`; other buttons are
 *   `type="button"`.
 * - Tables: `<div class="card-table" data-table-pages="N">` holds one `<tbody data-table-page="i">` per page, all but
 *   the first `hidden`; when N > 1 a pager of `<button type="button" class="table-pager" data-table-goto="i">` (the
 *   current one `aria-current="page"`); the page shows the page a button names.
 * - Charts: `<div class="card-chart" data-chart-id="ID">`, to be drawn with VChart from `charts` (same id) after the
 *   HTML is in the page.
 *
 * Styles: `CARD_CSS` (card-css.ts) styles all of it; the server serves it or the
 * page puts it in a `<style>`.
 */
import { checkCard } from '../../lark/card-rules';
import {
  attrs,
  type CardLang,
  classes,
  colorCss,
  escapeHtml,
  escapeLines,
  formatDate,
  isHttpUrl,
  personChip,
  tagChip,
} from './card-html';
import { renderMarkdown, renderMarkdownInline } from './card-markdown';

export type { CardLang } from './card-html';
export { escapeHtml } from './card-html';

export interface RenderedChart {
  id: string;
  spec: Record<string, unknown>;
  aspectRatio?: string;
}

export interface RenderedCard {
  /** The card's markup. Every text from the card is HTML-escaped; nothing executes. */
  html: string;
  /** What could not be rendered or breaks the platform's card rules; each is also shown in `html` as an error marker. */
  errors: string[];
  /** Charts to draw with VChart after the html is inserted: a placeholder `<div class="card-chart" data-chart-id="…">` each. */
  charts: RenderedChart[];
}

export interface RenderOptions {
  lang: CardLang;
  /** Makes the ids of controls and charts unique on a page that shows several cards (default `card`). */
  idPrefix?: string;
  /** The display name of a user id, for mentions and persons; the id is shown when it gives none. */
  nameOf?: (id: string) => string | undefined;
}

type Node = Record<string, unknown>;
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const int = (x: unknown, min: number, max: number): number | undefined =>
  Number.isInteger(x) && (x as number) >= min && (x as number) <= max ? (x as number) : undefined;

interface Ctx {
  readonly lang: CardLang;
  /** Whether the reader's language is among `config.locales` (or there are none). */
  readonly langAllowed: boolean;
  readonly prefix: string;
  readonly nameOf?: (id: string) => string | undefined;
  readonly errors: string[];
  readonly charts: RenderedChart[];
  ids: number;
  /** The name of the form being rendered, when inside one. */
  form?: string;
  depth: number;
}

const MAX_DEPTH = 32;

// ── texts ─────────────────────────────────────────────────────────────────────────────────────────────────────────

/** A per-language map's text for the reader: their language, else the default, else Chinese, else English. */
function pick(ctx: Ctx, map: unknown, fallback: unknown): string | undefined {
  const m = isNode(map) ? map : {};
  const at = (l: string) => (typeof m[l] === 'string' && m[l] !== '' ? (m[l] as string) : undefined);
  return (
    (ctx.langAllowed ? at(ctx.lang) : undefined) ??
    (typeof fallback === 'string' && fallback !== '' ? fallback : undefined) ??
    at('zh_cn') ??
    at('en_us') ??
    Object.keys(m).map(at).find(Boolean) ??
    str(fallback)
  );
}

/** The string a text object (plain_text, lark_md, markdown) shows the reader; a bare string is itself. */
function textOf(ctx: Ctx, t: unknown): string | undefined {
  if (typeof t === 'string') return t;
  if (!isNode(t)) return undefined;
  return pick(ctx, t.i18n_content ?? t.i18n, t.content);
}

const TEXT_SIZES = new Set([
  'heading-0',
  'heading-1',
  'heading-2',
  'heading-3',
  'heading-4',
  'heading',
  'normal',
  'notation',
  'xxxx-large',
  'xxx-large',
  'xx-large',
  'x-large',
  'large',
  'medium',
  'small',
  'x-small',
]);
/** "如果你填写了其它值，卡片将展示为 normal 字段对应的字号". */
const sizeClass = (size: unknown) => `card-text--${typeof size === 'string' && TEXT_SIZES.has(size) ? size : 'normal'}`;
const alignClass = (align: unknown) => (align === 'center' || align === 'right' ? `card-align--${align}` : undefined);

/** A text object as HTML: plain_text escaped (lines kept), lark_md and markdown rendered; block or inline. */
function renderText(ctx: Ctx, t: unknown, where: string, inline = false): string {
  const s = textOf(ctx, t);
  if (s === undefined) return fail(ctx, where, 'a text with no content');
  const tag = isNode(t) ? t.tag : 'plain_text';
  if (tag === 'lark_md' || tag === 'markdown') {
    const env = { lang: ctx.lang, nameOf: ctx.nameOf };
    return inline ? renderMarkdownInline(s, env) : renderMarkdown(s, env);
  }
  if (tag !== undefined && tag !== 'plain_text') return fail(ctx, where, `unknown text tag "${String(tag)}"`);
  return escapeLines(s);
}

/** A text with its size, colour, alignment and line limit, as the div and plain_text components show it. */
function textBlock(ctx: Ctx, t: unknown, where: string): string {
  const n = isNode(t) ? t : {};
  const md = n.tag === 'lark_md' || n.tag === 'markdown';
  const lines = int(n.lines, 1, 1000);
  const color = !md ? colorCss(n.text_color) : undefined;
  const style = [color && `color:${color}`, lines && `-webkit-line-clamp:${lines}`].filter(Boolean).join(';');
  return `<div${attrs({
    class: classes(
      'card-text',
      md && 'card-markdown',
      sizeClass(n.text_size),
      alignClass(n.text_align),
      lines !== undefined && 'card-text--clamp',
    ),
    style: style || undefined,
  })}>${renderText(ctx, t, where)}</div>`;
}

// ── errors ────────────────────────────────────────────────────────────────────────────────────────────────────────

function fail(ctx: Ctx, where: string, message: string): string {
  const m = where ? `${where}: ${message}` : message;
  ctx.errors.push(m);
  return `<div class="card-error" role="alert">${escapeHtml(m)}</div>`;
}

// ── components ────────────────────────────────────────────────────────────────────────────────────────────────────

const nextId = (ctx: Ctx, kind: string) => `${ctx.prefix}-${kind}-${++ctx.ids}`;

function children(ctx: Ctx, list: unknown, where: string): string {
  if (list === undefined) return '';
  if (!Array.isArray(list)) return fail(ctx, where, 'elements must be a list');
  return list.map((x, i) => element(ctx, x, `${where}[${i}]`)).join('');
}

function element(ctx: Ctx, x: unknown, where: string): string {
  if (!isNode(x)) return fail(ctx, where, 'not a component (an object with a tag)');
  if (typeof x.tag !== 'string') return fail(ctx, where, 'a component without a tag');
  if (ctx.depth >= MAX_DEPTH) return fail(ctx, where, 'nested too deep');
  ctx.depth++;
  try {
    return component(ctx, x, where);
  } finally {
    ctx.depth--;
  }
}

/** Common attributes of a component's outer element. */
const own = (x: Node) => ({ 'data-element-id': str(x.element_id) });

function component(ctx: Ctx, x: Node, where: string): string {
  const tag = x.tag as string;
  switch (tag) {
    case 'markdown': {
      if (x.content === undefined && x.i18n_content === undefined) return fail(ctx, where, 'markdown without content');
      return `<div${attrs({ class: classes('card-markdown', sizeClass(x.text_size), alignClass(x.text_align)), ...own(x) })}>${renderText(ctx, { ...x, tag: 'markdown' }, where)}</div>`;
    }
    case 'plain_text':
    case 'lark_md':
      return textBlock(ctx, x, where);
    case 'div':
      return div(ctx, x, where);
    case 'hr':
      return `<hr${attrs({ class: 'card-hr', ...own(x) })}>`;
    case 'column_set':
      return columnSet(ctx, x, where);
    case 'column':
      return fail(ctx, where, 'a column outside a column_set');
    case 'table':
      return table(ctx, x, where);
    case 'collapsible_panel':
      return panel(ctx, x, where);
    case 'form':
      return form(ctx, x, where);
    case 'input':
      return input(ctx, x, where);
    case 'select_static':
    case 'multi_select_static':
      return select(ctx, x, where);
    case 'date_picker':
    case 'picker_time':
    case 'picker_datetime':
      return picker(ctx, x, where);
    case 'button':
      return button(ctx, x, where);
    case 'chart':
      return chart(ctx, x, where);
    case 'img':
      return image(ctx, x);
    case 'person':
      return typeof x.user_id === 'string'
        ? `<div${attrs({ class: 'card-persons', ...own(x) })}>${personChip(x.user_id, ctx.nameOf)}</div>`
        : fail(ctx, where, 'person without user_id');
    case 'person_list': {
      const persons = Array.isArray(x.persons) ? x.persons : [];
      const ids = persons.map((p) => (isNode(p) ? str(p.id) : str(p))).filter((id): id is string => !!id);
      return `<div${attrs({ class: 'card-persons', ...own(x) })}>${ids.map((id) => personChip(id, ctx.nameOf)).join('')}</div>`;
    }
    case 'text_tag':
      return tagChip(textOf(ctx, x.text) ?? '', x.color);
    case 'note': // JSON 1.0: small texts and images
      return `<div class="card-note">${(Array.isArray(x.elements) ? x.elements : [])
        .map((e, i) => (isNode(e) && e.tag === 'img' ? image(ctx, e) : renderText(ctx, e, `${where}.elements[${i}]`)))
        .join(' ')}</div>`;
    case 'action': // JSON 1.0: a row of buttons and menus
      return `<div class="card-actions">${children(ctx, x.actions, `${where}.actions`)}</div>`;
    default:
      return fail(ctx, where, `the playground does not render "${tag}"`);
  }
}

function div(ctx: Ctx, x: Node, where: string): string {
  const text = x.text === undefined ? '' : textBlock(ctx, x.text, `${where}.text`);
  let fields = '';
  if (Array.isArray(x.fields))
    fields = `<div class="card-fields">${x.fields
      .map((f, i) =>
        isNode(f)
          ? `<div class="${classes('card-fields-cell', f.is_short === true && 'card-fields-cell--short')}">${textBlock(ctx, f.text, `${where}.fields[${i}].text`)}</div>`
          : fail(ctx, `${where}.fields[${i}]`, 'a field is an object with a text'),
      )
      .join('')}</div>`;
  if (!text && !fields) return fail(ctx, where, 'div with neither text nor fields');
  return `<div${attrs({ class: 'card-div', ...own(x) })}>${text}${fields}</div>`;
}

const SPACING: Record<string, string> = { small: '4px', medium: '8px', large: '12px', 'extra-large': '16px' };
const spacing = (s: unknown) =>
  typeof s === 'string' ? (SPACING[s] ?? (/^\d{1,2}px$/.test(s) ? s : undefined)) : undefined;

function columnSet(ctx: Ctx, x: Node, where: string): string {
  if (!Array.isArray(x.columns)) return fail(ctx, where, 'column_set without columns');
  const flex = ['stretch', 'flow', 'bisect', 'trisect'].includes(x.flex_mode as string) ? x.flex_mode : 'none';
  const gap = spacing(x.horizontal_spacing);
  const columns = x.columns.map((c, i) => {
    const w = `${where}.columns[${i}]`;
    if (!isNode(c) || c.tag !== 'column') return fail(ctx, w, 'a column_set holds columns only');
    const width = str(c.width) ?? 'auto';
    const weight = int(c.weight, 1, 5) ?? 1;
    const style =
      width === 'weighted' ? `flex:${weight} 1 0` : /^\d{1,3}px$/.test(width) ? `flex:0 0 ${width}` : undefined;
    const valign = ['center', 'bottom'].includes(c.vertical_align as string) ? c.vertical_align : 'top';
    const bg =
      typeof c.background_style === 'string' && c.background_style !== 'default' ? c.background_style : undefined;
    return `<div${attrs({
      class: classes(
        'card-column',
        width === 'auto' && 'card-column--auto',
        `card-column--${valign}`,
        bg && 'card-column--background',
      ),
      style: [style, bg && colorCss(bg) && `--card-column-bg:${colorCss(bg)}`].filter(Boolean).join(';') || undefined,
      ...own(c),
    })}>${children(ctx, c.elements, `${w}.elements`)}</div>`;
  });
  return `<div${attrs({ class: `card-columns card-columns--${flex}`, style: gap ? `gap:${gap}` : undefined, ...own(x) })}>${columns.join('')}</div>`;
}

// ── table ─────────────────────────────────────────────────────────────────────────────────────────────────────────

const TABLE_TYPES = new Set(['text', 'lark_md', 'markdown', 'number', 'options', 'persons', 'date']);

function formatNumber(v: number, format: unknown): string {
  const f = isNode(format) ? format : {};
  const precision = int(f.precision, 0, 10);
  let s = precision === undefined ? String(v) : v.toFixed(precision);
  if (f.separator === true) {
    const [whole, frac] = s.split('.');
    s = `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac !== undefined ? `.${frac}` : ''}`;
  }
  return `${typeof f.symbol === 'string' ? f.symbol : ''}${s}`;
}

/** The plain text of a text, number or date cell (also its tooltip when the row is cut to one line). */
function cellText(value: unknown, column: Node): string | undefined {
  switch (column.data_type ?? 'text') {
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      return Number.isFinite(n) ? formatNumber(n, column.format) : String(value);
    }
    case 'date':
      return typeof value === 'number' ? formatDate(value, column.date_format) : String(value);
    case 'text':
      // "非字符串类型转换为字符串展示".
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return undefined;
  }
}

/** A cell as its column's data_type shows it. */
function cell(ctx: Ctx, value: unknown, column: Node): string {
  const plain = cellText(value, column);
  if (plain !== undefined) return escapeLines(plain);
  const env = { lang: ctx.lang, nameOf: ctx.nameOf };
  const list = Array.isArray(value) ? value : [value];
  switch (column.data_type) {
    case 'lark_md':
    case 'markdown':
      return `<div class="card-markdown">${renderMarkdown(String(value), env)}</div>`;
    case 'options':
      return list
        .map((o) => (isNode(o) ? tagChip(String(o.text ?? ''), o.color) : tagChip(String(o), 'blue')))
        .join(' ');
    default: // persons
      return list
        .map((p) => (isNode(p) ? str(p.id) : str(p)))
        .filter((id): id is string => !!id)
        .map((id) => personChip(id, ctx.nameOf))
        .join(' ');
  }
}

function table(ctx: Ctx, x: Node, where: string): string {
  if (!Array.isArray(x.columns) || x.columns.length === 0) return fail(ctx, where, 'table without columns');
  // "最多支持添加 50 列，超出 50 列的内容不展示".
  const columns = x.columns.slice(0, 50);
  const problems: string[] = [];
  columns.forEach((c, i) => {
    if (!isNode(c) || typeof c.name !== 'string')
      problems.push(fail(ctx, `${where}.columns[${i}]`, 'a column needs a name'));
    else if (c.data_type !== undefined && !TABLE_TYPES.has(String(c.data_type)))
      problems.push(fail(ctx, `${where}.columns[${i}]`, `unknown column data_type "${String(c.data_type)}"`));
  });
  if (problems.length) return problems.join('');
  const cols = columns as Node[];
  if (!Array.isArray(x.rows)) return fail(ctx, where, 'table without rows');
  const pageSize = int(x.page_size, 1, 10) ?? 5;
  // "单元格高度如无法展示一整行内容，则上下裁剪内容": a low row is one line, the rest shown on hover.
  const rowHeight = ['middle', 'high', 'auto'].includes(x.row_height as string) ? (x.row_height as string) : 'low';
  const low = rowHeight === 'low';
  const hs = isNode(x.header_style) ? x.header_style : {};
  const align = (c: Node) =>
    ['left', 'center', 'right'].includes(c.horizontal_align as string)
      ? (c.horizontal_align as string)
      : c.data_type === 'number'
        ? 'right'
        : 'left';
  const widthStyle = (c: Node) =>
    typeof c.width === 'string' && /^(\d{2,3}px|\d{1,3}%)$/.test(c.width) ? `width:${c.width}` : undefined;
  const head = `<thead${attrs({
    class: classes(
      'card-table-head',
      hs.background_style === 'grey' && 'card-table-head--grey',
      hs.bold === false && 'card-table-head--regular',
      hs.text_color === 'grey' && 'card-table-head--muted',
    ),
  })}><tr>${cols
    .map(
      (c) =>
        `<th${attrs({ scope: 'col', class: `card-align--${['left', 'center', 'right'].includes(hs.text_align as string) ? hs.text_align : 'left'}`, style: widthStyle(c) })}>${escapeHtml(typeof c.display_name === 'string' ? c.display_name : '')}</th>`,
    )
    .join('')}</tr></thead>`;
  const rows = x.rows.map((r, i) => {
    const w = `${where}.rows[${i}]`;
    if (!isNode(r)) return `<tr><td${attrs({ colspan: cols.length })}>${fail(ctx, w, 'a row is an object')}</td></tr>`;
    return `<tr>${cols
      .map((c) => {
        const value = r[c.name as string];
        const empty = value === undefined || value === null || value === '';
        return `<td${attrs({
          class: classes(
            `card-align--${align(c)}`,
            c.vertical_align === 'top' && 'card-valign--top',
            c.vertical_align === 'bottom' && 'card-valign--bottom',
          ),
          title: low && !empty ? cellText(value, c) : undefined,
        })}>${empty ? '' : cell(ctx, value, c)}</td>`;
      })
      .join('')}</tr>`;
  });
  const pages: string[][] = [];
  for (let i = 0; i < rows.length; i += pageSize) pages.push(rows.slice(i, i + pageSize));
  if (!pages.length)
    pages.push([
      `<tr class="card-table-empty"><td${attrs({ colspan: cols.length })}>${ctx.lang === 'zh_cn' ? '暂无数据' : 'No data'}</td></tr>`,
    ]);
  const bodies = pages
    .map((p, i) => `<tbody${attrs({ 'data-table-page': i, hidden: i > 0 })}>${p.join('')}</tbody>`)
    .join('');
  const zh = ctx.lang === 'zh_cn';
  const pager =
    pages.length > 1
      ? `<nav${attrs({ class: 'card-table-pager', 'aria-label': zh ? '表格分页' : 'Table pages' })}>${pages
          .map(
            (_, i) =>
              `<button${attrs({
                type: 'button',
                class: 'table-pager',
                'data-table-goto': i,
                'aria-label': zh ? `第 ${i + 1} 页` : `Page ${i + 1}`,
                'aria-current': i === 0 ? 'page' : undefined,
              })}>${i + 1}</button>`,
          )
          .join('')}</nav>`
      : '';
  return `<div${attrs({
    class: classes(
      'card-table',
      x.freeze_first_column === true && 'card-table--freeze',
      `card-table--rows-${rowHeight}`,
    ),
    'data-table-pages': pages.length,
    ...own(x),
  })}><div class="card-table-scroll"><table>${head}${bodies}</table></div>${pager}</div>`;
}

// ── containers ────────────────────────────────────────────────────────────────────────────────────────────────────

function panel(ctx: Ctx, x: Node, where: string): string {
  const header = isNode(x.header) ? x.header : {};
  const title = header.title === undefined ? '' : renderText(ctx, header.title, `${where}.header.title`, true);
  const bg = colorCss(header.background_color);
  return `<details${attrs({
    class: classes('card-panel', isNode(x.border) && 'card-panel--border'),
    open: x.expanded === true,
    ...own(x),
  })}><summary${attrs({ class: 'card-panel-header', style: bg ? `--card-panel-bg:${bg}` : undefined })}>${title}</summary><div class="card-panel-body">${children(ctx, x.elements, `${where}.elements`)}</div></details>`;
}

function form(ctx: Ctx, x: Node, where: string): string {
  if (ctx.form !== undefined) return fail(ctx, where, 'a form cannot hold a form');
  const name = str(x.name) ?? '';
  ctx.form = name;
  try {
    return `<form${attrs({ class: 'card-form', 'data-form-name': name, novalidate: true, ...own(x) })}>${children(ctx, x.elements, `${where}.elements`)}</form>`;
  } finally {
    ctx.form = undefined;
  }
}

// ── interactive components ────────────────────────────────────────────────────────────────────────────────────────

/** The value of the first callback behaviour, else the JSON 1.0 `value`. */
function callbackOf(x: Node): unknown {
  const behaviors = Array.isArray(x.behaviors) ? x.behaviors : [];
  const cb = behaviors.find((b) => isNode(b) && b.type === 'callback');
  if (isNode(cb)) return cb.value;
  return x.value;
}

const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));

/** The link of the first open_url behaviour (the desktop's, else the default), else JSON 1.0 `url`; http(s) only. */
function urlOf(x: Node): string | undefined {
  const behaviors = Array.isArray(x.behaviors) ? x.behaviors : [];
  const b = behaviors.find((y) => isNode(y) && y.type === 'open_url');
  const multi = isNode(x.multi_url) ? x.multi_url : {};
  const candidates = isNode(b) ? [b.pc_url, b.default_url] : [multi.pc_url, multi.url, x.url];
  return candidates.find(isHttpUrl);
}

const widthOf = (w: unknown) =>
  w === 'fill'
    ? { cls: 'card-control--fill', style: undefined }
    : typeof w === 'string' && /^\d{2,4}px$/.test(w)
      ? { cls: undefined, style: `width:${w}` }
      : { cls: undefined, style: undefined };

/** What every control shares: id, name, required, disabled, callback outside forms. */
function controlAttrs(ctx: Ctx, x: Node, id: string) {
  return {
    id,
    name: str(x.name),
    required: x.required === true,
    disabled: x.disabled === true,
    'data-callback': ctx.form === undefined ? json(callbackOf(x)) : undefined,
  };
}

/** A visible label for a control (its accessible name starts with the label's text), or nothing. */
function labelFor(ctx: Ctx, x: Node, id: string): { html: string; has: boolean } {
  const label = x.label === undefined ? undefined : textOf(ctx, x.label);
  if (label === undefined || label === '') return { html: '', has: false };
  const star = x.required === true ? '<span class="card-required" aria-hidden="true">*</span>' : '';
  return { html: `<label${attrs({ class: 'card-label', for: id })}>${escapeHtml(label)}${star}</label>`, has: true };
}

function field(x: Node, control: string, label: string, width: { cls?: string }): string {
  const pos = x.label_position === 'left' ? 'left' : 'top';
  return `<div${attrs({ class: classes('card-field', `card-field--label-${pos}`, width.cls), ...own(x) })}>${label}${control}</div>`;
}

/** The rows a multi-line input shows, and at most grows to ("rows", "max_rows" with "auto_resize"). */
function textareaStyle(x: Node, width: string | undefined): string {
  const rows = int(x.rows, 1, 50) ?? 5;
  const max = x.auto_resize === true ? (int(x.max_rows, 1, 50) ?? rows) : rows;
  return [width, `--card-rows:${rows}`, `--card-max-rows:${Math.max(max, rows)}`].filter(Boolean).join(';');
}

function input(ctx: Ctx, x: Node, _where: string): string {
  const id = nextId(ctx, 'input');
  const label = labelFor(ctx, x, id);
  const placeholder = x.placeholder === undefined ? undefined : textOf(ctx, x.placeholder);
  const multiline = x.input_type === 'multiline_text' || (x.input_type === undefined && x.rows !== undefined);
  const value = pick(ctx, x.i18n_default_value, x.default_value) ?? '';
  const width = widthOf(x.width);
  const common = {
    ...controlAttrs(ctx, x, id),
    class: multiline ? 'card-input card-textarea' : 'card-input',
    // The platform's default ("默认值 1000").
    maxlength: int(x.max_length, 1, 1000) ?? 1000,
    placeholder,
    'aria-label': label.has ? undefined : placeholder,
    style: width.style,
  };
  const control = multiline
    ? // A textarea drops one leading line break: keep the value's own.
      `<textarea${attrs({ ...common, rows: int(x.rows, 1, 50) ?? 5, style: textareaStyle(x, width.style) })}>${value.startsWith('\n') ? '\n' : ''}${escapeHtml(value)}</textarea>`
    : `<input${attrs({ ...common, type: x.input_type === 'password' ? 'password' : 'text', value: value || undefined })}>`;
  return field(x, control, label.html, width);
}

function select(ctx: Ctx, x: Node, where: string): string {
  const multiple = x.tag === 'multi_select_static';
  const id = nextId(ctx, 'select');
  const placeholder = x.placeholder === undefined ? undefined : textOf(ctx, x.placeholder);
  const options = Array.isArray(x.options) ? x.options : [];
  const values = options.map((o) => (isNode(o) && o.value !== undefined ? String(o.value) : undefined));
  if (values.some((v) => v === undefined)) return fail(ctx, where, 'every option needs a text and a value');
  let chosen: string[];
  if (multiple) chosen = Array.isArray(x.selected_values) ? x.selected_values.map(String) : [];
  else if (typeof x.initial_option === 'string') chosen = [x.initial_option];
  else {
    const i = int(x.initial_index, 1, options.length);
    chosen = i ? [values[i - 1]!] : [];
  }
  const width = widthOf(x.width);
  const label = labelFor(ctx, x, id);
  const first = multiple
    ? ''
    : // The placeholder shows until an option is chosen, and cannot be chosen back (as in the client).
      `<option${attrs({ value: '', disabled: true, selected: !chosen.some((c) => values.includes(c)) })}>${escapeHtml(placeholder ?? '')}</option>`;
  const list = options
    .map(
      (o, i) =>
        `<option${attrs({ value: values[i], selected: chosen.includes(values[i]!) })}>${escapeHtml(textOf(ctx, (o as Node).text) ?? values[i]!)}</option>`,
    )
    .join('');
  const control = `<select${attrs({
    ...controlAttrs(ctx, x, id),
    class: 'card-select',
    multiple,
    size: multiple ? Math.min(Math.max(options.length, 2), 6) : undefined,
    'aria-label': label.has ? undefined : placeholder,
    style: width.style,
  })}>${first}${list}</select>`;
  return field(x, control, label.html, width);
}

function picker(ctx: Ctx, x: Node, _where: string): string {
  const id = nextId(ctx, 'picker');
  const placeholder = x.placeholder === undefined ? undefined : textOf(ctx, x.placeholder);
  const [type, initial, pattern] =
    x.tag === 'date_picker'
      ? ['date', x.initial_date, /^\d{4}-\d{2}-\d{2}$/]
      : x.tag === 'picker_time'
        ? ['time', x.initial_time, /^\d{2}:\d{2}$/]
        : ['datetime-local', x.initial_datetime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/];
  const value = typeof initial === 'string' && pattern.test(initial) ? initial.replace(' ', 'T') : undefined;
  const width = widthOf(x.width);
  const label = labelFor(ctx, x, id);
  const control = `<input${attrs({
    ...controlAttrs(ctx, x, id),
    type,
    class: 'card-input card-picker',
    value,
    'aria-label': label.has ? undefined : placeholder,
    style: width.style,
  })}>`;
  return field(x, control, label.html, width);
}

const BUTTON_TYPES = new Set([
  'default',
  'primary',
  'danger',
  'text',
  'primary_text',
  'danger_text',
  'primary_filled',
  'danger_filled',
  'laser',
]);

function button(ctx: Ctx, x: Node, _where: string): string {
  const type = typeof x.type === 'string' && BUTTON_TYPES.has(x.type) ? x.type : 'default';
  const size = ['tiny', 'small', 'large'].includes(x.size as string) ? (x.size as string) : 'medium';
  const action =
    ctx.form !== undefined && (x.form_action_type === 'submit' || x.form_action_type === 'reset')
      ? (x.form_action_type as 'submit' | 'reset')
      : undefined;
  const confirm = isNode(x.confirm) ? x.confirm : undefined;
  const tips = x.disabled === true && x.disabled_tips !== undefined ? x.disabled_tips : x.hover_tips;
  const width = widthOf(x.width);
  return `<button${attrs({
    type: action ?? 'button',
    class: classes('card-button', `card-button--${type}`, `card-button--${size}`, width.cls),
    style: width.style,
    'data-form-action': action,
    'data-name': str(x.name),
    'data-callback': json(callbackOf(x)),
    'data-url': urlOf(x),
    'data-confirm-title': confirm ? (textOf(ctx, confirm.title) ?? '') : undefined,
    'data-confirm-text': confirm ? (textOf(ctx, confirm.text) ?? '') : undefined,
    title: tips === undefined ? undefined : textOf(ctx, tips),
    disabled: x.disabled === true,
    ...own(x),
  })}>${escapeHtml(textOf(ctx, x.text) ?? '')}</button>`;
}

// ── media ─────────────────────────────────────────────────────────────────────────────────────────────────────────

function chart(ctx: Ctx, x: Node, where: string): string {
  if (!isNode(x.chart_spec)) return fail(ctx, where, 'chart without chart_spec');
  const id = nextId(ctx, 'chart');
  // "PC 端：16:9".
  const ratio =
    typeof x.aspect_ratio === 'string' && /^\d{1,2}:\d{1,2}$/.test(x.aspect_ratio) ? x.aspect_ratio : '16:9';
  const height = typeof x.height === 'string' && /^\d{1,3}px$/.test(x.height) ? x.height : undefined;
  const [w, h] = ratio.split(':');
  ctx.charts.push({ id, spec: x.chart_spec, aspectRatio: ratio });
  const title = isNode(x.chart_spec.title) ? str(x.chart_spec.title.text) : undefined;
  return `<div${attrs({
    class: 'card-chart',
    'data-chart-id': id,
    style: height ? `height:${height}` : `aspect-ratio:${w} / ${h}`,
    role: 'img',
    'aria-label': title,
    ...own(x),
  })}></div>`;
}

function image(ctx: Ctx, x: Node): string {
  const alt = x.alt === undefined ? '' : (textOf(ctx, x.alt) ?? '');
  const title = x.title === undefined ? '' : (textOf(ctx, x.title) ?? '');
  return `<figure${attrs({ class: 'card-img', ...own(x) })}><div${attrs({ class: 'card-img-box', role: 'img', 'aria-label': alt || (ctx.lang === 'zh_cn' ? '图片' : 'Image') })}>${escapeHtml(alt)}</div>${title ? `<figcaption>${escapeHtml(title)}</figcaption>` : ''}</figure>`;
}

// ── the card ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** Header colours Feishu documents (the header's `template`). */
export const CARD_TEMPLATES = new Set([
  'blue',
  'wathet',
  'turquoise',
  'green',
  'yellow',
  'orange',
  'red',
  'carmine',
  'violet',
  'purple',
  'indigo',
  'grey',
  'default',
]);

function header(ctx: Ctx, h: unknown, where: string): string {
  if (h === undefined) return '';
  if (!isNode(h)) return fail(ctx, where, 'the header is an object');
  const template = typeof h.template === 'string' && CARD_TEMPLATES.has(h.template) ? h.template : 'default';
  // "如果只配置副标题，则实际展示为主标题效果".
  const [main, sub] = h.title === undefined ? [h.subtitle, undefined] : [h.title, h.subtitle];
  const title =
    main === undefined ? '' : `<div class="card-title">${renderText(ctx, main, `${where}.title`, true)}</div>`;
  const subtitle =
    sub === undefined ? '' : `<div class="card-subtitle">${renderText(ctx, sub, `${where}.subtitle`, true)}</div>`;
  // "同时配置原字段和国际化字段，优先生效多语言配置"; at most three are shown.
  const i18nTags = isNode(h.i18n_text_tag_list) ? h.i18n_text_tag_list : undefined;
  const tagList = i18nTags
    ? (i18nTags[ctx.lang] ?? i18nTags.zh_cn ?? i18nTags.en_us ?? Object.values(i18nTags)[0])
    : h.text_tag_list;
  const tags = (Array.isArray(tagList) ? tagList : [])
    .slice(0, 3)
    .filter(isNode)
    .map((t) => tagChip(textOf(ctx, t.text) ?? '', t.color))
    .join('');
  const icon =
    isNode(h.icon) && typeof h.icon.token === 'string'
      ? `<span${attrs({ class: 'card-icon', 'data-icon': h.icon.token, 'aria-hidden': 'true' })}></span>`
      : '';
  return `<header${attrs({ class: `card-header card-header--${template}` })}>${icon}<div class="card-header-text">${title}${subtitle}</div>${tags ? `<div class="card-header-tags">${tags}</div>` : ''}</header>`;
}

const prefixOf = (p: string | undefined) => (p ?? 'card').replace(/[^A-Za-z0-9_-]/g, '-') || 'card';

/** Renders a card (Card JSON 2.0; JSON 1.0 cards as far as they share its components). */
export function renderCard(card: unknown, options: RenderOptions): RenderedCard {
  const errors: string[] = [];
  const charts: RenderedChart[] = [];
  const config = isNode(card) && isNode(card.config) ? card.config : {};
  const locales = Array.isArray(config.locales) ? config.locales : undefined;
  const ctx: Ctx = {
    lang: options.lang,
    langAllowed: !locales || locales.includes(options.lang),
    prefix: prefixOf(options.idPrefix),
    nameOf: options.nameOf,
    errors,
    charts,
    ids: 0,
    depth: 0,
  };
  if (!isNode(card)) {
    const html = fail(ctx, 'card', 'not a card (a JSON object)');
    return { html: `<article class="card card--width-default">${html}</article>`, errors, charts };
  }
  // The platform's rules first, at the top, as the send would refuse the card.
  const rules = checkCard(card)
    .problems.map((p) =>
      fail(ctx, 'Lark would refuse this card', `${p.message} (${p.code}${p.subCode ? `/${p.subCode}` : ''})`),
    )
    .join('');
  const v2 = card.schema === '2.0';
  const i18nHeader = !v2 && isNode(card.i18n_header) ? card.i18n_header : undefined;
  const head = header(
    ctx,
    i18nHeader ? (i18nHeader[ctx.lang] ?? i18nHeader.zh_cn ?? i18nHeader.en_us) : card.header,
    'header',
  );
  let body: string;
  if (v2) {
    const b = isNode(card.body) ? card.body : undefined;
    body =
      b && Array.isArray(b.elements)
        ? children(ctx, b.elements, 'body.elements')
        : fail(ctx, 'body', 'a 2.0 card needs body.elements');
  } else {
    const i18n = isNode(card.i18n_elements) ? card.i18n_elements : undefined;
    const list = i18n ? (i18n[ctx.lang] ?? i18n.zh_cn ?? i18n.en_us) : card.elements;
    body = Array.isArray(list)
      ? children(ctx, list, i18n ? `i18n_elements.${ctx.lang}` : 'elements')
      : fail(ctx, 'card', 'no elements');
  }
  const width = ['compact', 'fill'].includes(config.width_mode as string) ? config.width_mode : 'default';
  const lang = options.lang === 'zh_cn' ? 'zh-CN' : 'en';
  const html = `<article${attrs({ class: `card card--width-${width}`, lang })}>${rules}${head}<div class="card-body">${body}</div></article>`;
  return { html, errors, charts };
}
