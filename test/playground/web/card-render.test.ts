/**
 * The card renderer of the playground (src/playground/web/card-render.ts): each component as Feishu's pages describe
 * it, texts always escaped, the markup contract the page relies on (forms, buttons, table pages, charts, errors), and
 * every card the bot builds (test/support/card-gallery.ts, at a feature test's size and at the largest the 2024
 * competition allows) rendered in both languages without an error marker, as well-nested HTML whose every control
 * has an accessible name.
 */
import { describe, expect, it } from 'vitest';
import * as awardsCards from '../../../cards/awards';
import * as exportCards from '../../../cards/export';
import * as guidanceCards from '../../../cards/guidance';
import * as guidanceDigestCards from '../../../cards/guidance-digest';
import * as helpCards from '../../../cards/help';
import * as judgingCards from '../../../cards/judging';
import { button, card, chart, markdown, md, submitButton, table, userText } from '../../../cards/kit';
import * as membersCards from '../../../cards/members';
import * as rankingsCards from '../../../cards/rankings';
import * as registrationCards from '../../../cards/registration';
import * as remindersCards from '../../../cards/reminders';
import * as reportsCards from '../../../cards/reports';
import * as welcomeCards from '../../../cards/welcome';
import { CARD_CSS } from '../../../src/playground/web/card-css';
import { CARD_TEMPLATES, type CardLang, renderCard } from '../../../src/playground/web/card-render';
import { text } from '../../../src/platform/i18n';
import { cardGallery, GALLERY_BUILDERS, MAX_SIZE, TEST_SIZE } from '../../support/card-gallery';

const LANGS: CardLang[] = ['zh_cn', 'en_us'];

/** A 2.0 card with these body elements (no config, so that nothing but the elements is checked). */
const body = (...elements: unknown[]) => ({ schema: '2.0', body: { elements } });
const render = (c: unknown, lang: CardLang = 'zh_cn') => renderCard(c, { lang, idPrefix: 't' });
/** The html of a card that must render without errors. */
const clean = (c: unknown, lang: CardLang = 'zh_cn') => {
  const r = render(c, lang);
  expect(r.errors).toEqual([]);
  expect(r.html).not.toContain('card-error');
  return r.html;
};
/** The first tag matching `re` (an opening tag with its attributes). */
const tagOf = (html: string, re: RegExp) => html.match(re)?.[0] ?? '';
/** An attribute's value in a tag, unescaped as the browser would. */
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m
    ? m[1]!
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
    : undefined;
};

const VOID = new Set(['br', 'hr', 'input', 'img', 'col', 'wbr']);
/** Problems with the nesting of the html's elements (attribute values are escaped, so tags can be read by pattern). */
function nesting(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const name = m[2]!.toLowerCase();
    if (VOID.has(name)) continue;
    if (!m[1]) stack.push(name);
    else if (stack.at(-1) === name) stack.pop();
    else problems.push(`</${name}> closes <${stack.at(-1)}>`);
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' ')}`);
  return problems;
}

/** Controls without an accessible name: neither a <label for> nor an aria-label. */
function unnamed(html: string): string[] {
  const labelled = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]!));
  return [...html.matchAll(/<(input|textarea|select)\b[^>]*>/g)]
    .map((m) => m[0])
    .filter((t) => !labelled.has(attr(t, 'id') ?? '') && !attr(t, 'aria-label'));
}

describe('header', () => {
  it('shows the title and subtitle in the reader language, the template colour, at most three text tags and an icon', () => {
    const c = {
      schema: '2.0',
      header: {
        title: { tag: 'plain_text', content: '标题', i18n_content: { zh_cn: '标题', en_us: 'Title' } },
        subtitle: { tag: 'plain_text', content: '副标题 <i>' },
        template: 'carmine',
        icon: { tag: 'standard_icon', token: 'chat_outlined' },
        text_tag_list: ['a', 'b', 'c', 'd'].map((t) => ({
          tag: 'text_tag',
          text: { tag: 'plain_text', content: t },
          color: 'red',
        })),
      },
      body: { elements: [] },
    };
    const zh = clean(c, 'zh_cn');
    expect(zh).toContain('<header class="card-header card-header--carmine">');
    expect(zh).toContain('<div class="card-title">标题</div>');
    expect(zh).toContain('<div class="card-subtitle">副标题 &lt;i&gt;</div>');
    expect(zh).toContain('data-icon="chat_outlined"');
    expect(zh.match(/card-tag--red/g)).toHaveLength(3);
    expect(clean(c, 'en_us')).toContain('<div class="card-title">Title</div>');
  });

  it('prefers i18n_text_tag_list, falls back to the default template, and shows a subtitle alone as the title', () => {
    const html = clean(
      {
        schema: '2.0',
        header: {
          subtitle: { tag: 'plain_text', content: '只有副标题' },
          template: 'rainbow',
          text_tag_list: [{ tag: 'text_tag', text: { tag: 'plain_text', content: 'plain' } }],
          i18n_text_tag_list: {
            en_us: [{ tag: 'text_tag', text: { tag: 'plain_text', content: 'English' }, color: 'green' }],
          },
        },
        body: { elements: [] },
      },
      'en_us',
    );
    expect(html).toContain('card-header--default');
    expect(html).toContain('<div class="card-title">只有副标题</div>');
    expect(html).toContain('<span class="card-tag card-tag--green">English</span>');
    expect(html).not.toContain('plain');
  });
});

describe('languages', () => {
  const t = (i18n: Record<string, string>, content?: string) => ({
    tag: 'div',
    text: { tag: 'plain_text', ...(content === undefined ? {} : { content }), i18n_content: i18n },
  });

  it("shows the reader's language, else content, else Chinese, else English", () => {
    const shown = (el: unknown, lang: CardLang) =>
      clean(body(el), lang).match(/<div class="card-text[^"]*">([^<]*)</)?.[1];
    expect(shown(t({ zh_cn: '中', en_us: 'En' }, '默认'), 'en_us')).toBe('En');
    expect(shown(t({ zh_cn: '中', en_us: 'En' }, '默认'), 'zh_cn')).toBe('中');
    expect(shown(t({ en_us: 'En' }, '默认'), 'zh_cn')).toBe('默认');
    expect(shown(t({ zh_cn: '中', en_us: '' }), 'en_us')).toBe('中');
    expect(shown(t({ en_us: 'En' }), 'zh_cn')).toBe('En');
  });

  it('uses only the languages in config.locales', () => {
    const c = {
      schema: '2.0',
      config: { locales: ['zh_cn'] },
      body: { elements: [t({ zh_cn: '中', en_us: 'En' }, '默认')] },
    };
    expect(clean(c, 'en_us')).toContain('>默认<');
  });

  it('picks a JSON 1.0 card’s i18n_header and i18n_elements', () => {
    const c = {
      i18n_header: {
        zh_cn: { title: { tag: 'plain_text', content: '中文' } },
        en_us: { title: { tag: 'plain_text', content: 'English' } },
      },
      i18n_elements: {
        zh_cn: [{ tag: 'markdown', content: '**中**' }],
        en_us: [
          { tag: 'markdown', content: '**en**' },
          { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Go' }, value: { k: 1 } }] },
        ],
      },
    };
    const en = clean(c, 'en_us');
    expect(en).toContain('English');
    expect(en).toContain('<strong>en</strong>');
    expect(attr(tagOf(en, /<button[^>]*>/), 'data-callback')).toBe('{"k":1}');
    expect(clean(c, 'zh_cn')).toContain('<strong>中</strong>');
  });
});

describe('markdown', () => {
  const mdHtml = (content: string, lang: CardLang = 'zh_cn') => clean(body({ tag: 'markdown', content }), lang);

  it('renders CommonMark with one newline as a line break', () => {
    const html = mdHtml('**粗** *斜* ~~删~~ `code`\n第二行\n\n- a\n- b\n\n# 标题');
    expect(html).toContain('<strong>粗</strong> <em>斜</em> <s>删</s> <code>code</code><br>');
    expect(html).toContain('<ul>\n<li>a</li>');
    expect(html).toContain('<h1>标题</h1>');
  });

  it('shows mentions as chips, with the name when the page knows it', () => {
    const c = body({ tag: 'markdown', content: '<at id=ou_1></at> <at user_id="u_2"></at> <at ids=ou_3,ou_4></at>' });
    const html = renderCard(c, { lang: 'en_us', nameOf: (id) => (id === 'ou_1' ? '张三 <b>' : undefined) }).html;
    expect(html).toContain('<span class="card-at" data-at-id="ou_1">@张三 &lt;b&gt;</span>');
    expect(html).toContain('data-at-id="u_2">@u_2</span>');
    expect(html).toContain('data-at-id="ou_3"');
    expect(html).toContain('data-at-id="ou_4"');
    const two = clean(body({ tag: 'markdown', content: '<at id=a> 和 <at id=b></at>' }));
    expect(two.match(/class="card-at"/g)).toHaveLength(2);
  });

  it('shows @all, and the platform rule against it at the top of the card', () => {
    const r = render(body({ tag: 'markdown', content: '<at id=all></at> 请注意' }), 'zh_cn');
    expect(r.html).toContain('<span class="card-at card-at--all" data-at-id="all">@所有人</span>');
    expect(r.errors).toEqual([expect.stringContaining('markdown @all')]);
    expect(r.html.indexOf('card-error')).toBeLessThan(r.html.indexOf('card-body'));
  });

  it('colours text with <font> and tags with <text_tag>; a bad colour is ignored', () => {
    const html = mdHtml(
      "<font color='red'>红</font> <font color='rgba(1,2,3,0.5)'>半</font> <font color='x;background:url(a)'>坏</font> <text_tag color='green'>通过</text_tag>",
    );
    expect(html).toContain('<span class="md-font" style="color:#f54a45">红</span>');
    expect(html).toContain('<span class="md-font" style="color:rgba(1,2,3,0.5)">半</span>');
    expect(html).toContain('<span class="md-font">坏</span>');
    expect(html).toContain('<span class="card-tag card-tag--green">通过</span>');
  });

  it('opens http(s) links in a new tab and shows any other link as text', () => {
    const html = mdHtml(
      "[站点](https://open.feishu.cn/a?b=1&c=2) [js](javascript:alert(1)) [电话](tel://110) <a href='javascript:x'>A</a> <link url='https://x.cn'>L</link>",
    );
    expect(html).toContain('<a href="https://open.feishu.cn/a?b=1&amp;c=2" target="_blank" rel="noopener">站点</a>');
    expect(html).not.toMatch(/href="(javascript|tel)/);
    expect(html).toContain('<span class="md-link md-link--inert">电话</span>');
    expect(html).toContain('<span class="md-link md-link--inert">A</span>');
    expect(html).toContain('<a href="https://x.cn" target="_blank" rel="noopener">L</a>');
  });

  it('escapes HTML and what md() escaped, and never lets a tag out', () => {
    const html = mdHtml(`<script>alert(1)</script><img src=x onerror=alert(1)> ${md('<b>*名*</b> [x](y) &reg ~')}`);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;*名*&lt;/b&gt; [x](y) &amp;\u200dreg ~');
    expect(html).not.toMatch(/<(script|img|b)\b/);
  });

  it('shows a tag left open, or crossing emphasis, as text, keeping the HTML well nested', () => {
    const html = mdHtml('<font color=red>未闭合\n\n**粗<font color=red>体**</font> </text_tag>');
    expect(nesting(html)).toEqual([]);
    expect(html).toContain('&lt;font color=red&gt;未闭合');
    expect(html).toContain('&lt;/text_tag&gt;');
  });

  it('shows images as a placeholder with their alt text, and <raw> as it is', () => {
    const html = mdHtml('![图 <1>](img_v2_key) <raw>**不加粗** <at id=x></at></raw>');
    expect(html).toContain('<span class="md-img" role="img" aria-label="图 &lt;1&gt;">图 &lt;1&gt;</span>');
    expect(html).toContain('**不加粗** &lt;at id=x&gt;&lt;/at&gt;');
  });

  it('shows typed text in plain_text as typed, markup and all', () => {
    const typed = '<at id=all></at> **x** <script>alert(1)</script>\n第二行';
    const html = clean(card({ title: text('标题', 'Title'), elements: [userText(typed)] }));
    expect(html).toContain('&lt;at id=all&gt;&lt;/at&gt; **x** &lt;script&gt;alert(1)&lt;/script&gt;<br>第二行');
  });
});

describe('layout', () => {
  it('renders div, hr, columns and a collapsible panel', () => {
    const html = clean(
      body(
        { tag: 'div', text: { tag: 'lark_md', content: '**x**' } },
        { tag: 'hr' },
        {
          tag: 'column_set',
          columns: [
            { tag: 'column', width: 'weighted', weight: 2, elements: [{ tag: 'markdown', content: 'a' }] },
            { tag: 'column', width: 'auto', vertical_align: 'center', elements: [] },
          ],
        },
        {
          tag: 'collapsible_panel',
          expanded: true,
          header: { title: { tag: 'markdown', content: '**详情**' } },
          elements: [{ tag: 'markdown', content: '内容' }],
        },
      ),
    );
    expect(html).toContain('<div class="card-text card-markdown card-text--normal"><p><strong>x</strong></p>');
    expect(html).toContain('<hr class="card-hr">');
    expect(html).toContain('style="flex:2 1 0"');
    expect(html).toContain('card-column card-column--auto card-column--center');
    expect(html).toContain(
      '<details class="card-panel" open><summary class="card-panel-header"><strong>详情</strong></summary>',
    );
  });

  it("renders a JSON 1.0 div's fields, two a row when short, and a note", () => {
    const html = clean({
      elements: [
        {
          tag: 'div',
          fields: [
            { is_short: true, text: { tag: 'lark_md', content: '**单位**\n黄浦' } },
            { is_short: false, text: { tag: 'plain_text', content: '全宽' } },
          ],
        },
        { tag: 'note', elements: [{ tag: 'plain_text', content: '注' }] },
      ],
    });
    expect(html).toContain('<div class="card-fields-cell card-fields-cell--short">');
    expect(html).toContain('<strong>单位</strong><br>');
    expect(html).toContain('<div class="card-fields-cell"><div class="card-text card-text--normal">全宽</div></div>');
    expect(html).toContain('<div class="card-note">注</div>');
  });
});

describe('table', () => {
  const columns = [
    { name: 'unit', header: '单位 Unit', type: 'text' as const },
    { name: 'score', header: '分数 Score', type: 'number' as const, precision: 1 },
  ];
  const rows = Array.from({ length: 23 }, (_, i) => ({ unit: `<u>${i}</u>`, score: i / 3 }));

  it('puts every row on a page of page_size, later pages hidden, with a pager', () => {
    const html = clean(body(table(columns, rows)));
    const bodies = [...html.matchAll(/<tbody[^>]*>/g)].map((m) => m[0]);
    expect(bodies).toEqual([
      '<tbody data-table-page="0">',
      '<tbody data-table-page="1" hidden>',
      '<tbody data-table-page="2" hidden>',
    ]);
    expect(html.match(/<tr>/g)).toHaveLength(1 + 23);
    expect(html).toContain('data-table-pages="3"');
    const pagers = [...html.matchAll(/<button[^>]*class="table-pager"[^>]*>/g)].map((m) => m[0]);
    expect(pagers.map((p) => attr(p, 'data-table-goto'))).toEqual(['0', '1', '2']);
    expect(pagers.every((p) => attr(p, 'type') === 'button')).toBe(true);
    expect(attr(pagers[0]!, 'aria-current')).toBe('page');
    expect(html).toContain('<th scope="col" class="card-align--center">单位 Unit</th>');
    expect(html).toContain('&lt;u&gt;22&lt;/u&gt;');
    expect(html).toContain('>7.3</td>');
    expect(html).toContain('card-table--freeze');
  });

  it('has no pager for one page, and says when there are no rows', () => {
    const html = clean(body(table(columns, [])), 'en_us');
    expect(html).not.toContain('table-pager');
    expect(html).toContain('No data');
  });

  it('formats numbers, options, persons, dates and markdown cells', () => {
    const html = clean(
      body({
        tag: 'table',
        page_size: 5,
        columns: [
          { name: 'n', display_name: 'N', data_type: 'number', format: { symbol: '¥', precision: 2, separator: true } },
          { name: 'o', display_name: 'O', data_type: 'options' },
          { name: 'p', display_name: 'P', data_type: 'persons' },
          { name: 'd', display_name: 'D', data_type: 'date', date_format: 'YYYY' },
          { name: 'm', display_name: 'M', data_type: 'lark_md' },
        ],
        rows: [{ n: 1234567.891, o: [{ text: 'S1', color: 'red' }], p: ['ou_1'], d: Date.UTC(2024, 5, 1), m: '**b**' }],
      }),
    );
    expect(html).toContain('¥1,234,567.89');
    expect(html).toContain('<span class="card-tag card-tag--red">S1</span>');
    expect(html).toContain('data-person-id="ou_1"');
    expect(html).toContain('>2024</td>');
    expect(html).toContain('<strong>b</strong>');
  });
});

describe('forms', () => {
  const form = {
    tag: 'form',
    name: 'report',
    elements: [
      {
        tag: 'input',
        name: 'work',
        required: true,
        max_length: 500,
        input_type: 'multiline_text',
        rows: 3,
        label: { tag: 'plain_text', content: '工作', i18n_content: { zh_cn: '工作', en_us: 'Work' } },
        label_position: 'top',
        placeholder: { tag: 'plain_text', content: '写点什么' },
        default_value: '已有 <内容>',
      },
      { tag: 'input', name: 'phone', max_length: 20, placeholder: { tag: 'plain_text', content: '电话' } },
      {
        tag: 'select_static',
        name: 'period',
        required: true,
        placeholder: { tag: 'plain_text', content: '选择期次' },
        options: [
          { text: { tag: 'plain_text', content: '五月' }, value: 'm5' },
          { text: { tag: 'plain_text', content: '六月' }, value: 'm6' },
        ],
        initial_option: 'm6',
      },
      {
        tag: 'multi_select_static',
        name: 'tracks',
        placeholder: { tag: 'plain_text', content: '赛道' },
        options: [
          { text: { tag: 'plain_text', content: 'T01' }, value: 'T01' },
          { text: { tag: 'plain_text', content: 'T02' }, value: 'T02' },
        ],
        selected_values: ['T02'],
      },
      {
        tag: 'date_picker',
        name: 'day',
        placeholder: { tag: 'plain_text', content: '日期' },
        initial_date: '2024-05-25',
      },
      submitButton(text('提交', 'Submit'), { a: 'rpt.submit', p: 'prj_1' }, { name: 'send' }),
      { tag: 'button', name: 'clear', text: { tag: 'plain_text', content: '重置' }, form_action_type: 'reset' },
    ],
  };

  it('is a form named as the card names it, not validated by the browser', () => {
    expect(clean(body(form))).toContain('<form class="card-form" data-form-name="report" novalidate>');
  });

  it('gives every field its name, limit, requiredness and default value, and a label whose text names it', () => {
    const html = clean(body(form), 'en_us');
    const area = tagOf(html, /<textarea[^>]*>/);
    expect(attr(area, 'name')).toBe('work');
    expect(attr(area, 'maxlength')).toBe('500');
    expect(attr(area, 'rows')).toBe('3');
    expect(area).toMatch(/\srequired[\s>]/);
    expect(html).toContain(
      `<label class="card-label" for="${attr(area, 'id')}">Work<span class="card-required" aria-hidden="true">*</span></label>`,
    );
    expect(html).toContain('>已有 &lt;内容&gt;</textarea>');
    const phone = tagOf(html, /<input[^>]*name="phone"[^>]*>/);
    expect(attr(phone, 'aria-label')).toBe('电话');
    expect(attr(phone, 'maxlength')).toBe('20');
    expect(phone).not.toMatch(/\srequired[\s>]/);
    expect(unnamed(html)).toEqual([]);
  });

  it('offers selects with the placeholder first and the initial options chosen', () => {
    const html = clean(body(form));
    const select = html.match(/<select[^>]*name="period"[^>]*>.*?<\/select>/)![0];
    expect(select).toMatch(/^<select[^>]*\srequired/);
    expect(attr(select, 'aria-label')).toBe('选择期次');
    expect(select).toContain(
      '<option value="" disabled>选择期次</option><option value="m5">五月</option><option value="m6" selected>六月</option>',
    );
    const multi = html.match(/<select[^>]*name="tracks"[^>]*>.*?<\/select>/)![0];
    expect(multi).toMatch(/^<select[^>]*\smultiple/);
    expect(multi).toContain('<option value="T02" selected>T02</option>');
    const date = tagOf(html, /<input[^>]*name="day"[^>]*>/);
    expect(attr(date, 'type')).toBe('date');
    expect(attr(date, 'value')).toBe('2024-05-25');
  });

  it('shows the placeholder of a select with nothing chosen', () => {
    const html = clean(
      body({ ...form, elements: [{ ...form.elements[2], initial_option: undefined }, form.elements[5]] }),
    );
    expect(html).toContain('<option value="" disabled selected>选择期次</option>');
  });

  it('marks the submit button with its name and callback value, and the reset button as reset', () => {
    const html = clean(body(form));
    const submit = tagOf(html, /<button[^>]*data-form-action="submit"[^>]*>/);
    expect(attr(submit, 'type')).toBe('submit');
    expect(attr(submit, 'data-name')).toBe('send');
    expect(JSON.parse(attr(submit, 'data-callback')!)).toEqual({ a: 'rpt.submit', p: 'prj_1' });
    const reset = tagOf(html, /<button[^>]*data-form-action="reset"[^>]*>/);
    expect(attr(reset, 'type')).toBe('reset');
  });
});

describe('buttons', () => {
  it('carry the callback value, their type, and their text as their whole name', () => {
    const value = { a: 'reg.list', u: `HP'"<>&` } as never;
    const html = clean(body(button(text('我的项目', 'My projects'), value, 'danger')), 'en_us');
    const b = tagOf(html, /<button[^>]*>/);
    expect(attr(b, 'type')).toBe('button');
    expect(attr(b, 'class')).toBe('card-button card-button--danger card-button--medium');
    expect(JSON.parse(attr(b, 'data-callback')!)).toEqual(value);
    expect(html).toMatch(/<button[^>]*>My projects<\/button>/);
  });

  it('open http(s) links only, can be disabled, and ask to confirm in the reader language', () => {
    const html = clean(
      body(
        {
          tag: 'button',
          text: { tag: 'plain_text', content: '打开' },
          behaviors: [{ type: 'open_url', default_url: 'https://open.feishu.cn', pc_url: 'lark://x' }],
        },
        {
          tag: 'button',
          text: { tag: 'plain_text', content: '坏' },
          behaviors: [{ type: 'open_url', default_url: 'javascript:alert(1)' }],
        },
        {
          tag: 'button',
          text: { tag: 'plain_text', content: '删除' },
          disabled: true,
          confirm: {
            title: { tag: 'plain_text', content: '确定？', i18n_content: { zh_cn: '确定？', en_us: 'Sure?' } },
            text: { tag: 'plain_text', content: '不能撤销', i18n_content: { zh_cn: '不能撤销', en_us: 'No undo' } },
          },
          behaviors: [{ type: 'callback', value: { a: 'x' } }],
        },
      ),
      'en_us',
    );
    const [open, bad, del] = [...html.matchAll(/<button[^>]*>/g)].map((m) => m[0]);
    expect(attr(open!, 'data-url')).toBe('https://open.feishu.cn');
    expect(attr(bad!, 'data-url')).toBeUndefined();
    expect(del).toMatch(/\sdisabled[\s>]/);
    expect(attr(del!, 'data-confirm-title')).toBe('Sure?');
    expect(attr(del!, 'data-confirm-text')).toBe('No undo');
  });
});

describe('charts', () => {
  it('leave a placeholder per chart and hand over its spec as it is', () => {
    const spec = {
      type: 'bar',
      data: [{ id: 'x', values: [{ a: '<b>', n: 1 }] }],
      title: { visible: true, text: '图 <1>' },
    };
    const r = render(card({ title: text('图表', 'Charts'), elements: [chart(spec, '16:9'), chart({ type: 'pie' })] }));
    expect(r.errors).toEqual([]);
    expect(r.charts.map((c) => [c.id, c.aspectRatio])).toEqual([
      ['t-chart-1', '16:9'],
      ['t-chart-2', '4:3'],
    ]);
    expect(r.charts[0]!.spec).toBe(spec);
    expect(r.html).toContain(
      '<div class="card-chart" data-chart-id="t-chart-1" style="aspect-ratio:16 / 9" role="img" aria-label="图 &lt;1&gt;"></div>',
    );
  });
});

describe('what cannot be rendered', () => {
  it('marks an unknown tag and malformed elements where they stand, and goes on', () => {
    const r = render(
      body(markdown(text('前', 'before')), { tag: 'blink' }, 'text', { tag: 'column' }, markdown(text('后', 'after'))),
    );
    expect(r.errors).toEqual([
      expect.stringContaining('unsupported tag "blink"'),
      'body.elements[1]: the playground does not render "blink"',
      'body.elements[2]: not a component (an object with a tag)',
      'body.elements[3]: a column outside a column_set',
    ]);
    expect(r.html.match(/<div class="card-error" role="alert">/g)).toHaveLength(4);
    expect(r.html).toContain('<p>前</p>');
    expect(r.html).toContain('<p>后</p>');
    expect(r.html.indexOf('the playground does not render')).toBeGreaterThan(r.html.indexOf('<p>前</p>'));
  });

  it("shows the platform's rules (src/lark/card-rules.ts) at the top of the card", () => {
    const r = render({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x', colour: 'red' }] } });
    expect(r.errors).toEqual(['Lark would refuse this card: markdown: unsupported property "colour" (230099/200621)']);
    expect(r.html).toMatch(/^<article[^>]*><div class="card-error" role="alert">Lark would refuse this card/);
  });

  it('says so for what is not a card', () => {
    expect(render('nope').errors).toEqual(['card: not a card (a JSON object)']);
    expect(render({ schema: '2.0' }).errors).toContain('body: a 2.0 card needs body.elements');
  });
});

describe('the stylesheet', () => {
  it('styles every template, button type and tag colour the renderer names', () => {
    for (const t of [...CARD_TEMPLATES].filter((t) => t !== 'default'))
      expect(CARD_CSS).toContain(`.card-header--${t} {`);
    for (const b of ['primary', 'danger', 'primary_filled', 'danger_filled', 'text'])
      expect(CARD_CSS).toContain(`.card-button--${b}`);
    for (const cls of ['.card-error', '.card-form', '.table-pager', '.card-chart', '.card-at', '.md-hr'])
      expect(CARD_CSS).toContain(`${cls} {`);
  });
});

describe('every card the bot builds', () => {
  it('the gallery holds every card builder of cards/', () => {
    const modules = [
      awardsCards,
      exportCards,
      guidanceCards,
      guidanceDigestCards,
      helpCards,
      judgingCards,
      membersCards,
      rankingsCards,
      registrationCards,
      remindersCards,
      reportsCards,
      welcomeCards,
    ];
    // Exported functions that are not card builders.
    const helpers = new Set(['itemsBlock', 'unknownCommandHint']);
    const builders = modules.flatMap((m) =>
      Object.entries(m)
        .filter(([name, v]) => typeof v === 'function' && !helpers.has(name))
        .map(([name]) => name),
    );
    expect([...GALLERY_BUILDERS].sort()).toEqual(builders.sort());
  });

  for (const size of [TEST_SIZE, MAX_SIZE]) {
    it(`renders at ${size.name} size in both languages with no error, well nested, every control named, typed text escaped`, () => {
      const gallery = cardGallery(size);
      expect(new Set(gallery.map((g) => g.builder))).toEqual(new Set(GALLERY_BUILDERS));
      const faults: string[] = [];
      for (const { builder, what, card: c } of gallery)
        for (const lang of LANGS) {
          const where = `${builder} (${what}, ${lang})`;
          const r = renderCard(c, { lang, idPrefix: 'g' });
          for (const e of r.errors) faults.push(`${where}: ${e}`);
          if (r.html.includes('card-error')) faults.push(`${where}: an error marker`);
          for (const p of nesting(r.html)) faults.push(`${where}: ${p}`);
          for (const t of unnamed(r.html)) faults.push(`${where}: no accessible name: ${t}`);
          // The test size types <b> and a javascript: link into every field: neither may come out as markup.
          if (/<b>|href="javascript/i.test(r.html)) faults.push(`${where}: typed markup came out as HTML`);
          if (r.charts.length !== (r.html.match(/data-chart-id=/g) ?? []).length)
            faults.push(`${where}: charts and placeholders differ`);
        }
      expect(faults.slice(0, 20)).toEqual([]);
    });
  }
});
