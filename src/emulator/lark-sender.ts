/**
 * Lark, as the bot sees it from the other side: builds exactly what the platform pushes (url_verification,
 * v2 event envelopes, card.action.trigger callbacks, legacy card request-URL callbacks), encrypts and signs it
 * as configured, delivers it over real HTTP with `fetch`, and reads the answer like Lark does. Card answers
 * (`{card:{type:"raw",data}}`, legacy bare cards) are applied to the emulator's stored message.
 *
 * For security tests a delivery can be duplicated, stale, tampered with, carry a wrong token or a bad signature.
 * Node-only (node:crypto), like everything that uses it: tests, benchmarks, the standalone emulator.
 */
import { randomBytes } from 'node:crypto';
import { callbackCardProblems, isCard2, isObject, problemText } from './model';
import type { Emulator } from './emulator';
import type { EmulatorUser } from './types';
import { encryptBody, eventSignature, legacyCardSignature, newEventId, newNonce, tamper } from './wire';

export interface LarkSenderOptions {
  /** The bot's event request URL [EVT-SRV]. */
  eventUrl: string;
  /** The callback URL for card.action.trigger [CB-RECV]; default `eventUrl`. */
  callbackUrl?: string;
  /** The legacy "message card request URL" [CARD-URL-OLD]; default `callbackUrl`. */
  legacyCardUrl?: string;
  /** The console's Verification Token. */
  verificationToken: string;
  /** The console's Encrypt Key; when set, bodies are encrypted and events/callbacks signed [EVT-RECV]. */
  encryptKey?: string;
  /** Used for ids, chats and card tokens, and to apply card answers; optional for pure transport tests. */
  emulator?: Emulator;
  /** Default: the emulator's app id, else `cli_emulator`. */
  appId?: string;
  /** Default: the emulator's tenant key, else `tenant_emulator`. */
  tenantKey?: string;
  /** Epoch ms for timestamps; default: the emulator's clock, else Date.now. */
  now?: () => number;
  /** Default global fetch; pass `(url, init) => app.request(url, init)` to deliver in process. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** [CB-RECV] callbacks must be answered within 3 s; slower answers count as client error 200341. */
  callbackBudgetMs?: number;
}

export interface DeliveryOptions {
  /** A fixed `header.event_id` (default: random 32 hex). */
  eventId?: string;
  /** Send the same bytes this many times concurrently, as at-least-once delivery does [EVT-OV]; default 1. */
  copies?: number;
  /** Signed `X-Lark-Request-Timestamp` this many seconds in the past. */
  staleSeconds?: number;
  /** Change one character of the body after signing. */
  tamper?: boolean;
  /** A wrong Verification Token (in the payload; for legacy callbacks, in the signature). */
  wrongToken?: boolean;
  /** Sign with a wrong key. */
  badSignature?: boolean;
  /** No signature headers at all. */
  unsigned?: boolean;
  /** Override encryption (default: encrypted when an encrypt key is configured; legacy callbacks never are). */
  encrypt?: boolean;
  /** Pretty-printed JSON: valid, and fatal to verifiers that hash re-serialised JSON (larksuite/node-sdk#46, #67). */
  pretty?: boolean;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** The bot's answer to one request. */
export interface BotReply {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown;
  text: string;
  ms: number;
}

export type DeliveryKind = 'url_verification' | 'event' | 'card_action' | 'legacy_card_action';

export interface Delivery<P = unknown> {
  kind: DeliveryKind;
  url: string;
  /** The plaintext payload (before encryption). */
  payload: P;
  /** The bytes sent (first copy). */
  rawBody: string;
  /** The request headers sent (first copy). */
  requestHeaders: Record<string, string>;
  eventId?: string;
  /** One per copy, in the order they were started. */
  replies: BotReply[];
  /** The first copy's reply. */
  reply: BotReply;
}

export interface EventHeader {
  event_id: string;
  event_type: string;
  create_time: string;
  token: string;
  app_id: string;
  tenant_key: string;
}

export interface EventEnvelope<E = Record<string, unknown>> {
  schema: '2.0';
  header: EventHeader;
  event: E;
}

export interface ChallengeDelivery extends Delivery<{ challenge: string; token: string; type: 'url_verification' }> {
  challenge: string;
  /** The bot answered 200 with `{"challenge": <same>}` [EVT-SRV]. */
  echoed: boolean;
}

/** A user as events show them: an open_id, or ids and a name. */
export type UserRef = string | { open_id: string; union_id?: string; user_id?: string; name?: string };

export interface MessageEventInput {
  sender: UserRef;
  /** Default `p2p`. */
  chatType?: 'p2p' | 'group';
  /** Required for groups; for p2p the emulator's chat with the sender (or a new id). */
  chatId?: string;
  /** Text as typed, with `@_user_N` placeholders; missing placeholders of `mentions` are put in front. */
  text?: string;
  /** Mentioned users, keyed `@_user_1`, `@_user_2`… in order [RECV-MSG]. */
  mentions?: UserRef[];
  /** Mention the bot first (as `@_user_1`). */
  mentionBot?: boolean;
  messageId?: string;
  /** Default `text`; for other types give `content` (a JSON string), or `file` / `image`. */
  messageType?: string;
  content?: string;
  /**
   * The user sends a file: a `file` message whose content is `{"file_key","file_name"}` [RECV]; the emulator keeps the
   * bytes for `GET …/resources/:file_key?type=file` (needs `emulator`).
   */
  file?: { name: string; bytes: Uint8Array };
  /** The user sends an image: an `image` message, content `{"image_key"}`; bytes kept for `?type=image`. */
  image?: { bytes: Uint8Array };
  rootId?: string;
  parentId?: string;
  threadId?: string;
}

export interface ChatEventInput {
  chatId: string;
  operator: UserRef;
  /** Chat name for bot.added/deleted. */
  name?: string;
  external?: boolean;
  /** Other people in the chat (emulator directory only). */
  members?: string[];
}

export interface CardActionInput {
  /** The card message that was clicked (om_…). */
  messageId: string;
  operator: UserRef;
  /** Default: the emulator's chat of the message. */
  chatId?: string;
  value?: Record<string, unknown>;
  /** Default `button`. */
  tag?: string;
  name?: string;
  formValue?: Record<string, unknown>;
  option?: string;
  options?: string[];
  inputValue?: string;
  checked?: boolean;
  /** Default `Asia/Shanghai` [CARD-CB]. */
  timezone?: string;
  /** Use this update token instead of issuing one. */
  token?: string;
}

/** How the Lark client took a card-callback answer [CARD-CB]. */
export interface CardVerdict {
  toast?: unknown;
  /** The card data that replaced the message, if any. */
  card?: unknown;
  /**
   * The error the client would show: 200671 non-200, 200341 too slow, 200672 bad body, 200673 bad card, 200830 2.0→1.0.
   */
  clientError?: number;
  /** With 200673: why the card was refused (the rules of a sent card, see callbackCardProblems in model.ts). */
  problems?: string[];
}

export interface CardDelivery<P = unknown> extends Delivery<P>, CardVerdict {
  /** The update token carried by the callback (c-…). */
  token: string;
  messageId: string;
}

export interface LarkSender {
  urlVerification(options?: DeliveryOptions & { challenge?: string }): Promise<ChallengeDelivery>;
  messageReceived(input: MessageEventInput, options?: DeliveryOptions): Promise<Delivery<EventEnvelope>>;
  botAdded(input: ChatEventInput, options?: DeliveryOptions): Promise<Delivery<EventEnvelope>>;
  botDeleted(input: ChatEventInput, options?: DeliveryOptions): Promise<Delivery<EventEnvelope>>;
  p2pChatEntered(
    input: { operator: UserRef; chatId?: string },
    options?: DeliveryOptions,
  ): Promise<Delivery<EventEnvelope>>;
  /** Any v2 event. */
  event(eventType: string, event: Record<string, unknown>, options?: DeliveryOptions): Promise<Delivery<EventEnvelope>>;
  cardAction(input: CardActionInput, options?: DeliveryOptions): Promise<CardDelivery<EventEnvelope>>;
  legacyCardAction(input: CardActionInput, options?: DeliveryOptions): Promise<CardDelivery<Record<string, unknown>>>;
  /** Delivers an earlier payload again (same event_id), freshly encrypted and signed, as a retry would [EVT-OV]. */
  redeliver<P>(delivery: Delivery<P>, options?: DeliveryOptions): Promise<Delivery<P>>;
}

const CONTENT_TYPE = 'application/json; charset=utf-8';
const TOAST_TYPES = new Set(['info', 'success', 'error', 'warning']);
const BARE_CARD_KEYS = ['schema', 'elements', 'i18n_elements', 'header', 'body', 'config', 'card_link'];

export function createLarkSender(options: LarkSenderOptions): LarkSender {
  const emulator = options.emulator;
  const appId = options.appId ?? emulator?.config.appId ?? 'cli_emulator';
  const tenantKey = options.tenantKey ?? emulator?.config.tenantKey ?? 'tenant_emulator';
  const now = options.now ?? (emulator ? () => emulator.now() : () => Date.now());
  const doFetch = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const callbackUrl = options.callbackUrl ?? options.eventUrl;
  const legacyUrl = options.legacyCardUrl ?? callbackUrl;
  const budgetMs = options.callbackBudgetMs ?? 3000;
  const refreshTokens = new Map<string, string>();

  // ── transport ────────────────────────────────────────────────────────────────────────────────

  type Signing = 'none' | 'event' | 'legacy';

  async function send<P>(
    kind: DeliveryKind,
    url: string,
    payload: P,
    signing: Signing,
    opts: DeliveryOptions = {},
  ): Promise<Delivery<P>> {
    const indent = opts.pretty ? 2 : undefined;
    const plain = JSON.stringify(payload, null, indent);
    const encrypt = signing !== 'legacy' && (opts.encrypt ?? options.encryptKey !== undefined);
    if (encrypt && !options.encryptKey) throw new Error('lark-sender: encryption asked for without an encryptKey');
    let rawBody = encrypt
      ? JSON.stringify({ encrypt: encryptBody(plain, options.encryptKey ?? '') }, null, indent)
      : plain;
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPE,
      ...signatureHeaders(signing, rawBody, opts),
      ...opts.headers,
    };
    if (opts.tamper) rawBody = tamper(rawBody);
    const copies = Math.max(1, opts.copies ?? 1);
    const replies = await Promise.all(Array.from({ length: copies }, () => post(url, rawBody, headers)));
    const eventId = isObject(payload) && isObject(payload.header) ? String(payload.header.event_id) : undefined;
    return { kind, url, payload, rawBody, requestHeaders: headers, eventId, replies, reply: replies[0] as BotReply };
  }

  /** [EVT-RECV] SHA-256 with the Encrypt Key when one is configured; [CARD-URL-OLD] SHA-1 with the token. */
  function signatureHeaders(signing: Signing, rawBody: string, opts: DeliveryOptions): Record<string, string> {
    if (signing === 'none' || opts.unsigned) return {};
    if (signing === 'event' && !options.encryptKey) return {};
    const timestamp = String(Math.floor(now() / 1000) - (opts.staleSeconds ?? 0));
    const nonce = newNonce();
    const wrong = opts.badSignature || (signing === 'legacy' && opts.wrongToken);
    const signature =
      signing === 'event'
        ? eventSignature(timestamp, nonce, wrong ? `${options.encryptKey}-wrong` : (options.encryptKey ?? ''), rawBody)
        : legacyCardSignature(
            timestamp,
            nonce,
            wrong ? `${options.verificationToken}-wrong` : options.verificationToken,
            rawBody,
          );
    return { 'X-Lark-Request-Timestamp': timestamp, 'X-Lark-Request-Nonce': nonce, 'X-Lark-Signature': signature };
  }

  async function post(url: string, rawBody: string, headers: Record<string, string>): Promise<BotReply> {
    const started = performance.now();
    const res = await doFetch(url, { method: 'POST', headers, body: rawBody });
    const text = await res.text();
    const ms = performance.now() - started;
    let body: unknown = text;
    try {
      body = text === '' ? text : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body, text, ms };
  }

  function envelope<E>(eventType: string, event: E, opts: DeliveryOptions, createTime: string): EventEnvelope<E> {
    return {
      schema: '2.0',
      header: {
        event_id: opts.eventId ?? newEventId(),
        event_type: eventType,
        create_time: createTime,
        token: verificationToken(opts),
        app_id: appId,
        tenant_key: tenantKey,
      },
      event,
    };
  }

  const verificationToken = (opts: DeliveryOptions) =>
    opts.wrongToken ? `${options.verificationToken}-wrong` : options.verificationToken;

  /** [RECV-MSG] header.create_time in milliseconds for events. */
  const eventNow = () => String(now());

  // ── people ───────────────────────────────────────────────────────────────────────────────────

  function userIds(ref: UserRef): { union_id: string; user_id: string; open_id: string; name: string } {
    const input = typeof ref === 'string' ? { open_id: ref } : ref;
    const isBot = input.open_id === emulator?.config.botOpenId;
    const known: EmulatorUser | undefined =
      emulator?.state.users.get(input.open_id) ?? (emulator && !isBot ? emulator.addUser(input) : undefined);
    const suffix = input.open_id.replace(/^ou_/, '');
    return {
      union_id: input.union_id ?? known?.union_id ?? `on_${suffix}`,
      user_id: input.user_id ?? known?.user_id ?? `u_${suffix}`,
      open_id: input.open_id,
      name: input.name ?? known?.name ?? suffix,
    };
  }

  const idsOnly = (ref: UserRef) => {
    const { union_id, user_id, open_id } = userIds(ref);
    return { union_id, user_id, open_id };
  };

  function botRef(): UserRef {
    return {
      open_id: emulator?.config.botOpenId ?? 'ou_bot_emulator',
      user_id: '',
      name: emulator?.config.botName ?? 'bot',
    };
  }

  // ── events ───────────────────────────────────────────────────────────────────────────────────

  function buildMessageEvent(input: MessageEventInput) {
    const chatType = input.chatType ?? 'p2p';
    const sender = idsOnly(input.sender);
    const chatId = resolveMessageChat(input, chatType, sender.open_id);
    const mentioned = [...(input.mentionBot ? [botRef()] : []), ...(input.mentions ?? [])];
    const mentions = mentioned.map((ref, i) => {
      const { name, ...id } = userIds(ref);
      return { key: `@_user_${i + 1}`, id, name, tenant_key: tenantKey };
    });
    const attached = attachment(input);
    const messageType = attached?.messageType ?? input.messageType ?? 'text';
    const content =
      attached?.content ??
      input.content ??
      JSON.stringify({
        text: withPlaceholders(
          input.text ?? '',
          mentions.map((m) => m.key),
        ),
      });
    const messageId = input.messageId ?? `om_${randomBytes(16).toString('hex')}`;
    const createTime = now();
    emulator?.recordInbound({
      messageId,
      chatId,
      chatType,
      senderOpenId: sender.open_id,
      msgType: messageType,
      content: safeParse(content),
      createTime,
    });
    return {
      sender: { sender_id: sender, sender_type: 'user', tenant_key: tenantKey },
      message: {
        message_id: messageId,
        ...(input.rootId ? { root_id: input.rootId } : {}),
        ...(input.parentId ? { parent_id: input.parentId } : {}),
        create_time: String(createTime),
        update_time: String(createTime),
        chat_id: chatId,
        ...(input.threadId ? { thread_id: input.threadId } : {}),
        chat_type: chatType,
        message_type: messageType,
        content,
        ...(mentions.length > 0 ? { mentions } : {}),
      },
    };
  }

  /** [RECV] a file or image the user sends: its bytes stored in the emulator, its key in the content. */
  function attachment(input: MessageEventInput): { messageType: string; content: string } | undefined {
    if (!input.file && !input.image) return undefined;
    if (input.file && input.image) throw new Error('lark-sender: a message carries a file or an image, not both');
    if (!emulator) throw new Error('lark-sender: sending a file or an image needs the emulator');
    if (input.file) {
      const { key } = emulator.addUserResource({ type: 'file', data: input.file.bytes, fileName: input.file.name });
      return { messageType: 'file', content: JSON.stringify({ file_key: key, file_name: input.file.name }) };
    }
    const { key } = emulator.addUserResource({ type: 'image', data: input.image?.bytes ?? new Uint8Array() });
    return { messageType: 'image', content: JSON.stringify({ image_key: key }) };
  }

  /** Keeps the emulator's directory in step with what the event says (the sender is in the chat). */
  function resolveMessageChat(input: MessageEventInput, chatType: 'p2p' | 'group', senderOpenId: string): string {
    if (chatType === 'group') {
      if (!input.chatId) throw new Error('lark-sender: a group message needs chatId');
      emulator?.ensureGroupChat(input.chatId, [senderOpenId]);
      return input.chatId;
    }
    if (emulator) return emulator.p2pChat(senderOpenId, input.chatId).chatId;
    return input.chatId ?? `oc_${randomBytes(16).toString('hex')}`;
  }

  /** [BOT-ADDED] event body, shared by bot.added_v1 and bot.deleted_v1. */
  function chatMemberBotEvent(input: ChatEventInput) {
    const name = input.name ?? input.chatId;
    return {
      chat_id: input.chatId,
      operator_id: idsOnly(input.operator),
      external: input.external ?? false,
      operator_tenant_key: tenantKey,
      name,
      i18n_names: { zh_cn: name, en_us: name, ja_jp: name },
    };
  }

  // ── card callbacks ───────────────────────────────────────────────────────────────────────────

  function cardContext(input: CardActionInput) {
    const stored = emulator?.message(input.messageId);
    if (emulator && !stored) throw new Error(`lark-sender: card action on unknown message ${input.messageId}`);
    const operator = idsOnly(input.operator);
    const token =
      input.token ??
      emulator?.issueCardToken({ messageId: input.messageId, operatorOpenId: operator.open_id }).token ??
      `c-${randomBytes(20).toString('hex')}`;
    const action = {
      ...(input.value !== undefined ? { value: input.value } : {}),
      tag: input.tag ?? 'button',
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.formValue !== undefined ? { form_value: input.formValue } : {}),
      ...(input.option !== undefined ? { option: input.option } : {}),
      ...(input.options !== undefined ? { options: input.options } : {}),
      ...(input.inputValue !== undefined ? { input_value: input.inputValue } : {}),
      ...(input.checked !== undefined ? { checked: input.checked } : {}),
      timezone: input.timezone ?? 'Asia/Shanghai',
    };
    return { stored, operator, token, action, chatId: input.chatId ?? stored?.chatId ?? '' };
  }

  /** After the answer: the token may now be used for delayed updates; apply the card; record client errors. */
  function settleCard<P>(
    delivery: Delivery<P>,
    messageId: string,
    token: string,
    verdict: CardVerdict,
  ): CardDelivery<P> {
    emulator?.markCardAnswered(token);
    if (verdict.card !== undefined) emulator?.applyCallbackCard(messageId, verdict.card);
    if (verdict.problems !== undefined) {
      emulator?.recordViolation(
        'card_invalid',
        messageId,
        `client error ${verdict.clientError ?? 200673}: ${verdict.problems.join('; ')}`,
      );
    } else if (verdict.clientError !== undefined) {
      emulator?.recordViolation(
        'card_callback_error',
        messageId,
        `client error ${verdict.clientError}: HTTP ${delivery.reply.status} ${delivery.reply.text.slice(0, 200)}`,
      );
    }
    return { ...delivery, ...verdict, token, messageId };
  }

  // ── the sender ───────────────────────────────────────────────────────────────────────────────

  const event: LarkSender['event'] = (eventType, body, opts = {}) =>
    send('event', options.eventUrl, envelope(eventType, body, opts, eventNow()), 'event', opts);

  return {
    async urlVerification(opts = {}) {
      const challenge = opts.challenge ?? randomBytes(18).toString('base64url');
      const payload = { challenge, token: verificationToken(opts), type: 'url_verification' as const };
      // [EVT-SRV][EVT-RECV] the challenge is not signed; its answer is plain JSON even in encrypted mode.
      const delivery = await send('url_verification', options.eventUrl, payload, 'none', opts);
      const body = delivery.reply.body;
      const echoed = delivery.reply.status === 200 && isObject(body) && body.challenge === challenge;
      return { ...delivery, challenge, echoed };
    },

    messageReceived: (input, opts = {}) => event('im.message.receive_v1', buildMessageEvent(input), opts),

    botAdded(input, opts = {}) {
      emulator?.ensureGroupChat(input.chatId, [idsOnly(input.operator).open_id, ...(input.members ?? [])]);
      emulator?.setBotMembership(input.chatId, true);
      return event('im.chat.member.bot.added_v1', chatMemberBotEvent(input), opts);
    },

    botDeleted(input, opts = {}) {
      emulator?.setBotMembership(input.chatId, false);
      return event('im.chat.member.bot.deleted_v1', chatMemberBotEvent(input), opts);
    },

    p2pChatEntered(input, opts = {}) {
      const operator = idsOnly(input.operator);
      const chatId = emulator
        ? emulator.p2pChat(operator.open_id, input.chatId).chatId
        : (input.chatId ?? `oc_${randomBytes(16).toString('hex')}`);
      return event('im.chat.access_event.bot_p2p_chat_entered_v1', { chat_id: chatId, operator_id: operator }, opts);
    },

    event,

    async cardAction(input, opts = {}) {
      const { stored, operator, token, action, chatId } = cardContext(input);
      const body = {
        operator: { tenant_key: tenantKey, ...operator },
        token,
        action,
        host: 'im_message',
        context: { open_message_id: input.messageId, open_chat_id: chatId },
      };
      // [CARD-CB] the callback doc shows header.create_time in microseconds.
      const payload = envelope('card.action.trigger', body, opts, String(now() * 1000));
      const delivery = await send('card_action', callbackUrl, payload, 'event', opts);
      return settleCard(delivery, input.messageId, token, judgeCardAnswer(delivery.reply, stored?.content, budgetMs));
    },

    async legacyCardAction(input, opts = {}) {
      const { stored, operator, token, action } = cardContext(input);
      const payload: Record<string, unknown> = {
        open_id: operator.open_id,
        user_id: operator.user_id,
        tenant_key: tenantKey,
        open_message_id: input.messageId,
        token,
        action,
      };
      // [CARD-URL-OLD] X-Refresh-Token changes only after a click was answered successfully.
      const refresh = refreshTokens.get(input.messageId) ?? randomBytes(16).toString('hex');
      refreshTokens.set(input.messageId, refresh);
      const delivery = await send('legacy_card_action', legacyUrl, payload, 'legacy', {
        ...opts,
        headers: { 'X-Refresh-Token': refresh, ...opts.headers },
      });
      const verdict = judgeLegacyCardAnswer(delivery.reply, stored?.content, budgetMs);
      if (verdict.clientError === undefined) refreshTokens.set(input.messageId, randomBytes(16).toString('hex'));
      return settleCard(delivery, input.messageId, token, verdict);
    },

    redeliver(delivery, opts = {}) {
      const signing: Signing =
        delivery.kind === 'url_verification' ? 'none' : delivery.kind === 'legacy_card_action' ? 'legacy' : 'event';
      return send(delivery.kind, delivery.url, delivery.payload, signing, opts);
    },
  };
}

/**
 * [CARD-CB] how the client reads a card.action.trigger answer: HTTP 200 within 3 s; a JSON object with an
 * optional `toast` and an optional `card` of `{type:"raw",data}` or `{type:"template",data}`; never a bare card.
 */
export function judgeCardAnswer(reply: BotReply, currentCard: unknown, budgetMs = 3000): CardVerdict {
  if (reply.status !== 200) return { clientError: 200671 };
  if (reply.ms > budgetMs) return { clientError: 200341 };
  const body = reply.body;
  if (!isObject(body)) return { clientError: 200672 };
  if (body.card === undefined && BARE_CARD_KEYS.some((k) => k in body)) return { clientError: 200672 };
  const toast = body.toast;
  if (toast !== undefined && !isToast(toast)) return { clientError: 200672 };
  const verdict: CardVerdict = toast === undefined ? {} : { toast };
  if (body.card === undefined) return verdict;
  const card = body.card;
  if (!isObject(card) || (card.type !== 'raw' && card.type !== 'template')) return { clientError: 200672 };
  if (!isObject(card.data)) return { clientError: 200673 };
  if (card.type === 'template') return { ...verdict, card };
  if (isCard2(currentCard) && !isCard2(card.data)) return { clientError: 200830 };
  return refusedCard(card.data) ?? { ...verdict, card: card.data };
}

/**
 * 200673 「请求的卡片回调服务返回了错误的卡片」 (https://open.feishu.cn/document/feishu-cards/card-callback-communication)
 * for an answered card that a send would refuse: the rules of src/lark/card-rules.ts, size as carried in `content`.
 */
function refusedCard(card: unknown): CardVerdict | undefined {
  const problems = callbackCardProblems(card);
  if (problems.length === 0) return undefined;
  return { clientError: 200673, problems: problems.map(problemText) };
}

/** [CARD-URL-OLD] legacy answers: optional toast plus a bare card (or a template) at the top level. */
export function judgeLegacyCardAnswer(reply: BotReply, currentCard: unknown, budgetMs = 3000): CardVerdict {
  if (reply.status !== 200) return { clientError: 200671 };
  if (reply.ms > budgetMs) return { clientError: 200341 };
  const body = reply.body;
  if (!isObject(body)) return { clientError: 200672 };
  const { toast, ...rest } = body;
  if (toast !== undefined && !isToast(toast)) return { clientError: 200672 };
  const verdict: CardVerdict = toast === undefined ? {} : { toast };
  const isTemplate = rest.type === 'template' && isObject(rest.data);
  if (!isTemplate && !BARE_CARD_KEYS.some((k) => k in rest)) return verdict;
  if (isCard2(currentCard) && !isCard2(rest)) return { clientError: 200830 };
  return refusedCard(rest) ?? { ...verdict, card: rest };
}

function isToast(v: unknown): boolean {
  if (!isObject(v) || typeof v.type !== 'string' || !TOAST_TYPES.has(v.type)) return false;
  return typeof v.content === 'string' || isObject(v.i18n);
}

/** [RECV-MSG] each mention appears in the text as its `@_user_N` key; missing ones go in front. */
function withPlaceholders(text: string, keys: string[]): string {
  const missing = keys.filter((k) => !new RegExp(`${k}(?!\\d)`).test(text));
  return [...missing, text].filter((s) => s !== '').join(' ');
}

function safeParse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
