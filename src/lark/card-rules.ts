/**
 * What Lark accepts in a Card JSON 2.0 card, as Feishu's published pages state it. One pure checker serves both
 * sides: the emulator (our model of Lark) refuses with the platform's limits, and the bot's card budget
 * (`cards/kit.ts`) runs the same rules with a margin before anything is sent, patched, answered or updated.
 *
 * Sources (open.feishu.cn, read through the verbatim mirror github.com/wxkingstar/doc-hub-mcp):
 * - structure: https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
 *   "一张卡片最多支持 200 个元素（如 tag 为 plain_text 的文本元素）或组件"
 * - 2.0 release notes: https://open.feishu.cn/document/feishu-cards/card-json-v2-breaking-changes-release-notes
 *   "在 JSON 2.0 版本中，传入不支持的属性将报错"
 * - send: https://open.feishu.cn/document/server-docs/im-v1/message/create
 *   "卡片消息、富文本消息请求体最大不能超过 30 KB" (230025); "element exceeds the limit" (230099 / 11310)
 * - PATCH: https://open.feishu.cn/document/server-docs/im-v1/message-card/patch ("更新的卡片消息最大不能超过 30 KB")
 * - delayed update: https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card
 *   ("卡片大小需控制在 30KB 以内")
 * - components: https://open.feishu.cn/document/feishu-cards/card-json-v2-components/component-json-v2-overview
 *   and the page of each component (field tables, the 100-character texts, the five tables, unique names)
 * - markdown: https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/rich-text
 *   ("@所有人需要群主开启权限。若未开启，卡片将发送失败")
 */

export interface CardLimits {
  /** Elements and components, text elements included. */
  readonly elements: number;
  /** Bytes of the request that carries the card (the card JSON-escaped inside `content`). */
  readonly bodyBytes: number;
  readonly tables: number;
}

/** The platform's own limits: what the emulator refuses past. 30 KB is taken as 30 × 1024 bytes. */
export const LARK_CARD_LIMITS: CardLimits = { elements: 200, bodyBytes: 30 * 1024, tables: 5 };

/** Button, placeholder and similar short texts: "最多支持 100 个字符" (button, input, multi-select, date picker). */
export const SHORT_TEXT_CHARS = 100;
/** input.max_length: "可取 1~1,000 范围内的整数". */
export const INPUT_MAX_LENGTH = 1000;

export interface CardProblem {
  /** The platform code a send would answer: 230099 (card build), 230025 (too long). */
  code: 230099 | 230025;
  /** 11310 element count, 200621 parse (unknown property, bad value), 200861 unsupported tag. */
  subCode?: 11310 | 200621 | 200861 | 200530;
  message: string;
}

type Node = Record<string, unknown>;
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x);

const COMMON = ['tag', 'element_id', 'margin'];
/**
 * The field table of each 2.0 component (and text object) the bot may use. Tags not listed here but known to the
 * platform are accepted without a property check; an unknown tag is refused (200861).
 */
const FIELDS: Record<string, readonly string[]> = {
  // `i18n` is the title's older multi-language field (https://open.feishu.cn/document/feishu-cards/configure-multi-language-content).
  plain_text: [
    'tag',
    'element_id',
    'content',
    'i18n_content',
    'i18n',
    'text_size',
    'text_color',
    'text_align',
    'lines',
  ],
  lark_md: ['tag', 'element_id', 'content', 'i18n_content', 'i18n', 'text_size', 'text_color', 'text_align', 'lines'],
  div: [...COMMON, 'width', 'text', 'icon'],
  markdown: [...COMMON, 'text_align', 'text_size', 'icon', 'content', 'i18n_content'],
  hr: COMMON,
  button: [
    ...COMMON,
    'type',
    'size',
    'width',
    'text',
    'icon',
    'hover_tips',
    'disabled',
    'disabled_tips',
    'confirm',
    'behaviors',
    'name',
    'form_action_type',
  ],
  column_set: [
    ...COMMON,
    'horizontal_spacing',
    'horizontal_align',
    'flex_mode',
    'background_style',
    'action',
    'columns',
  ],
  column: [
    ...COMMON,
    'background_style',
    'width',
    'weight',
    'horizontal_spacing',
    'horizontal_align',
    'vertical_align',
    'vertical_spacing',
    'direction',
    'padding',
    'elements',
    'action',
  ],
  form: [
    ...COMMON,
    'direction',
    'padding',
    'horizontal_spacing',
    'horizontal_align',
    'vertical_align',
    'vertical_spacing',
    'name',
    'elements',
  ],
  input: [
    ...COMMON,
    'name',
    'required',
    'disabled',
    'disabled_tips',
    'placeholder',
    'default_value',
    'i18n_default_value',
    'width',
    'behaviors',
    'max_length',
    'input_type',
    'show_icon',
    'rows',
    'auto_resize',
    'max_rows',
    'label',
    'label_position',
    'value',
    'confirm',
  ],
  select_static: [
    ...COMMON,
    'type',
    'name',
    'required',
    'disabled',
    'initial_option',
    'initial_index',
    'placeholder',
    'width',
    'behaviors',
    'options',
    'confirm',
  ],
  multi_select_static: [
    ...COMMON,
    'type',
    'name',
    'required',
    'disabled',
    'selected_values',
    'placeholder',
    'width',
    'behaviors',
    'options',
    'confirm',
  ],
  date_picker: [
    ...COMMON,
    'name',
    'required',
    'disabled',
    'placeholder',
    'width',
    'behaviors',
    'initial_date',
    'value',
    'confirm',
  ],
  table: [
    ...COMMON,
    'page_size',
    'row_height',
    'row_max_height',
    'header_style',
    'freeze_first_column',
    'columns',
    'rows',
  ],
  chart: [...COMMON, 'aspect_ratio', 'color_theme', 'chart_spec', 'preview', 'height'],
  collapsible_panel: [
    ...COMMON,
    'expanded',
    'horizontal_spacing',
    'horizontal_align',
    'vertical_spacing',
    'vertical_align',
    'direction',
    'padding',
    'background_color',
    'header',
    'border',
    'elements',
  ],
  text_tag: ['tag', 'element_id', 'text', 'color'],
  standard_icon: ['tag', 'token', 'color', 'img_key', 'size'],
  custom_icon: ['tag', 'token', 'color', 'img_key', 'size'],
};
/** Other 2.0 tags the platform knows; their properties are not checked here. */
const OTHER_TAGS = new Set([
  'img',
  'img_combination',
  'person',
  'person_list',
  'interactive_container',
  'overflow',
  'audio',
  'picker_time',
  'picker_datetime',
  'select_person',
  'multi_select_person',
  'checker',
  'select_img',
  'markdown_v1',
]);
const ROOT_FIELDS = ['schema', 'config', 'card_link', 'header', 'body'];
const CONFIG_FIELDS = [
  'streaming_mode',
  'streaming_config',
  'summary',
  'locales',
  'enable_forward',
  'update_multi',
  'width_mode',
  'use_custom_translation',
  'enable_forward_interaction',
  'style',
];
const HEADER_FIELDS = ['title', 'subtitle', 'text_tag_list', 'i18n_text_tag_list', 'template', 'icon', 'padding'];
const BODY_FIELDS = [
  'direction',
  'padding',
  'horizontal_spacing',
  'vertical_spacing',
  'horizontal_align',
  'vertical_align',
  'elements',
];

const INTERACTIVE = new Set([
  'input',
  'select_static',
  'multi_select_static',
  'date_picker',
  'picker_time',
  'picker_datetime',
  'select_person',
  'multi_select_person',
  'checker',
  'button',
  'select_img',
  'overflow',
]);
/** "表单容器组件不可被内嵌在其它组件内，只可放在卡片根节点下"; the same for tables. */
const ROOT_ONLY = new Set(['form', 'table']);
/** Keys whose values are data, not card structure: their objects are not elements even when they have a `tag`. */
const DATA_KEYS = new Set([
  'chart_spec',
  'rows',
  'behaviors',
  'value',
  'i18n_content',
  'i18n_default_value',
  'default_value',
  'action',
  'style',
  'streaming_config',
  'summary',
  'locales',
  'card_link',
  'header_style',
  'border',
  'format',
]);
const TABLE_DATA_TYPES = new Set(['text', 'lark_md', 'options', 'number', 'persons', 'date', 'markdown']);
const AT_ALL = /<at\s+id\s*=\s*["']?all\b/i;

/** Characters, as the client counts them (code points). */
const chars = (s: string) => [...s].length;

/** Every text a text object shows: its content and each of its languages. */
function textsOf(t: unknown): string[] {
  if (!isNode(t)) return [];
  const out = typeof t.content === 'string' ? [t.content] : [];
  if (isNode(t.i18n_content)) for (const v of Object.values(t.i18n_content)) if (typeof v === 'string') out.push(v);
  return out;
}

export interface CardCheck {
  /** Elements and components as the structure page counts them: every object with a `tag`. */
  elements: number;
  tables: number;
  /** Bytes of a message-create request carrying the card (`content` is the card JSON-escaped). */
  bodyBytes: number;
  problems: CardProblem[];
}

const ENCODER = new TextEncoder();
/** A generous stand-in for the rest of a send request: receive_id, msg_type and uuid (Lark allows 50 characters). */
const ENVELOPE = JSON.stringify({
  receive_id: `oc_${'x'.repeat(64)}`,
  msg_type: 'interactive',
  content: '',
  uuid: 'x'.repeat(50),
});

/** The bytes a send (or PATCH) request carrying this card has: the card escaped once more inside `content`. */
export const cardRequestBytes = (card: unknown): number =>
  ENCODER.encode(JSON.stringify(JSON.stringify(card))).length - 2 + ENCODER.encode(ENVELOPE).length;

/**
 * Checks a card against the platform's rules. `limits` is the platform's by default; the bot passes tighter ones.
 * Two rules are stricter than the pages, on purpose: markdown `<at id=all>` is refused always (sending fails only
 * where the group owner has not allowed @all, and the bot never needs it), and missing or repeated names are refused
 * when the card is sent (the platform lets it through, then the client cannot submit: "否则数据会发送失败", 200530), so
 * that such a card fails in the first test that sends it.
 * Cards that are not JSON 2.0 (1.0 cards, templates) are not checked.
 */
export function checkCard(card: unknown, limits: CardLimits = LARK_CARD_LIMITS): CardCheck {
  const problems: CardProblem[] = [];
  const parse = (message: string) => problems.push({ code: 230099, subCode: 200621, message });
  if (!isNode(card) || card.schema !== '2.0') {
    // 1.0 cards and templates: only the size, which the send page states for every card.
    const bodyBytes = isNode(card) ? cardRequestBytes(card) : 0;
    if (bodyBytes > limits.bodyBytes)
      problems.push({ code: 230025, message: `${bodyBytes} bytes in the request (at most ${limits.bodyBytes})` });
    return { elements: 0, tables: 0, bodyBytes, problems };
  }
  const unknownKeys = (node: Node, allowed: readonly string[], where: string) => {
    for (const k of Object.keys(node)) if (!allowed.includes(k)) parse(`${where}: unsupported property "${k}"`);
  };
  unknownKeys(card, ROOT_FIELDS, 'card');
  if (isNode(card.config)) unknownKeys(card.config, CONFIG_FIELDS, 'config');
  if (card.config && isNode(card.config) && card.config.update_multi === false)
    parse('config.update_multi: JSON 2.0 cards support only true');
  if (isNode(card.header)) unknownKeys(card.header, HEADER_FIELDS, 'header');
  const body = card.body;
  if (!isNode(body) || !Array.isArray(body.elements)) {
    parse('a 2.0 card needs body.elements');
    return { elements: 0, tables: 0, bodyBytes: cardRequestBytes(card), problems };
  }
  unknownKeys(body, BODY_FIELDS, 'body');

  let elements = 0;
  let tables = 0;
  const names = new Map<string, number>();
  const elementIds = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const shortText = (t: unknown, what: string) => {
    for (const s of textsOf(t))
      if (chars(s) > SHORT_TEXT_CHARS) parse(`${what}: ${chars(s)} characters (at most ${SHORT_TEXT_CHARS})`);
  };

  /** Counts every tagged object under `x` (text objects, option texts, labels...), checking the components. */
  const walk = (
    x: unknown,
    ctx: { depth: number; inForm: boolean; atRoot: boolean; form?: { submits: number } },
  ): void => {
    if (Array.isArray(x)) {
      for (const y of x) walk(y, ctx);
      return;
    }
    if (!isNode(x)) return;
    const tag = typeof x.tag === 'string' ? x.tag : undefined;
    if (tag !== undefined) {
      elements++;
      checkComponent(x, tag, ctx);
    }
    for (const [key, value] of Object.entries(x)) {
      if (DATA_KEYS.has(key)) continue;
      if (key === 'columns' && tag === 'table') continue;
      if (key === 'elements' && tag === 'form') continue; // walked by checkComponent with the form's context
      const isContainerKey = key === 'elements' || (key === 'columns' && tag === 'column_set');
      walk(
        value,
        isContainerKey
          ? { depth: ctx.depth + 1, inForm: ctx.inForm, atRoot: false, form: ctx.form }
          : { ...ctx, atRoot: false },
      );
    }
  };

  const checkComponent = (
    el: Node,
    tag: string,
    ctx: { depth: number; inForm: boolean; atRoot: boolean; form?: { submits: number } },
  ) => {
    const fields = FIELDS[tag];
    if (fields) unknownKeys(el, fields, tag);
    else if (!OTHER_TAGS.has(tag))
      problems.push({ code: 230099, subCode: 200861, message: `unsupported tag "${tag}"` });
    if (typeof el.element_id === 'string') {
      if (!/^[A-Za-z][A-Za-z0-9_]{0,19}$/.test(el.element_id))
        parse(`element_id "${el.element_id}": letters, digits and _, starting with a letter, at most 20`);
      count(elementIds, el.element_id);
    }
    if (ROOT_ONLY.has(tag) && !ctx.atRoot) parse(`${tag} is allowed only at the card root`);
    if (ctx.depth > 5) parse(`${tag}: containers nest at most five levels`);
    if (tag === 'table') {
      tables++;
      const cols = Array.isArray(el.columns) ? el.columns : [];
      // More than 50 columns is not refused: "超出 50 列的内容不展示" (the bot's budget refuses it, since they would be lost).
      for (const c of cols)
        if (isNode(c) && c.data_type !== undefined && !TABLE_DATA_TYPES.has(String(c.data_type)))
          parse(`table column data_type "${String(c.data_type)}"`);
      if (
        el.page_size !== undefined &&
        !(Number.isInteger(el.page_size) && (el.page_size as number) >= 1 && (el.page_size as number) <= 10)
      )
        parse('table page_size: an integer from 1 to 10');
      if (!Array.isArray(el.rows)) parse('table rows: required');
    }
    if (tag === 'markdown' && textsOf(el).some((s) => AT_ALL.test(s)))
      parse('markdown @all: sending fails unless the group owner allows @all');
    if (tag === 'form' && ctx.inForm) parse('a form cannot contain a form');
    if ((tag === 'table' || tag === 'chart') && ctx.inForm) parse(`a form cannot contain a ${tag}`);
    if (INTERACTIVE.has(tag) || tag === 'form') {
      if (typeof el.name === 'string' && el.name) count(names, el.name);
      else if (ctx.inForm || tag === 'form')
        problems.push({
          code: 230099,
          subCode: 200530,
          message: `${tag} inside a form needs a name (client error 200530)`,
        });
    }
    if (el.required === true && !ctx.inForm && tag !== 'form') parse(`required on ${tag} is valid only inside a form`);
    if (tag === 'button') {
      shortText(el.text, 'button text');
      if (ctx.form && el.form_action_type === 'submit') ctx.form.submits++;
      if (el.form_action_type !== undefined && !ctx.inForm) parse('form_action_type is valid only inside a form');
    }
    if (el.placeholder !== undefined) shortText(el.placeholder, `${tag} placeholder`);
    if (
      tag === 'input' &&
      el.max_length !== undefined &&
      !(
        Number.isInteger(el.max_length) &&
        (el.max_length as number) >= 1 &&
        (el.max_length as number) <= INPUT_MAX_LENGTH
      )
    ) {
      parse(`input max_length ${String(el.max_length)}: an integer from 1 to ${INPUT_MAX_LENGTH}`);
    }
    if (tag === 'select_static' || tag === 'multi_select_static') {
      const values = (Array.isArray(el.options) ? el.options : []).map((o) => (isNode(o) ? o.value : undefined));
      if (new Set(values).size !== values.length) parse(`${tag} ${String(el.name)}: option values must be unique`);
    }
    if (tag === 'form') {
      const mine = { submits: 0 };
      walk(el.elements, { depth: ctx.depth + 1, inForm: true, atRoot: false, form: mine });
      if (mine.submits === 0) parse(`form ${String(el.name)} has no submit button`);
    }
  };

  if (isNode(card.header)) walk(card.header, { depth: 0, inForm: false, atRoot: false });
  for (const el of body.elements) walk(el, { depth: 1, inForm: false, atRoot: true });
  for (const [name, n] of names)
    if (n > 1)
      problems.push({
        code: 230099,
        subCode: 200530,
        message: `name "${name}" is used ${n} times (names are unique across the card, forms included)`,
      });
  for (const [id, n] of elementIds) if (n > 1) parse(`element_id "${id}" is used ${n} times`);
  if (tables > limits.tables) parse(`${tables} tables (at most ${limits.tables})`);
  if (elements > limits.elements)
    problems.push({
      code: 230099,
      subCode: 11310,
      message: `${elements} elements (at most ${limits.elements}): element exceeds the limit`,
    });
  const bodyBytes = cardRequestBytes(card);
  if (bodyBytes > limits.bodyBytes)
    problems.push({ code: 230025, message: `${bodyBytes} bytes in the request (at most ${limits.bodyBytes})` });
  return { elements, tables, bodyBytes, problems };
}
