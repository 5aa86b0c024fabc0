/**
 * The playground page (bundled for the browser by src/playground/assets.ts): a Feishu-like chat client over the
 * playground API. It shows what the emulator holds (the bot's messages as they are now, after PATCHes, callback
 * answers and delayed updates), draws cards with the Card JSON 2.0 renderer, and does what a person does in the
 * Feishu client: type (with an @ picker in groups), send files and images one-to-one (📎, optionally as a reply to a
 * card), click buttons (confirm dialogs first), fill forms (required fields stop the submission, as the client does),
 * move the clock.
 */
import {
  MAX_UPLOAD_BYTES,
  type MessageView,
  type ActionOutcome as Outcome,
  type PersonaView,
  type PlaygroundState as State,
} from './api';
import { renderCard, type CardLang, type RenderedChart } from './card-render';

declare const VChart: { VChart: new (spec: unknown, options: { dom: HTMLElement; animation?: boolean }) => Chart };
interface Chart {
  renderSync(): void;
  release(): void;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  persona: $<HTMLSelectElement>('persona'),
  lang: $<HTMLSelectElement>('lang'),
  clockForm: $<HTMLFormElement>('clock-form'),
  clock: $<HTMLInputElement>('clock'),
  now: $('now'),
  competition: $('competition'),
  chats: $<HTMLUListElement>('chats'),
  title: $('chat-title'),
  log: $('log'),
  composer: $<HTMLFormElement>('composer'),
  message: $<HTMLTextAreaElement>('message'),
  mentions: $<HTMLUListElement>('mentions'),
  hint: $('hint'),
  attach: $<HTMLButtonElement>('attach'),
  attachInput: $<HTMLInputElement>('attach-input'),
  reply: $('reply'),
  replyText: $('reply-text'),
  replyCancel: $<HTMLButtonElement>('reply-cancel'),
  toasts: $('toasts'),
  seed: $<HTMLButtonElement>('seed'),
  addPersona: $<HTMLFormElement>('add-persona'),
  newPersona: $<HTMLInputElement>('new-persona'),
  addGroup: $<HTMLFormElement>('add-group'),
  newGroup: $<HTMLInputElement>('new-group'),
  newGroupMembers: $<HTMLSelectElement>('new-group-members'),
  confirm: $<HTMLDialogElement>('confirm'),
};

let state: State | undefined;
let persona = localStorage.getItem('playground.persona') ?? '';
let chatId = '';
/** What the log shows now: message id → revision and its element. */
let shown = new Map<string, { revision: number; el: HTMLElement; charts: Chart[] }>();
let lastVersion = -1;
/** Mentions picked for the message being typed: the text `@name` stands for this open id. */
let picked: { name: string; openId: string }[] = [];
const unread = new Map<string, number>();
/** The card the next message or file replies to (「回复」), shown above the message box. */
let replyTo: { id: string; title: string } | undefined;

const langOf = (openId: string): CardLang =>
  (localStorage.getItem(`playground.lang.${openId}`) as CardLang | null) ?? 'zh_cn';

/** GET without a body; POST JSON, or a FormData as multipart (the browser writes its content type). */
async function api<T>(path: string, body?: unknown): Promise<T> {
  const form = body instanceof FormData;
  const res = await fetch(`/playground/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined || form ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: form ? body : JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

// ── toasts and dialogs ────────────────────────────────────────────────────────────────────────

function toast(text: string, kind: 'info' | 'success' | 'error' | 'warning' = 'info'): void {
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.textContent = text;
  ui.toasts.append(el);
  // As Feishu's toasts: a few seconds, the newest few.
  while (ui.toasts.children.length > 3) ui.toasts.firstElementChild?.remove();
  setTimeout(() => el.remove(), 3_500);
}

/** A Lark toast (`{type, content, i18n}`) in the persona's language. */
function showToast(value: unknown): void {
  if (!value || typeof value !== 'object') return;
  const t = value as { type?: string; content?: string; i18n?: Record<string, string> };
  const text = t.i18n?.[langOf(persona)] ?? t.content ?? t.i18n?.zh_cn ?? '';
  const kind = t.type === 'error' || t.type === 'success' || t.type === 'warning' ? t.type : 'info';
  if (text) toast(text, kind);
}

function showOutcome(o: Outcome): void {
  if (o.error) toast(o.error, 'error');
  if (o.toast) showToast(o.toast);
}

function confirmed(title: string, text: string): Promise<boolean> {
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  ui.confirm.showModal();
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      ui.confirm.close();
      $('confirm-ok').onclick = null;
      $('confirm-cancel').onclick = null;
      resolve(ok);
    };
    $('confirm-ok').onclick = () => done(true);
    $('confirm-cancel').onclick = () => done(false);
    ui.confirm.oncancel = () => done(false);
  });
}

// ── state: personas, chats, clock ────────────────────────────────────────────────────────────

async function loadState(): Promise<void> {
  state = await api<State>(`state?persona=${encodeURIComponent(persona)}`);
  if (!state.personas.some((p) => p.openId === persona)) persona = state.personas[0]!.openId;
  ui.competition.textContent = state.competition;
  const selected = persona;
  ui.persona.replaceChildren(
    ...state.personas.map((p) => {
      const o = new Option(p.label, p.openId);
      o.title = p.labelEn;
      return o;
    }),
  );
  ui.persona.value = selected;
  ui.newGroupMembers.replaceChildren(
    ...state.personas.filter((p) => p.openId !== selected).map((p) => new Option(p.label, p.openId)),
  );
  ui.lang.value = langOf(persona);
  if (document.activeElement !== ui.clock) ui.clock.value = state.local;
  ui.now.textContent = `现在 Now: ${state.local.replace('T', ' ')} (${state.timeZone})`;
  if (!state.chats.some((c) => c.chatId === chatId)) chatId = state.chats[0]!.chatId;
  drawChats();
}

function drawChats(): void {
  if (!state) return;
  ui.chats.replaceChildren(
    ...state.chats.map((c) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('aria-current', String(c.chatId === chatId));
      const avatar = document.createElement('span');
      avatar.className = `avatar${c.kind === 'group' ? ' group' : ''}`;
      avatar.setAttribute('aria-hidden', 'true');
      avatar.textContent = [...c.name][0] ?? '#';
      const name = document.createElement('span');
      name.textContent = c.name;
      b.append(avatar, name);
      const n = unread.get(c.chatId) ?? 0;
      if (n > 0 && c.chatId !== chatId) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = String(n);
        badge.setAttribute('aria-label', `${n} 条未读 unread`);
        b.append(badge);
      }
      b.onclick = () => openChat(c.chatId);
      li.append(b);
      return li;
    }),
  );
  const chat = currentChat();
  // Files go to the bot one-to-one only: in a group a file cannot @mention it (src/playground/playground.ts).
  ui.attach.hidden = chat?.kind !== 'p2p';
  ui.title.textContent = chat ? chat.name : '';
  if (chat?.kind === 'group') {
    const small = document.createElement('small');
    small.textContent = `${chat.members.length} 位成员 members`;
    ui.title.append(small);
  }
}

const currentChat = () => state?.chats.find((c) => c.chatId === chatId);

function openChat(id: string): void {
  chatId = id;
  setReply(undefined);
  unread.delete(id);
  clearLog();
  drawChats();
  void refresh(true);
}

function clearLog(): void {
  for (const s of shown.values()) for (const c of s.charts) c.release();
  shown = new Map();
  ui.log.replaceChildren();
  lastVersion = -1;
}

// ── the message log ──────────────────────────────────────────────────────────────────────────

let refreshing: Promise<void> | undefined;
let again = false;

function refresh(force = false): Promise<void> {
  if (refreshing) {
    again ||= force;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      await pull(force);
    } catch (err) {
      console.warn(err);
    } finally {
      refreshing = undefined;
      if (again) {
        again = false;
        void refresh(true);
      }
    }
  })();
  return refreshing;
}

async function pull(force: boolean): Promise<void> {
  if (!chatId || !persona) return;
  const have: Record<string, number> = {};
  for (const [id, s] of shown) have[id] = s.revision;
  const view = await api<{ version: number; messages: MessageView[] }>('view', { persona, chat: chatId, have });
  if (!force && view.version === lastVersion) return;
  lastVersion = view.version;
  const atBottom = ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80;
  let added = false;
  // Messages the chat no longer holds (the demo data started the chats afresh, perhaps from another page) go.
  const present = new Set(view.messages.map((m) => m.id));
  for (const [id, s] of shown) {
    if (present.has(id)) continue;
    for (const c of s.charts) c.release();
    s.el.remove();
    shown.delete(id);
  }
  if (!view.messages.length && !shown.size) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = '还没有消息。发「帮助」看看赛道助手能做什么。 No messages yet: send 帮助 (help).';
    ui.log.replaceChildren(empty);
    return;
  }
  ui.log.querySelector('.empty')?.remove();
  for (const m of view.messages) {
    const known = shown.get(m.id);
    if (known && known.revision === m.revision) continue;
    const { el, charts } = drawMessage(m);
    if (known) {
      for (const c of known.charts) c.release();
      known.el.replaceWith(el);
    } else {
      ui.log.append(el);
      added = true;
    }
    shown.set(m.id, { revision: m.revision, el, charts: drawCharts(el, charts) });
  }
  if (added && atBottom) ui.log.scrollTop = ui.log.scrollHeight;
  if (added && !atBottom) ui.log.lastElementChild?.scrollIntoView({ block: 'end' });
}

function drawMessage(m: MessageView): { el: HTMLElement; charts: RenderedChart[] } {
  const el = document.createElement('article');
  const mine = m.from === persona;
  el.className = `msg${m.from === 'bot' ? ' bot' : ''}${mine ? ' mine' : ''}`;
  el.dataset.messageId = m.id;
  el.setAttribute('aria-label', `${m.fromName} ${m.time}`);
  const avatar = document.createElement('span');
  avatar.className = 'avatar';
  avatar.setAttribute('aria-hidden', 'true');
  avatar.textContent = [...m.fromName][0] ?? '?';
  const body = document.createElement('div');
  body.className = 'body';
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${m.fromName}  ${m.time}`;
  if (m.forwarded) {
    const fwd = document.createElement('span');
    fwd.className = 'fwd';
    fwd.textContent = '转发';
    fwd.title = 'Forwarded';
    meta.append(fwd);
  }
  body.append(meta);
  if (m.parentId) {
    const quote = document.createElement('div');
    quote.className = 'quote';
    quote.textContent = `回复 ${summaryOf(m.parentId)}`;
    body.append(quote);
  }
  let charts: RenderedChart[] = [];
  if (m.kind === 'card') {
    const card = m.card ?? cardCache.get(m.id);
    cardCache.set(m.id, card);
    const rendered = renderCard(card, { lang: langOf(persona), idPrefix: m.id, nameOf });
    const holder = document.createElement('div');
    holder.className = 'card-holder';
    holder.innerHTML = rendered.html;
    wireCard(holder, m.id);
    charts = rendered.charts;
    body.append(holder);
    if (m.from === 'bot' && currentChat()?.kind === 'p2p') meta.append(replyAction(m.id, holder));
  } else if (m.kind === 'file' && m.file) {
    body.append(fileBox(m.file));
  } else if (m.kind === 'image' && m.image) {
    const a = document.createElement('a');
    a.href = fileUrl(m.image.key);
    a.target = '_blank';
    a.rel = 'noopener';
    const img = document.createElement('img');
    img.className = 'thumb';
    img.src = a.href;
    img.alt = '图片 Image';
    a.append(img);
    body.append(a);
  } else {
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    bubble.append(...withMentions(m.text ?? '', m.mentions ?? []));
    body.append(bubble);
  }
  el.append(avatar, body);
  return { el, charts };
}

const cardCache = new Map<string, unknown>();

const fileUrl = (key: string) => `/playground/api/files/${encodeURIComponent(key)}`;

/** Colours of the file badge by type, as Feishu marks PDFs red, documents blue, sheets green (an emoji may not render). */
const FILE_COLORS: Record<string, string> = {
  pdf: '#f54a45',
  doc: '#3370ff',
  docx: '#3370ff',
  txt: '#3370ff',
  xls: '#34c724',
  xlsx: '#34c724',
  csv: '#34c724',
  ppt: '#ff8800',
  pptx: '#ff8800',
  mp4: '#7f3bf5',
};

/** A file message as Feishu shows it: a badge of its type, the name, the size, and a way to download it. */
function fileBox(file: NonNullable<MessageView['file']>): HTMLElement {
  const box = document.createElement('div');
  box.className = 'file';
  const icon = document.createElement('span');
  icon.className = 'file-icon';
  icon.setAttribute('aria-hidden', 'true');
  const ext = /\.([a-z0-9]{1,4})$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  icon.textContent = ext.toUpperCase() || 'FILE';
  const color = FILE_COLORS[ext];
  if (color) icon.style.setProperty('--file-color', color);
  const info = document.createElement('div');
  info.className = 'file-info';
  const name = document.createElement('span');
  name.className = 'file-name';
  name.textContent = file.name;
  info.append(name);
  if (file.size !== undefined) {
    const size = document.createElement('span');
    size.className = 'file-size';
    size.textContent = sizeText(file.size);
    info.append(size);
  }
  const a = document.createElement('a');
  a.href = fileUrl(file.key);
  a.download = file.name;
  a.textContent = '下载 Download';
  box.append(icon, info, a);
  return box;
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What a message says in one line, for a reply's quote: a card's title, a text, a file's name. */
function summaryOf(id: string): string {
  const el = shown.get(id)?.el;
  const text = (sel: string) => el?.querySelector(sel)?.textContent?.trim();
  return text('.card-title') || text('.bubble') || text('.file-name') || (el?.querySelector('img') ? '图片' : '消息');
}

/** 「回复」 on a bot's card one-to-one: the next message or file is sent as a reply to it (parent_id). */
function replyAction(messageId: string, holder: HTMLElement): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'reply-action';
  b.textContent = '回复';
  b.title = 'Reply to this card';
  b.onclick = () => {
    setReply({ id: messageId, title: holder.querySelector('.card-title')?.textContent?.trim() || '卡片' });
    ui.message.focus();
  };
  return b;
}

function setReply(to: typeof replyTo): void {
  replyTo = to;
  ui.reply.hidden = !to;
  ui.replyText.textContent = to ? `回复：${to.title}` : '';
}

/** Who an `<at id=…>` in a card is, as Feishu shows it: the person's name (the open id only if nobody knows it). */
function nameOf(openId: string): string | undefined {
  if (!state) return undefined;
  if (openId === state.botOpenId) return state.botName;
  return (
    state.personas.find((p) => p.openId === openId)?.name ??
    state.chats.flatMap((c) => c.members).find((m) => m.openId === openId)?.name
  );
}

/** The text with each `@name` of a mention marked, as Feishu shows a mention (plain text nodes otherwise). */
function withMentions(text: string, names: readonly string[]): Node[] {
  if (!names.length) return [document.createTextNode(text)];
  const out: Node[] = [];
  let rest = text;
  for (;;) {
    let best: { at: number; name: string } | undefined;
    for (const name of names) {
      const at = rest.indexOf(`@${name}`);
      if (at >= 0 && (!best || at < best.at)) best = { at, name };
    }
    if (!best) break;
    if (best.at > 0) out.push(document.createTextNode(rest.slice(0, best.at)));
    const chip = document.createElement('span');
    chip.className = 'at';
    chip.textContent = `@${best.name}`;
    out.push(chip);
    rest = rest.slice(best.at + best.name.length + 1);
  }
  if (rest) out.push(document.createTextNode(rest));
  return out;
}

function drawCharts(root: HTMLElement, charts: RenderedChart[]): Chart[] {
  const drawn: Chart[] = [];
  for (const chart of charts) {
    const dom = root.querySelector<HTMLElement>(`[data-chart-id="${CSS.escape(chart.id)}"]`);
    if (!dom || typeof VChart === 'undefined') continue;
    try {
      const c = new VChart.VChart(chart.spec, { dom, animation: false });
      c.renderSync();
      drawn.push(c);
    } catch (err) {
      dom.textContent = `图表无法绘制 The chart could not be drawn: ${(err as Error).message}`;
      dom.classList.add('card-error');
      dom.setAttribute('role', 'alert');
    }
  }
  return drawn;
}

// ── cards: buttons, forms, table pages ──────────────────────────────────────────────────────

function wireCard(root: HTMLElement, messageId: string): void {
  root.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const pager = target.closest<HTMLElement>('[data-table-goto]');
    if (pager) {
      e.preventDefault();
      turnTablePage(pager);
      return;
    }
    const button = target.closest<HTMLButtonElement>('button');
    if (!button || button.disabled || !root.contains(button)) return;
    if (button.type === 'reset') return;
    if (button.dataset.formAction === 'submit') {
      e.preventDefault();
      void submitForm(button, messageId);
      return;
    }
    if (button.dataset.url) {
      e.preventDefault();
      window.open(button.dataset.url, '_blank', 'noopener');
      return;
    }
    if (button.dataset.callback) {
      e.preventDefault();
      void clickButton(button, messageId);
    }
  });
  // Enter in a card's input must not submit the form behind the client's back.
  root.addEventListener('submit', (e) => e.preventDefault());
}

function turnTablePage(pager: HTMLElement): void {
  const table = pager.closest('.card-table') ?? pager.parentElement?.parentElement;
  if (!table) return;
  const page = pager.dataset.tableGoto!;
  for (const body of table.querySelectorAll<HTMLElement>('[data-table-page]'))
    body.hidden = body.dataset.tablePage !== page;
  for (const p of table.querySelectorAll<HTMLElement>('[data-table-goto]'))
    p.setAttribute('aria-current', String(p.dataset.tableGoto === page));
}

async function withBusy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T | undefined> {
  button.disabled = true;
  try {
    return await work();
  } catch (err) {
    toast((err as Error).message, 'error');
    return undefined;
  } finally {
    button.disabled = false;
    void refresh(true);
  }
}

async function askConfirm(button: HTMLButtonElement): Promise<boolean> {
  const title = button.dataset.confirmTitle;
  if (!title && !button.dataset.confirmText) return true;
  return confirmed(title ?? '', button.dataset.confirmText ?? '');
}

async function clickButton(button: HTMLButtonElement, messageId: string): Promise<void> {
  if (!(await askConfirm(button))) return;
  const value = JSON.parse(button.dataset.callback!) as Record<string, unknown>;
  const o = await withBusy(button, () => api<Outcome>('click', { persona, messageId, value }));
  if (o) showOutcome(o);
}

/** What the Feishu client puts in form_value, read from the fields shown; required fields left empty stop it. */
async function submitForm(button: HTMLButtonElement, messageId: string): Promise<void> {
  const form = button.closest<HTMLFormElement>('form');
  if (!form) return;
  const fill: Record<string, string | string[]> = {};
  const missing: HTMLElement[] = [];
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
    'input[name], textarea[name], select[name]',
  )) {
    if (el.closest('form') !== form || el.disabled) continue;
    let value: string | string[];
    if (el instanceof HTMLSelectElement && el.multiple) value = [...el.selectedOptions].map((o) => o.value);
    else value = el.value;
    const empty = Array.isArray(value) ? value.length === 0 : value.trim() === '';
    el.toggleAttribute('aria-invalid', el.required && empty);
    if (el.required && empty) missing.push(el);
    if (el instanceof HTMLSelectElement && !el.multiple && value === '') continue;
    if (el instanceof HTMLInputElement && el.type === 'date' && value === '') continue;
    fill[el.name] = value;
  }
  if (missing.length) {
    toast('有必填项未填写 Required fields are empty', 'error');
    missing[0]!.focus();
    return;
  }
  if (!(await askConfirm(button))) return;
  const o = await withBusy(button, () =>
    api<Outcome>('submit', {
      persona,
      messageId,
      ...(form.dataset.formName ? { form: form.dataset.formName } : {}),
      ...(button.dataset.name ? { button: button.dataset.name } : {}),
      fill,
    }),
  );
  if (!o) return;
  if (o.missing?.length) toast(`有必填项未填写 Required fields are empty: ${o.missing.join(', ')}`, 'error');
  showOutcome(o);
}

// ── the message box and the @ picker ───────────────────────────────────────────────────────

let mentionStart = -1;
let mentionChoices: { name: string; openId: string }[] = [];
let mentionIndex = 0;

function mentionQuery(): string | undefined {
  const chat = currentChat();
  if (chat?.kind !== 'group') return undefined;
  const caret = ui.message.selectionStart;
  const before = ui.message.value.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return undefined;
  const query = before.slice(at + 1);
  if (/\s/.test(query) || query.length > 20) return undefined;
  mentionStart = at;
  return query;
}

function updateMentions(): void {
  const query = mentionQuery();
  const chat = currentChat();
  if (query === undefined || !chat || !state) {
    ui.mentions.hidden = true;
    ui.message.removeAttribute('aria-activedescendant');
    return;
  }
  const q = query.toLowerCase();
  mentionChoices = chat.members.filter((m) => m.openId !== persona && m.name.toLowerCase().includes(q));
  mentionIndex = 0;
  ui.mentions.replaceChildren(
    ...mentionChoices.map((m, i) => {
      const li = document.createElement('li');
      li.id = `mention-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === mentionIndex));
      li.textContent = m.name;
      li.onmousedown = (e) => {
        e.preventDefault();
        choose(i);
      };
      return li;
    }),
  );
  ui.mentions.hidden = mentionChoices.length === 0;
  if (mentionChoices.length) ui.message.setAttribute('aria-activedescendant', 'mention-0');
}

function choose(i: number): void {
  const m = mentionChoices[i];
  if (!m) return;
  const caret = ui.message.selectionStart;
  const text = ui.message.value;
  const insert = `@${m.name} `;
  ui.message.value = text.slice(0, mentionStart) + insert + text.slice(caret);
  const pos = mentionStart + insert.length;
  ui.message.setSelectionRange(pos, pos);
  picked.push(m);
  ui.mentions.hidden = true;
  ui.message.focus();
}

/** The text with `@_user_N` where a picked mention stands, and the open ids in that order. */
function withPlaceholders(text: string): { text: string; mentions: string[] } {
  const mentions: string[] = [];
  let out = '';
  let rest = text;
  for (;;) {
    let best: { at: number; m: { name: string; openId: string } } | undefined;
    for (const m of picked) {
      const at = rest.indexOf(`@${m.name}`);
      if (at >= 0 && (!best || at < best.at || (at === best.at && m.name.length > best.m.name.length)))
        best = { at, m };
    }
    if (!best) break;
    mentions.push(best.m.openId);
    out += `${rest.slice(0, best.at)}@_user_${mentions.length}`;
    rest = rest.slice(best.at + best.m.name.length + 1);
  }
  return { text: out + rest, mentions };
}

async function send(): Promise<void> {
  const raw = ui.message.value;
  if (!raw.trim()) return;
  const { text, mentions } = withPlaceholders(raw);
  const button = ui.composer.querySelector<HTMLButtonElement>('button[type=submit]')!;
  const parent = replyTo;
  ui.message.value = '';
  picked = [];
  setReply(undefined);
  const ok = await withBusy(button, () =>
    api('send', { persona, chat: chatId, text, mentions, ...(parent ? { parentId: parent.id } : {}) }),
  );
  if (ok === undefined) {
    ui.message.value = raw;
    setReply(parent);
  }
}

/** The file picked with 📎, sent one-to-one (an image as an image message, the server decides by its type). */
async function sendFile(file: File): Promise<void> {
  if (file.size > MAX_UPLOAD_BYTES) {
    toast(
      `文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB，飞书不能把它交给机器人，没有发送。 The file is too large to send.`,
      'error',
    );
    return;
  }
  const form = new FormData();
  form.set('persona', persona);
  form.set('chat', chatId);
  const parent = replyTo;
  if (parent) form.set('parentId', parent.id);
  form.set('file', file, file.name);
  setReply(undefined);
  const ok = await withBusy(ui.attach, () => api('send-file', form));
  if (ok === undefined) setReply(parent);
}

// ── wiring ───────────────────────────────────────────────────────────────────────────────────

ui.persona.onchange = () => {
  persona = ui.persona.value;
  localStorage.setItem('playground.persona', persona);
  // Toasts were shown to the previous person.
  ui.toasts.replaceChildren();
  unread.clear();
  seenCounts.clear();
  chatId = '';
  setReply(undefined);
  clearLog();
  void loadState().then(() => refresh(true));
};
ui.lang.onchange = () => {
  localStorage.setItem(`playground.lang.${persona}`, ui.lang.value);
  clearLog();
  void refresh(true);
};
ui.clockForm.onsubmit = (e) => {
  e.preventDefault();
  const button = ui.clockForm.querySelector<HTMLButtonElement>('button')!;
  void withBusy(button, async () => {
    const r = await api<{ local: string; ranReminders: boolean; reminders: { sent: number } }>('clock', {
      local: ui.clock.value,
    });
    toast(
      `时间已到 ${r.local.replace('T', ' ')}${r.reminders.sent ? `，发出 ${r.reminders.sent} 条提醒` : ''}。 Time is now ${r.local.replace('T', ' ')}.`,
      'success',
    );
    await loadState();
  });
};
ui.seed.onclick = () => {
  void withBusy(ui.seed, async () => {
    const ok = await confirmed(
      '生成演示数据 Demo data',
      '按当前时间生成一届完整的演示竞赛（20 个单位、约 150 个项目），并清空演练场的聊天记录。 Fills the competition with demo data at the current time and clears the chats.',
    );
    if (!ok) return;
    await api('demo-seed', {});
    toast('演示数据已生成。 Demo data is ready.', 'success');
    // The chats start afresh: nothing in them is unread any more.
    unread.clear();
    seenCounts.clear();
    clearLog();
    await loadState();
  });
};
ui.addPersona.onsubmit = (e) => {
  e.preventDefault();
  const button = ui.addPersona.querySelector<HTMLButtonElement>('button')!;
  void withBusy(button, async () => {
    const p = await api<PersonaView>('personas', { name: ui.newPersona.value });
    ui.newPersona.value = '';
    toast(`已添加 ${p.label}。 Added ${p.labelEn}.`, 'success');
    await loadState();
  });
};
ui.addGroup.onsubmit = (e) => {
  e.preventDefault();
  const button = ui.addGroup.querySelector<HTMLButtonElement>('button')!;
  void withBusy(button, async () => {
    const members = [...ui.newGroupMembers.selectedOptions].map((o) => o.value);
    const { chatId: created } = await api<{ chatId: string }>('groups', { persona, name: ui.newGroup.value, members });
    ui.newGroup.value = '';
    await loadState();
    openChat(created);
  });
};
ui.attach.onclick = () => ui.attachInput.click();
ui.attachInput.onchange = () => {
  const file = ui.attachInput.files?.[0];
  // Cleared, so that the same file can be picked again.
  ui.attachInput.value = '';
  if (file) void sendFile(file);
};
ui.replyCancel.onclick = () => setReply(undefined);
ui.composer.onsubmit = (e) => {
  e.preventDefault();
  void send();
};
ui.message.addEventListener('input', updateMentions);
ui.message.addEventListener('click', updateMentions);
ui.message.addEventListener('keydown', (e) => {
  if (!ui.mentions.hidden && mentionChoices.length) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      mentionIndex = (mentionIndex + (e.key === 'ArrowDown' ? 1 : -1) + mentionChoices.length) % mentionChoices.length;
      for (const [i, li] of [...ui.mentions.children].entries())
        li.setAttribute('aria-selected', String(i === mentionIndex));
      ui.message.setAttribute('aria-activedescendant', `mention-${mentionIndex}`);
      return;
    }
    if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      choose(mentionIndex);
      return;
    }
    if (e.key === 'Escape') {
      ui.mentions.hidden = true;
      return;
    }
  }
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    void send();
  }
});

/** Unread counts for the other chats, so that a reminder landing elsewhere is noticed. */
const seenCounts = new Map<string, number>();
async function pollOthers(): Promise<void> {
  if (!state) return;
  const fresh = await api<State>(`state?persona=${encodeURIComponent(persona)}`);
  if (fresh.personas.every((p) => p.openId !== persona)) return;
  state = fresh;
  ui.now.textContent = `现在 Now: ${fresh.local.replace('T', ' ')} (${fresh.timeZone})`;
  for (const c of fresh.chats) {
    const before = seenCounts.get(c.chatId);
    if (c.chatId !== chatId && before !== undefined && c.count > before)
      unread.set(c.chatId, (unread.get(c.chatId) ?? 0) + c.count - before);
    seenCounts.set(c.chatId, c.count);
  }
  drawChats();
}

void loadState().then(() => refresh(true));
setInterval(() => void refresh(), 800);
setInterval(() => void pollOthers().catch(() => {}), 2_500);
