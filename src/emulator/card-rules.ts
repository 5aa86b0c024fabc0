/**
 * The structural rules Lark applies to a JSON 2.0 card [FORM2][CARD2][LARK.md §3.1, §3.2, §3.8]: the emulator
 * refuses what Lark would refuse, so that a card mistake fails in tests and not in front of users.
 * Only the rules the bot's cards could break are checked; an empty list means the card is acceptable.
 */
const INTERACTIVE = new Set(['input', 'select_static', 'multi_select_static', 'date_picker', 'picker_time', 'picker_datetime', 'select_person', 'multi_select_person', 'checker', 'button']);
const ROOT_ONLY = new Set(['form', 'table']);
const MAX_COMPONENTS = 200;

type Node = Record<string, unknown>;
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x);

export function cardProblems(card: unknown): string[] {
  if (!isNode(card) || card.schema !== '2.0') return []; // 1.0 cards and templates: not checked
  const body = card.body;
  if (!isNode(body) || !Array.isArray(body.elements)) return ['a 2.0 card needs body.elements'];
  const problems: string[] = [];
  const names = new Map<string, number>();
  let components = 0;

  const visit = (el: unknown, depth: number, inForm: boolean, atRoot: boolean, form: { submits: number } | undefined): void => {
    if (!isNode(el) || typeof el.tag !== 'string') return;
    components++;
    const tag = el.tag;
    if (ROOT_ONLY.has(tag) && !atRoot) problems.push(`${tag} is allowed only at the card root`);
    if (tag === 'form' && inForm) problems.push('a form cannot contain a form');
    if (INTERACTIVE.has(tag) || tag === 'form') {
      const name = el.name;
      if (typeof name === 'string' && name) names.set(name, (names.get(name) ?? 0) + 1);
      else if (inForm || tag === 'form') problems.push(`${tag} inside a form needs a name (client error 200530)`);
    }
    if (el.required === true && !inForm && tag !== 'form') problems.push(`required on ${tag} is valid only inside a form`);
    if (tag === 'button' && form && (el.form_action_type === 'submit' || el.action_type === 'form_submit')) form.submits++;
    if (tag === 'form') {
      const mine = { submits: 0 };
      for (const child of Array.isArray(el.elements) ? el.elements : []) visit(child, depth + 1, true, false, mine);
      if (mine.submits === 0) problems.push(`form ${String(el.name)} has no submit button`);
      return;
    }
    for (const key of ['elements', 'columns']) {
      const kids = el[key];
      if (Array.isArray(kids)) for (const child of kids) visit(child, depth + 1, inForm, false, form);
    }
  };
  for (const el of body.elements) visit(el, 0, false, true, undefined);
  for (const [name, n] of names) if (n > 1) problems.push(`component name "${name}" is used ${n} times (names must be unique in a card)`);
  if (components > MAX_COMPONENTS) problems.push(`${components} components (at most ${MAX_COMPONENTS})`);
  return problems;
}
