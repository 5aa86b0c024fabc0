/**
 * The markdown of Feishu cards (the `markdown` component, `lark_md` texts, markdown table cells) as HTML, following
 * https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/rich-text:
 *
 * - CommonMark (with tables and ~~strikethrough~~) through markdown-it, raw HTML off, linkify off; one newline is a
 *   line break, as in the client.
 * - The HTML tags the page lists, recognised by an inline rule of markdown-it (never by hand-parsing the markdown):
 *   `<at id=…>` / `user_id` / `open_id` / `ids=a,b` / `email` / `id=all` (an @ chip), `<font color>`, `<text_tag color>`,
 *   `<a href>`, `<link url>`, `<br>`, `<hr>`, `<person id>`, `<local_datetime>`, `<number_tag>` and `<raw>`. An opening
 *   tag without its closing one in the same paragraph (or one crossing markdown's own emphasis or links) is shown as
 *   the text it is, so the HTML is always well nested.
 * - Links open only for http(s) URLs, in a new tab; images (`![alt](image_key)`) are a placeholder box with the alt
 *   text (no network).
 * - `&sim;` is `~`, as the page's escape table has it; other entities are decoded by markdown-it.
 *
 * Every text goes through the one `escapeHtml` of card-html.ts; nothing from the card reaches the page as markup.
 */
import MarkdownIt from 'markdown-it';
import type { Env, MarkdownIt as Md, StateCore, StateInline, Token } from 'markdown-it';
import {
  attrs,
  type CardLang,
  colorCss,
  escapeHtml,
  isHttpUrl,
  localDatetime,
  mentionChip,
  personChip,
  tagClass,
} from './card-html';

export interface MarkdownEnv {
  lang: CardLang;
  /** The display name of a user id (open_id, user_id), when the page knows it; otherwise the id is shown. */
  nameOf?: (id: string) => string | undefined;
}

interface RenderEnv extends Env, MarkdownEnv {
  /** For each open link: whether it became an `<a>` (http/https) or an inert `<span>`. */
  links?: boolean[];
}

/** Tags with a closing tag and content between, as spans. */
const PAIRED = new Set(['font', 'text_tag', 'a', 'link', 'number_tag']);
/** Tags that stand for something whole: their closing tag (and anything before it) is consumed with them. */
const WHOLE = new Set(['at', 'person', 'local_datetime', 'raw']);
const VOID = new Set(['br', 'hr']);

const TAG = /^<(\/?)([A-Za-z_]+)((?:\s+[A-Za-z_:][\w:.-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/;
const ATTR = /([A-Za-z_:][\w:.-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function parseAttrs(src: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of src.matchAll(ATTR)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? 'true';
  return out;
}

/** The ids an `<at>` names: `ids=a,b`, or one of id, user_id, open_id, email. */
const mentionIds = (a: Record<string, string>): string[] =>
  (a.ids ?? a.id ?? a.user_id ?? a.open_id ?? a.email ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The inline rule: one of Feishu's tags at `<`, as a token (`feishu_open`, `feishu_close` or `feishu_void`). */
function feishuTag(state: StateInline, silent: boolean): boolean {
  if (state.src.charCodeAt(state.pos) !== 0x3c /* < */) return false;
  const rest = state.src.slice(state.pos, state.posMax);
  const m = TAG.exec(rest);
  if (!m) return false;
  const name = m[2]!.toLowerCase();
  const closing = m[1] === '/';
  let length = m[0].length;
  const a = parseAttrs(m[3] ?? '');
  let content = '';
  if (WHOLE.has(name)) {
    if (closing) return false; // a stray </at>: shown as text
    if (name === 'at' && mentionIds(a).length === 0) return false;
    const end = rest.toLowerCase().indexOf(`</${name}>`, length);
    // Its closing tag goes with it when only text stands between (`<raw>` keeps anything, that is its purpose).
    if (end >= 0 && (name === 'raw' || !rest.slice(length, end).includes('<'))) {
      content = rest.slice(length, end);
      length = end + name.length + 3;
    } else if (name === 'raw') return false;
  } else if (!PAIRED.has(name) && !VOID.has(name)) return false;
  else if (VOID.has(name) && closing) return false;
  if (!silent) {
    const type = VOID.has(name) || WHOLE.has(name) ? 'feishu_void' : closing ? 'feishu_close' : 'feishu_open';
    const token = state.push(type, '', 0);
    token.markup = rest.slice(0, length);
    token.content = content;
    token.meta = { name, attrs: a };
  }
  state.pos += length;
  return true;
}

/** `&sim;` is a tilde on the markdown page's escape table (HTML would make it ∼). */
function sim(state: StateInline, silent: boolean): boolean {
  if (!state.src.startsWith('&sim;', state.pos)) return false;
  if (!silent) state.pending += '~';
  state.pos += 5;
  return true;
}

/** A token shown as the source text it came from. */
const demote = (t: Token) => {
  t.type = 'text';
  t.content = t.markup;
  t.nesting = 0;
};

/**
 * Pairs each `feishu_open` with its `feishu_close` inside one inline run, keeping the HTML well nested: a closing tag
 * that does not close the innermost open one, and an opening tag left open (at the end, or when markdown's own
 * emphasis or link around it closes), are shown as text.
 */
function balance(state: StateCore): void {
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const stack: Token[] = [];
    for (const t of block.children) {
      if (t.type === 'feishu_open') stack.push(t);
      else if (t.type === 'feishu_close') {
        const top = stack.at(-1);
        if (top?.type === 'feishu_open' && top.meta?.name === t.meta?.name) {
          stack.pop();
          t.meta = { ...t.meta, open: top };
        } else demote(t);
      } else if (t.nesting === 1) stack.push(t);
      else if (t.nesting === -1) {
        while (stack.at(-1)?.type === 'feishu_open') demote(stack.pop()!);
        stack.pop();
      }
    }
    for (const t of stack) if (t.type === 'feishu_open') demote(t);
  }
}

const nameAttrs = (t: Token) => (t.meta?.attrs ?? {}) as Record<string, string>;

function openTag(t: Token): string {
  const a = nameAttrs(t);
  switch (t.meta?.name) {
    case 'font': {
      const color = colorCss(a.color);
      return `<span class="md-font"${attrs({ style: color ? `color:${color}` : undefined })}>`;
    }
    case 'text_tag':
      return `<span class="${tagClass(a.color)}">`;
    case 'number_tag':
      return '<span class="md-number-tag">';
    default: {
      // a and link: the link for the desktop first, as the client on a computer would.
      const url = t.meta?.name === 'a' ? a.href : [a.pc_url, a.url].find(isHttpUrl);
      return isHttpUrl(url)
        ? `<a${attrs({ href: url, target: '_blank', rel: 'noopener' })}>`
        : '<span class="md-link md-link--inert">';
    }
  }
}

function closeTag(t: Token): string {
  const open = t.meta?.open as Token | undefined;
  if (open && (open.meta?.name === 'a' || open.meta?.name === 'link')) {
    const a = nameAttrs(open);
    const url = open.meta?.name === 'a' ? a.href : [a.pc_url, a.url].find(isHttpUrl);
    return isHttpUrl(url) ? '</a>' : '</span>';
  }
  return '</span>';
}

function voidTag(t: Token, env: RenderEnv): string {
  const a = nameAttrs(t);
  switch (t.meta?.name) {
    case 'br':
      return '<br>';
    case 'hr':
      return '<span class="md-hr" role="separator"></span>';
    case 'at':
      return mentionIds(a)
        .map((id) => mentionChip(id, env.lang, env.nameOf))
        .join(' ');
    case 'person':
      return a.id
        ? personChip(a.id, env.nameOf)
        : `<span class="card-person card-person--unknown">${escapeHtml(env.lang === 'zh_cn' ? '未知用户' : 'Unknown user')}</span>`;
    case 'local_datetime': {
      const ms = a.millisecond ? Number(a.millisecond) : Date.now();
      return `<time class="md-datetime">${escapeHtml(localDatetime(ms, a.format_type, env.lang))}</time>`;
    }
    default: // raw
      return escapeHtml(t.content);
  }
}

function create(): Md {
  const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: true });
  md.inline.ruler.before('autolink', 'feishu_tag', feishuTag);
  md.inline.ruler.before('entity', 'feishu_sim', sim);
  md.core.ruler.after('inline', 'feishu_balance', balance);
  const rules = md.renderer.rules;
  rules.text = (tokens, idx) => escapeHtml(tokens[idx]!.content);
  rules.code_inline = (tokens, idx) => `<code>${escapeHtml(tokens[idx]!.content)}</code>`;
  const block = (tokens: Token[], idx: number) => {
    const t = tokens[idx]!;
    const lang = t.info.trim().split(/\s+/)[0];
    return `<pre class="md-code"><code${attrs({ 'data-lang': lang || undefined })}>${escapeHtml(t.content)}</code></pre>\n`;
  };
  rules.fence = block;
  rules.code_block = block;
  rules.html_inline = (tokens, idx) => escapeHtml(tokens[idx]!.content);
  rules.html_block = (tokens, idx) => escapeHtml(tokens[idx]!.content);
  rules.image = (tokens, idx) => {
    const alt = (tokens[idx]!.children ?? []).map((c) => c.content).join('');
    return `<span class="md-img" role="img"${attrs({ 'aria-label': alt || undefined })}>${escapeHtml(alt)}</span>`;
  };
  rules.link_open = (tokens, idx, _options, env) => {
    const href = tokens[idx]!.attrGet('href');
    const open = isHttpUrl(href);
    const e = env as RenderEnv;
    e.links ??= [];
    e.links.push(open);
    return open ? `<a${attrs({ href, target: '_blank', rel: 'noopener' })}>` : '<span class="md-link md-link--inert">';
  };
  rules.link_close = (_tokens, _idx, _options, env) => ((env as RenderEnv).links?.pop() ? '</a>' : '</span>');
  rules.feishu_open = (tokens, idx) => openTag(tokens[idx]!);
  rules.feishu_close = (tokens, idx) => closeTag(tokens[idx]!);
  rules.feishu_void = (tokens, idx, _options, env) => voidTag(tokens[idx]!, env as RenderEnv);
  return md;
}

let instance: Md | undefined;
const markdownIt = () => {
  instance ??= create();
  return instance;
};

/** Card markdown as block HTML (paragraphs, lists, tables...). */
export const renderMarkdown = (content: string, env: MarkdownEnv): string =>
  markdownIt().render(content, { lang: env.lang, nameOf: env.nameOf } satisfies RenderEnv);

/** Card markdown as inline HTML, for places that take one line of phrasing (a panel's title, a header in lark_md). */
export const renderMarkdownInline = (content: string, env: MarkdownEnv): string =>
  markdownIt().renderInline(content, { lang: env.lang, nameOf: env.nameOf } satisfies RenderEnv);
