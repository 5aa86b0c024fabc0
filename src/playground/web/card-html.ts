/**
 * The few HTML helpers the card renderer (card-render.ts) and its markdown (card-markdown.ts) share: the one
 * `escapeHtml` every text and attribute from a card goes through, attribute lists, http(s) checks and Feishu's colour
 * names. Pure: no DOM, no Node.
 */

export type CardLang = 'zh_cn' | 'en_us';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values from a card, made inert: the five characters HTML gives meaning to. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** Text as the plain_text component shows it: escaped, each line break a `<br>`. */
export const escapeLines = (s: string): string => escapeHtml(s).replace(/\r\n|\r|\n/g, '<br>');

export type AttrValue = string | number | boolean | null | undefined;

/**
 * ` name="value"` for each attribute with a value (escaped), ` name` for `true`; `false`, null and undefined are left
 * out. Attribute names come from this code only, never from a card.
 */
export function attrs(list: Record<string, AttrValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(list)) {
    if (value === undefined || value === null || value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  return out;
}

/** Class names joined, empty ones dropped. */
export const classes = (...names: Array<string | false | null | undefined>): string => names.filter(Boolean).join(' ');

/**
 * Links a card may open: http and https only, as the markdown page says ("超链接必须包含 schema 才能生效，目前仅支持
 * HTTP 和 HTTPS"); anything else (javascript:, data:, lark://, tel:) is shown as text.
 */
export const isHttpUrl = (u: unknown): u is string => typeof u === 'string' && /^https?:\/\/[^\s<>"']+$/i.test(u);

/**
 * Feishu's colour names (https://open.feishu.cn/document/feishu-cards/enumerations-for-fields-related-to-color), each
 * its 500 shade; `red-400` and the like use the base colour.
 */
export const PALETTE: Readonly<Record<string, string>> = {
  blue: '#3370ff',
  wathet: '#14a9ff',
  turquoise: '#04b49c',
  green: '#2ea121',
  lime: '#8fac02',
  yellow: '#dc9b04',
  orange: '#de7802',
  red: '#f54a45',
  carmine: '#e22d8d',
  violet: '#c02fc7',
  purple: '#7f3bf5',
  indigo: '#4954e6',
  grey: '#8f959e',
  neutral: '#646a73',
};

const RGB = /^rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(?:,\s*(?:0|1|0?\.\d+|1\.0+)\s*)?\)$/i;

/** A CSS colour for a card's colour value (a name of the palette, possibly with a shade, or rgb/rgba), or none. */
export function colorCss(color: unknown): string | undefined {
  if (typeof color !== 'string') return undefined;
  const c = color.trim().toLowerCase();
  if (RGB.test(c)) return c.replace(/\s+/g, '');
  const base = /^([a-z]+)(?:-\d{2,3})?$/.exec(c)?.[1];
  return base ? PALETTE[base] : undefined;
}

/** The colours of text tags ("标签"): the markdown page's list; anything else shows as blue, the default. */
export const TAG_COLORS: ReadonlySet<string> = new Set([
  'neutral',
  'blue',
  'turquoise',
  'lime',
  'orange',
  'violet',
  'indigo',
  'wathet',
  'green',
  'yellow',
  'red',
  'purple',
  'carmine',
]);

export const tagClass = (color: unknown): string =>
  `card-tag card-tag--${typeof color === 'string' && TAG_COLORS.has(color) ? color : 'blue'}`;

/** A text tag ("标签") chip: its text escaped. */
export const tagChip = (text: string, color: unknown): string =>
  `<span class="${tagClass(color)}">${escapeHtml(text)}</span>`;

/** How a mention of a person or of everyone reads. */
export function mentionChip(id: string, lang: CardLang, nameOf?: (id: string) => string | undefined): string {
  if (id === 'all')
    return `<span class="card-at card-at--all" data-at-id="all">@${lang === 'zh_cn' ? '所有人' : 'All'}</span>`;
  return `<span class="card-at"${attrs({ 'data-at-id': id })}>@${escapeHtml(nameOf?.(id) ?? id)}</span>`;
}

/** A person (the person component, a persons table cell, markdown `<person>`): an avatar initial and the name. */
export function personChip(id: string, nameOf?: (id: string) => string | undefined): string {
  const name = nameOf?.(id) ?? id;
  const initial = [...name][0] ?? '?';
  return `<span class="card-person"${attrs({ 'data-person-id': id })}><span class="card-person-avatar" aria-hidden="true">${escapeHtml(initial)}</span><span class="card-person-name">${escapeHtml(name)}</span></span>`;
}

const pad = (n: number, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0');

/** The local time zone's offset as `+08:00`. */
const offsetOf = (d: Date) => {
  const m = -d.getTimezoneOffset();
  return `${m >= 0 ? '+' : '-'}${pad(Math.abs(m) / 60)}:${pad(Math.abs(m) % 60)}`;
};

/**
 * A Unix-millisecond time in the reader's time zone, as a table's date column shows it: `date_format` with YYYY, MM,
 * DD, HH, mm and ss, or RFC 3339 by default.
 */
export function formatDate(ms: number, format?: unknown): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const parts: Record<string, string> = {
    YYYY: pad(d.getFullYear(), 4),
    MM: pad(d.getMonth() + 1),
    DD: pad(d.getDate()),
    HH: pad(d.getHours()),
    mm: pad(d.getMinutes()),
    ss: pad(d.getSeconds()),
  };
  const f = typeof format === 'string' && format ? format : 'YYYY-MM-DDTHH:mm:ss';
  const out = f.replace(/YYYY|MM|DD|HH|mm|ss/g, (t) => parts[t]!);
  return typeof format === 'string' && format ? out : `${out}${offsetOf(d)}`;
}

const WEEK = {
  zh_cn: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  en_us: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** markdown `<local_datetime>`: a time in the reader's zone, in one of the page's `format_type`s. */
export function localDatetime(ms: number, formatType: unknown, lang: CardLang): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const zh = lang === 'zh_cn';
  const [y, mo, day, wd] = [d.getFullYear(), d.getMonth(), d.getDate(), d.getDay()];
  switch (formatType) {
    case 'date_short':
      return zh ? `${mo + 1}月${day}日` : `${MONTHS[mo]} ${day}`;
    case 'date':
      return zh ? `${y}年${mo + 1}月${day}日` : `${MONTHS[mo]} ${day}, ${y}`;
    case 'week':
      return WEEK[lang][wd]!;
    case 'week_short':
      return zh ? `周${WEEK.zh_cn[wd]!.slice(2)}` : WEEK.en_us[wd]!.slice(0, 3);
    case 'time':
      return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    case 'time_sec':
      return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    case 'timezone':
      return `GMT${offsetOf(d).replace(/^([+-])0/, '$1')}`;
    default:
      return `${pad(y, 4)}-${pad(mo + 1)}-${pad(day)}`;
  }
}
