/**
 * A person in the Feishu client, looking at a card message: what the emulator shows in that message now (sends,
 * PATCHes, callback answers and delayed updates applied) is all it can act on. It clicks a button it can see, or
 * fills a form and presses its submit button, and the callback carries exactly what the client would build; it
 * refuses what a client cannot do (a field the form does not have, an option the select does not offer, more text
 * than `max_length`, a card whose names clash), and a required field left empty stops the submission in the client
 * ("有必填项未填写"), sending nothing. Tests use it so that a form that no one could submit fails in tests.
 *
 * Card JSON 2.0 [FORM][INPUT][SEL][MSEL][DATE][BTN] (the card docs on open.feishu.cn). Node-only, like
 * the LarkSender it drives.
 */
import type { Emulator } from './emulator';
import type { CardDelivery, EventEnvelope, LarkSender, UserRef } from './lark-sender';
import { isObject } from './model';

type Node = Record<string, unknown>;

/** A button as the card shows it. */
export interface ShownButton {
  /** The label in each language shown (content, zh_cn, en_us…), without duplicates. */
  labels: string[];
  /** The callback value (`behaviors[type=callback].value`, or a 1.0 button's `value`); undefined for link buttons. */
  value?: Record<string, unknown>;
  name?: string;
  /** The form it sits in, if any. */
  form?: string;
  /** `form_action_type` (or the 1.0 `action_type`) of a form button. */
  action?: 'submit' | 'reset';
  disabled: boolean;
}

/**
 * Which button: its label in any language (the whole label, or a RegExp), or fields of its callback value (`{ a:
 * 'award.nominate.open', t: 'T02' }`: each given field must be equal).
 */
export type ButtonChoice = string | RegExp | Record<string, unknown>;

export interface SubmitFormOptions {
  /** What the person types or picks, by component name; the rest keeps what the card shows. */
  fill?: Record<string, unknown>;
  /** The submit button, by name or label, when the form has several. */
  button?: string | RegExp;
  /** The form, by name, when the card has several. */
  form?: string;
}

/** The client stopped the submission: required components left empty ("有必填项未填写"); nothing was sent. */
export interface FormBlocked {
  blocked: 'required';
  /** Names of the empty required components, in card order. */
  missing: string[];
  /** Never set: present so that a test can read `.toast`/`.card` of either outcome. */
  toast?: undefined;
  card?: undefined;
  clientError?: undefined;
}

export type FormSubmission = CardDelivery<EventEnvelope> | FormBlocked;

/** What the client would put in `action.form_value`, or why it sends nothing. */
export type BuiltForm =
  | { ok: true; form: string; formValue: Record<string, unknown>; button: ShownButton }
  | { ok: false; missing: string[]; form: string };

export interface FeishuClient {
  /** The card the message shows now (throws when the message is unknown or is not a card). */
  card(messageId: string): Node;
  /** Every button the message shows now, in card order. */
  buttons(messageId: string): ShownButton[];
  /** Clicks a (non-form) button shown on the card. */
  clickButton(messageId: string, operator: UserRef, which: ButtonChoice): Promise<CardDelivery<EventEnvelope>>;
  /** Fills the form shown on the card and presses its submit button. */
  submitForm(messageId: string, operator: UserRef, options?: SubmitFormOptions): Promise<FormSubmission>;
}

/**
 * The emulator's messages are what the person sees; the sender delivers what they do. The card is read when the
 * call is made (before anything is awaited), so that concurrent calls act on the card as it was shown.
 */
export function createFeishuClient(emulator: Emulator, lark: LarkSender): FeishuClient {
  const card = (messageId: string): Node => {
    const message = emulator.message(messageId);
    if (!message) throw new Error(`client: no message ${messageId} (the bot never sent it)`);
    if (message.msgType !== 'interactive')
      throw new Error(`client: message ${messageId} is ${message.msgType}, not a card`);
    const content = message.content;
    if (!isObject(content) || content.type === 'template')
      throw new Error(`client: message ${messageId} shows a template card, which this client cannot read`);
    return content;
  };

  return {
    card,
    buttons: (messageId) => cardButtons(card(messageId)),

    async clickButton(messageId, operator, which) {
      const shown = card(messageId);
      const b = pickButton(cardButtons(shown), which, `message ${messageId}`);
      if (b.form && b.action)
        throw new Error(`client: ${describe(b)} is the ${b.action} button of form "${b.form}": use submitForm`);
      if (b.disabled) throw new Error(`client: ${describe(b)} is disabled`);
      if (!b.value) throw new Error(`client: ${describe(b)} has no callback (it opens a link)`);
      return lark.cardAction({
        messageId,
        operator,
        value: b.value,
        tag: 'button',
        ...(b.name ? { name: b.name } : {}),
      });
    },

    async submitForm(messageId, operator, options = {}) {
      const built = buildFormValue(card(messageId), options);
      if (!built.ok) return { blocked: 'required', missing: built.missing };
      return lark.cardAction({
        messageId,
        operator,
        value: built.button.value,
        formValue: built.formValue,
        tag: 'button',
        ...(built.button.name ? { name: built.button.name } : {}),
      });
    },
  };
}

// ── reading a card ─────────────────────────────────────────────────────────────────────────────

const FIELD_TAGS = new Set([
  'input',
  'select_static',
  'multi_select_static',
  'date_picker',
  'picker_time',
  'picker_datetime',
  'select_person',
  'multi_select_person',
  'checker',
]);
const NAMED_TAGS = new Set([...FIELD_TAGS, 'button', 'form']);

/** The root elements of a 2.0 card (`body.elements`), or of a 1.0 card (`elements`). */
function rootElements(card: Node): unknown[] {
  if (isObject(card.body) && Array.isArray(card.body.elements)) return card.body.elements;
  return Array.isArray(card.elements) ? card.elements : [];
}

/** Every component in card order, with the form it sits in. */
function walk(card: Node, visit: (el: Node, form: string | undefined) => void): void {
  const go = (x: unknown, form: string | undefined): void => {
    if (Array.isArray(x)) {
      for (const y of x) go(y, form);
      return;
    }
    if (!isObject(x)) return;
    if (typeof x.tag === 'string') visit(x, form);
    const inner = x.tag === 'form' ? String(x.name ?? '') : form;
    // column_set → columns → column.elements; form, collapsible_panel, column → elements; 1.0 action → actions.
    for (const key of ['elements', 'columns', 'actions']) if (Array.isArray(x[key])) go(x[key], inner);
  };
  go(rootElements(card), undefined);
}

function textsOf(t: unknown): string[] {
  if (!isObject(t)) return [];
  const out: string[] = [];
  if (typeof t.content === 'string') out.push(t.content);
  for (const key of ['i18n_content', 'i18n'])
    if (isObject(t[key])) for (const v of Object.values(t[key])) if (typeof v === 'string') out.push(v);
  return [...new Set(out.map((s) => s.trim()).filter((s) => s !== ''))];
}

function buttonOf(el: Node, form: string | undefined): ShownButton {
  const callback = Array.isArray(el.behaviors)
    ? el.behaviors.find((b) => isObject(b) && b.type === 'callback')
    : undefined;
  const value =
    isObject(callback) && isObject(callback.value) ? callback.value : isObject(el.value) ? el.value : undefined;
  const type =
    el.form_action_type ??
    (el.action_type === 'form_submit' ? 'submit' : el.action_type === 'form_reset' ? 'reset' : undefined);
  return {
    labels: textsOf(el.text),
    ...(value ? { value } : {}),
    ...(typeof el.name === 'string' && el.name ? { name: el.name } : {}),
    ...(form !== undefined ? { form } : {}),
    ...(type === 'submit' || type === 'reset' ? { action: type } : {}),
    disabled: el.disabled === true,
  };
}

/** The buttons a card shows, in card order. */
export function cardButtons(card: Node): ShownButton[] {
  const out: ShownButton[] = [];
  walk(card, (el, form) => {
    if (el.tag === 'button') out.push(buttonOf(el, form));
  });
  return out;
}

function describe(b: ShownButton): string {
  const where = b.form ? ` [${b.action ?? 'button'} of form ${b.form}]` : '';
  return `button "${b.labels[0] ?? '(no label)'}"${b.name ? ` (name ${b.name})` : ''} ${JSON.stringify(b.value ?? null)}${where}`;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function matches(b: ShownButton, which: ButtonChoice): boolean {
  if (typeof which === 'string') return b.labels.includes(which.trim());
  if (which instanceof RegExp) return b.labels.some((l) => which.test(l));
  return b.value !== undefined && Object.entries(which).every(([k, v]) => sameValue(b.value![k], v));
}

function pickButton(buttons: ShownButton[], which: ButtonChoice, where: string): ShownButton {
  const found = buttons.filter((b) => matches(b, which));
  const wanted =
    typeof which === 'string' ? `"${which}"` : which instanceof RegExp ? String(which) : JSON.stringify(which);
  const shown = buttons.length ? buttons.map((b) => `  - ${describe(b)}`).join('\n') : '  (none)';
  if (!found.length) throw new Error(`client: no button ${wanted} on ${where}; the card shows:\n${shown}`);
  if (found.length > 1)
    throw new Error(`client: ${found.length} buttons match ${wanted} on ${where}; the card shows:\n${shown}`);
  return found[0]!;
}

// ── filling a form ─────────────────────────────────────────────────────────────────────────────

/** [INPUT] max_length: 1 to 1,000, default 1,000. */
const INPUT_MAX_LENGTH = 1000;

const optionValues = (el: Node): string[] =>
  Array.isArray(el.options)
    ? el.options.flatMap((o) => (isObject(o) && typeof o.value === 'string' ? [o.value] : []))
    : [];

/** [DATE] the callback carries the picked date as `yyyy-MM-dd +0800` (the client's time zone; Shanghai here). */
const dateValue = (d: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d} +0800` : d);

/** What the component shows before the person touches it: undefined when nothing is selected or filled. */
function shownDefault(el: Node): unknown {
  switch (el.tag) {
    case 'input':
      return typeof el.default_value === 'string' ? el.default_value : undefined;
    case 'select_static': {
      const options = optionValues(el);
      // [SEL] initial_option wins over initial_index; initial_index counts from 1 (0 shows nothing).
      if (typeof el.initial_option === 'string' && options.includes(el.initial_option)) return el.initial_option;
      if (typeof el.initial_index === 'number' && el.initial_index >= 1) return options[el.initial_index - 1];
      return undefined;
    }
    case 'multi_select_static':
      return Array.isArray(el.selected_values)
        ? el.selected_values.filter((v) => optionValues(el).includes(String(v)))
        : [];
    case 'date_picker':
      return typeof el.initial_date === 'string' ? dateValue(el.initial_date) : undefined;
    case 'picker_time':
      return typeof el.initial_time === 'string' ? el.initial_time : undefined;
    case 'picker_datetime':
      return typeof el.initial_datetime === 'string' ? el.initial_datetime : undefined;
    case 'checker':
      return el.checked === true;
    default:
      return undefined;
  }
}

/** What the person typed or picked, checked as the client would let them; throws what no client allows. */
function typed(el: Node, name: string, value: unknown): unknown {
  if (el.disabled === true) throw new Error(`client: ${el.tag} "${name}" is disabled: nobody can change it`);
  switch (el.tag) {
    case 'input': {
      if (typeof value !== 'string')
        throw new Error(`client: input "${name}" takes text, not ${JSON.stringify(value)}`);
      const max = typeof el.max_length === 'number' ? el.max_length : INPUT_MAX_LENGTH;
      const length = [...value].length;
      if (length > max)
        throw new Error(
          `client: input "${name}" takes at most ${max} characters (max_length); ${length} cannot be typed`,
        );
      return value;
    }
    case 'select_static': {
      const options = optionValues(el);
      if (typeof value !== 'string' || !options.includes(value))
        throw new Error(
          `client: select "${name}" offers ${JSON.stringify(options)}; ${JSON.stringify(value)} cannot be picked`,
        );
      return value;
    }
    case 'multi_select_static': {
      const options = optionValues(el);
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !options.includes(v)))
        throw new Error(
          `client: multi-select "${name}" offers ${JSON.stringify(options)}; ${JSON.stringify(value)} cannot be picked`,
        );
      return [...new Set(value)];
    }
    case 'date_picker':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}( \+0800)?$/.test(value))
        throw new Error(`client: date picker "${name}" takes a date yyyy-MM-dd, not ${JSON.stringify(value)}`);
      return dateValue(value);
    case 'checker':
      if (typeof value !== 'boolean')
        throw new Error(`client: checker "${name}" is ticked or not, not ${JSON.stringify(value)}`);
      return value;
    default:
      return value;
  }
}

const isEmpty = (v: unknown): boolean => v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * The `form_value` the client builds when the form's submit button is pressed: every named component of the form
 * with what it shows (its default) unless `fill` changes it. Throws for what a client cannot do; `{ ok: false }` when
 * required components are empty (the client says "有必填项未填写" and sends nothing).
 *
 * Empty inputs are sent as '' (the client sends every input of the form, filled or not); a select with nothing
 * picked and an empty date are left out, as nothing was chosen. Neither is spelled out in the docs
 * (https://open.feishu.cn/document/feishu-cards/card-json-v2-components/containers/form-container); handlers must
 * accept both '' and a missing key anyway, since forged callbacks can carry either.
 */
export function buildFormValue(card: Node, options: SubmitFormOptions = {}): BuiltForm {
  // [CB] 200530 / [FORM] names are required and unique in the whole card (forms and their components alike).
  const names = new Map<string, number>();
  const forms: Node[] = [];
  walk(card, (el, form) => {
    if (el.tag === 'form') forms.push(el);
    if (!NAMED_TAGS.has(String(el.tag))) return;
    if (typeof el.name === 'string' && el.name) names.set(el.name, (names.get(el.name) ?? 0) + 1);
    else if (form !== undefined || el.tag === 'form')
      throw new Error(`client error 200530: a ${String(el.tag)} in form "${form ?? ''}" has no name`);
  });
  const clashes = [...names].filter(([, n]) => n > 1).map(([name]) => name);
  if (clashes.length)
    throw new Error(
      `client error 200530: the card uses the name${clashes.length > 1 ? 's' : ''} ${clashes.map((n) => `"${n}"`).join(', ')} more than once; no form on it can be submitted`,
    );

  if (!forms.length) throw new Error('client: the card shows no form');
  const form = options.form === undefined ? forms : forms.filter((f) => f.name === options.form);
  if (form.length !== 1)
    throw new Error(
      `client: ${options.form === undefined ? 'several forms' : `no form "${options.form}"`} on the card (forms: ${forms.map((f) => String(f.name)).join(', ')}); say which`,
    );
  const shownForm = form[0]!;
  const formName = String(shownForm.name);

  const fields: Node[] = [];
  const buttons: ShownButton[] = [];
  walk({ body: { elements: [shownForm] } }, (el, inForm) => {
    if (inForm !== formName) return;
    if (FIELD_TAGS.has(String(el.tag))) fields.push(el);
    if (el.tag === 'button') buttons.push(buttonOf(el, inForm));
  });

  const fill = options.fill ?? {};
  const byName = new Map(fields.map((f) => [String(f.name), f]));
  for (const key of Object.keys(fill)) {
    if (!byName.has(key))
      throw new Error(
        `client: form "${formName}" has no component "${key}" (it has ${[...byName.keys()].join(', ') || 'none'})`,
      );
  }

  const formValue: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, el] of byName) {
    const value = name in fill ? typed(el, name, fill[name]) : shownDefault(el);
    // [MSEL] a multi-select is required unless it says otherwise; the others are optional by default.
    const required = el.tag === 'multi_select_static' ? el.required !== false : el.required === true;
    if (required && isEmpty(value)) missing.push(name);
    if (el.tag === 'input') formValue[name] = value ?? '';
    else if (!isEmpty(value) || el.tag === 'multi_select_static' || el.tag === 'checker') formValue[name] = value ?? [];
  }
  if (missing.length) return { ok: false, missing, form: formName };

  const submits = buttons.filter((b) => b.action === 'submit');
  if (!submits.length) throw new Error(`client: form "${formName}" has no submit button`);
  let button: ShownButton;
  if (options.button === undefined) {
    if (submits.length > 1)
      throw new Error(
        `client: form "${formName}" has ${submits.length} submit buttons (${submits.map(describe).join('; ')}); say which`,
      );
    button = submits[0]!;
  } else {
    const which = options.button;
    const chosen = submits.filter((b) =>
      typeof which === 'string'
        ? b.name === which || b.labels.includes(which.trim())
        : b.labels.some((l) => which.test(l)),
    );
    if (chosen.length !== 1)
      throw new Error(
        `client: ${chosen.length ? 'several' : 'no'} submit buttons ${String(which)} in form "${formName}" (${submits.map(describe).join('; ')})`,
      );
    button = chosen[0]!;
  }
  if (button.disabled) throw new Error(`client: ${describe(button)} is disabled`);
  if (!button.value) throw new Error(`client: ${describe(button)} has no callback value`);
  return { ok: true, form: formName, formValue, button };
}

/**
 * The delivery of a submission the client let through; throws, naming the empty required fields, when it stopped it.
 */
export function sent(result: FormSubmission): CardDelivery<EventEnvelope> {
  if ('blocked' in result)
    throw new Error(
      `client: the form was not sent: required ${result.missing.join(', ')} left empty ("有必填项未填写")`,
    );
  return result;
}
