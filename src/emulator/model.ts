/**
 * The platform model behind the emulator's HTTP routes: directory (users, chats), tenant tokens, rate limits,
 * messages, card tokens, files and contact look-ups. Pure in-memory logic driven by an injected clock; the
 * routes (routes.ts) only parse HTTP and call in here. Refusals are thrown as LarkApiError.
 */
import { cardRequestBytes, checkCard, LARK_CARD_LIMITS } from '../lark/card-rules';
import type { CardProblem } from '../lark/card-rules';
import { badRequest, fieldValidation, LarkApiError, LarkCode, MSG } from './errors';
import { AttemptLog, MultiWindowLimiter, SlidingWindow } from './limiter';
import { hexIds, seededRandom } from './random';
import {
  imageSize,
  MAX_DOWNLOAD_BYTES,
  MAX_IMAGE_BYTES,
  resolutionLimit,
  resourceKeys,
  sniffImage,
  UNFORWARDABLE_MSG_TYPES,
  UNSUPPORTED_RESOURCE_MSG_TYPES,
} from './resources';
import type { ResourceType, StoredResource } from './resources';
import type {
  CardTokenRecord,
  ChatInput,
  EmulatorChat,
  EmulatorOptions,
  EmulatorState,
  EmulatorUser,
  EndpointGroup,
  FaultKind,
  Faults,
  InboundMessage,
  MemberIdType,
  RateLimits,
  RateScope,
  ReceiveIdType,
  RecordedCall,
  RecordedFile,
  RecordedMessage,
  UpdateSource,
  UserInput,
  ViolationKind,
} from './types';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const KB = 1024;

/** [SEND] a uuid succeeds at most once within 1 hour. */
const UUID_DEDUPE_MS = HOUR;
/** [TAT] a token request with less than 30 minutes left returns a new token; otherwise the current one. */
const TOKEN_REFRESH_WINDOW_MS = 30 * MINUTE;
/** [PATCH] cards can be updated for 14 days after sending. */
const PATCH_MAX_AGE_MS = 14 * DAY;
/** [DELAY][CARD-HANDLE] a callback token is valid for 30 minutes and at most 2 updates. */
const CARD_TOKEN_TTL_MS = 30 * MINUTE;
const CARD_TOKEN_MAX_USES = 2;
/**
 * [SEND] limits on the request body (its UTF-8 bytes, `content` escaped inside it): text 150 KB, card and post 30 KB.
 * https://open.feishu.cn/document/server-docs/im-v1/message/create — 「文本消息请求体最大不能超过 150 KB」,
 * 「卡片消息、富文本消息请求体最大不能超过 30 KB」 (230025). Reply says the same:
 * https://open.feishu.cn/document/server-docs/im-v1/message/reply ; PATCH 「更新的卡片消息最大不能超过 30 KB」:
 * https://open.feishu.cn/document/server-docs/im-v1/message-card/patch . The platform may count more than was sent
 * (「如果消息中包含样式标签，会使实际消息体长度大于您输入的请求体长度」); the emulator counts the request body.
 */
const CONTENT_LIMIT_BYTES: Record<string, number> = {
  text: 150 * KB,
  post: 30 * KB,
  interactive: LARK_CARD_LIMITS.bodyBytes,
};
/**
 * [DELAY] 「卡片大小需控制在 30KB 以内」, measured on the request body (the card is not escaped there):
 * https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card
 */
const CARD_UPDATE_LIMIT_BYTES = LARK_CARD_LIMITS.bodyBytes;
/** [SEND] message types the create API accepts. */
const MSG_TYPES = new Set([
  'text',
  'post',
  'image',
  'file',
  'audio',
  'media',
  'sticker',
  'interactive',
  'share_chat',
  'share_user',
]);
/** Endpoint groups with the 1000/min & 50/s per-app tier [SEND][BGI][RATE]. */
const TIERED_GROUPS = new Set<EndpointGroup>(['message', 'file', 'contact', 'chat']);

export const DEFAULT_FAULTS: Faults = {
  errorRate: 0,
  rateLimitRate: 0,
  timeoutRate: 0,
  hangMs: 10_000,
  hangOutcome: 'drop',
  delayMs: 0,
  groups: ['message'],
};

export const DEFAULT_LIMITS: RateLimits = {
  appPerSecond: 50,
  appPerMinute: 1000,
  perTargetPerSecond: 5,
  perMessagePatchPerSecond: 5,
};

export interface ResolvedConfig {
  appId: string;
  appSecret: string;
  tenantKey: string;
  botOpenId: string;
  botName: string;
  tokenTtlSeconds: number;
  seed: number;
  now: () => number;
  faults: Faults;
  limits: RateLimits;
}

export function resolveConfig(options: EmulatorOptions = {}): ResolvedConfig {
  return {
    appId: options.appId ?? 'cli_emulator',
    appSecret: options.appSecret ?? 'emulator-secret',
    tenantKey: options.tenantKey ?? 'tenant_emulator',
    botOpenId: options.bot?.openId ?? 'ou_bot_emulator',
    botName: options.bot?.name ?? 'Saidao (emulated)',
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    seed: options.seed ?? 1,
    now: options.now ?? (() => Date.now()),
    faults: validateFaults({ ...DEFAULT_FAULTS, ...options.faults }),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
}

export function validateFaults(f: Faults): Faults {
  for (const key of ['errorRate', 'rateLimitRate', 'timeoutRate'] as const) {
    if (!(f[key] >= 0 && f[key] <= 1)) throw new RangeError(`faults.${key} must be within [0, 1], got ${f[key]}`);
  }
  for (const key of ['hangMs', 'delayMs'] as const) {
    if (!(f[key] >= 0)) throw new RangeError(`faults.${key} must be ≥ 0, got ${f[key]}`);
  }
  return { ...f, groups: [...f.groups] };
}

export interface SendInput {
  receiveIdType: ReceiveIdType;
  receiveId: string;
  msgType: string;
  content: unknown;
  uuid?: string;
  /** UTF-8 bytes of the HTTP request body; without it, those of `content` JSON-escaped. */
  bodyBytes?: number;
}

export interface ReplyInput {
  msgType: string;
  content: unknown;
  replyInThread?: boolean;
  uuid?: string;
  /** UTF-8 bytes of the HTTP request body; without it, those of `content` JSON-escaped. */
  bodyBytes?: number;
}

export interface SendResult {
  message: RecordedMessage;
  /** True when the uuid was seen within the hour and the earlier message is returned. */
  deduped: boolean;
}

export interface BatchIdEntry {
  user_id?: string;
  email?: string;
  mobile?: string;
  status?: { is_frozen: boolean; is_resigned: boolean; is_activated: boolean; is_exited: boolean; is_unjoin: boolean };
}

export interface MemberPage {
  items: Array<{ member_id_type: MemberIdType; member_id: string; name: string; tenant_key: string }>;
  page_token?: string;
  has_more: boolean;
  member_total: number;
}

interface Target {
  chat: EmulatorChat;
  receiverOpenId?: string;
}

export class PlatformModel {
  readonly state: EmulatorState;
  private readonly faultDice: () => number;
  private readonly newHex: (prefix: string, length?: number) => string;
  private readonly appLimiter: MultiWindowLimiter;
  private readonly targetLimiter: MultiWindowLimiter;
  private readonly patchLimiter: MultiWindowLimiter;
  private readonly attempts: AttemptLog;
  private readonly uuids = new Map<string, { messageId: string; at: number }>();
  private readonly outbound = new Map<string, RecordedMessage>();
  private readonly inboundById = new Map<string, InboundMessage>();
  private readonly p2pChatOf = new Map<string, string>();
  private logSeq = 0;
  /** Arrival order of messages, both directions (never reset, so that it stays unique). */
  private seq = 0;

  constructor(readonly config: ResolvedConfig) {
    this.state = {
      users: new Map(),
      chats: new Map(),
      tokens: new Map(),
      messages: [],
      inbound: [],
      files: [],
      resources: new Map(),
      calls: [],
      violations: [],
      cardTokens: new Map(),
      perSecond: new Map(),
      faults: validateFaults(config.faults),
    };
    this.faultDice = seededRandom(config.seed);
    this.newHex = hexIds(seededRandom(config.seed ^ 0x5eed1d5));
    const { appPerSecond, appPerMinute, perTargetPerSecond, perMessagePatchPerSecond } = config.limits;
    this.appLimiter = new MultiWindowLimiter([
      new SlidingWindow(appPerSecond, SECOND),
      new SlidingWindow(appPerMinute, MINUTE),
    ]);
    this.targetLimiter = new MultiWindowLimiter([new SlidingWindow(perTargetPerSecond, SECOND)]);
    this.patchLimiter = new MultiWindowLimiter([new SlidingWindow(perMessagePatchPerSecond, SECOND)]);
    this.attempts = new AttemptLog(this.state.perSecond);
  }

  now(): number {
    return this.config.now();
  }

  newId(prefix: string, length = 32): string {
    return this.newHex(prefix, length);
  }

  /** A log id shaped like the platform's (timestamp + hex), also sent as `x-tt-logid`. */
  newLogId(): string {
    const stamp = new Date(this.now()).toISOString().replace(/\D/g, '').slice(0, 14);
    return `${stamp}${(++this.logSeq).toString(16).toUpperCase().padStart(20, '0')}`;
  }

  // ── directory ──────────────────────────────────────────────────────────────────────────────────

  addUser(input: UserInput): EmulatorUser {
    const suffix = input.open_id.replace(/^ou_/, '');
    const user: EmulatorUser = {
      open_id: input.open_id,
      union_id: input.union_id ?? `on_${suffix}`,
      user_id: input.user_id ?? `u_${suffix}`,
      name: input.name ?? `User ${suffix}`,
      email: input.email,
      mobile: input.mobile === undefined ? undefined : normalizeMobile(input.mobile),
      tenant_key: this.config.tenantKey,
      blockedBot: input.blockedBot ?? false,
      resigned: input.resigned ?? false,
    };
    this.state.users.set(user.open_id, user);
    return user;
  }

  /** [SEND] any user in the app's availability range can be messaged by open_id; unknown ones are created. */
  ensureUser(openId: string): EmulatorUser {
    return this.state.users.get(openId) ?? this.addUser({ open_id: openId });
  }

  addChat(input: ChatInput): EmulatorChat {
    const members = input.members.map((m) => (typeof m === 'string' ? this.ensureUser(m) : this.addUser(m)).open_id);
    const chat: EmulatorChat = {
      chatId: input.chatId,
      chatType: 'group',
      name: input.name ?? input.chatId,
      members: [...new Set(members)],
      botIsMember: input.botIsMember ?? true,
    };
    this.state.chats.set(chat.chatId, chat);
    return chat;
  }

  /** Adds people to a known group chat (or creates it, with the bot in it). */
  ensureGroupChat(chatId: string, members: string[]): EmulatorChat {
    const chat = this.state.chats.get(chatId);
    if (!chat) return this.addChat({ chatId, members });
    for (const m of members) {
      this.ensureUser(m);
      if (!chat.members.includes(m)) chat.members.push(m);
    }
    return chat;
  }

  setBotMembership(chatId: string, isMember: boolean): void {
    const chat = this.state.chats.get(chatId) ?? this.addChat({ chatId, members: [] });
    chat.botIsMember = isMember;
  }

  /** The one p2p chat between the bot and a user; `chatId` pins its id (e.g. from a delivered event). */
  p2pChat(openId: string, chatId?: string): EmulatorChat {
    this.ensureUser(openId);
    const known = this.p2pChatOf.get(openId);
    if (known && (chatId === undefined || chatId === known)) {
      const chat = this.state.chats.get(known);
      if (chat) return chat;
    }
    const id = chatId ?? this.newId('oc_');
    const chat: EmulatorChat = {
      chatId: id,
      chatType: 'p2p',
      name: '',
      members: [openId],
      botIsMember: true,
      p2pUser: openId,
    };
    this.state.chats.set(id, chat);
    this.p2pChatOf.set(openId, id);
    return chat;
  }

  // ── tokens [TAT] ───────────────────────────────────────────────────────────────────────────────

  /** Token exchange failures are HTTP 200 with a code in the body (live probe). */
  issueTenantToken(appId: unknown, appSecret: unknown): { token: string; expire: number } {
    if (typeof appId !== 'string' || typeof appSecret !== 'string' || appId !== this.config.appId) {
      throw new LarkApiError(200, LarkCode.invalidParam, 'invalid param');
    }
    if (appSecret !== this.config.appSecret)
      throw new LarkApiError(200, LarkCode.appSecretInvalid, 'app secret invalid');
    const at = this.now();
    const current = this.currentToken(at);
    if (current && current.expiresAt - at >= TOKEN_REFRESH_WINDOW_MS) {
      return { token: current.token, expire: Math.floor((current.expiresAt - at) / SECOND) };
    }
    const token = this.newId('t-', 40);
    const expiresAt = at + this.config.tokenTtlSeconds * SECOND;
    this.state.tokens.set(token, { token, appId, issuedAt: at, expiresAt, revoked: false });
    return { token, expire: this.config.tokenTtlSeconds };
  }

  /** Live probe: no `Bearer ` token → 99991661; unknown, revoked or expired → 99991663; both HTTP 400. */
  checkAuthorization(header: string | undefined): void {
    const match = /^Bearer\s+(\S+)$/.exec(header?.trim() ?? '');
    if (!match?.[1]) throw badRequest(LarkCode.tokenMissing, MSG.tokenMissing);
    const record = this.state.tokens.get(match[1]);
    if (!record || record.revoked || this.now() >= record.expiresAt) {
      throw badRequest(LarkCode.tokenInvalid, MSG.tokenInvalid);
    }
  }

  /** Every token issued so far stops working; the next token request issues a fresh one. */
  expireTokens(): void {
    for (const record of this.state.tokens.values()) record.revoked = true;
  }

  private currentToken(at: number) {
    let best: { token: string; expiresAt: number } | undefined;
    for (const t of this.state.tokens.values()) {
      if (!t.revoked && t.expiresAt > at && (!best || t.expiresAt > best.expiresAt)) best = t;
    }
    return best;
  }

  // ── faults and limits ──────────────────────────────────────────────────────────────────────────

  /** Three draws per request of a faulted group, always in the same order, so a seed replays exactly. */
  rollFault(group: EndpointGroup): FaultKind | undefined {
    const f = this.state.faults;
    if (!f.groups.includes(group)) return undefined;
    const [rateLimit, error, timeout] = [this.faultDice(), this.faultDice(), this.faultDice()];
    if (rateLimit < f.rateLimitRate) return 'rate_limit';
    if (error < f.errorRate) return 'error';
    if (timeout < f.timeoutRate) return 'timeout';
    return undefined;
  }

  /** [RATE] per-app tier of an endpoint group: HTTP 429, 99991400 and the `x-ogw-ratelimit-*` headers. */
  admitApp(group: EndpointGroup): void {
    if (!TIERED_GROUPS.has(group)) return;
    const scope: RateScope = `app:${group}`;
    const at = this.now();
    this.attempts.record(scope, at);
    const rejected = this.appLimiter.tryAdmit(scope, at);
    if (!rejected) return;
    this.violation('app_rate_limit', scope, `over ${rejected.limit} per window; retry in ${rejected.resetSeconds}s`);
    throw rateLimitError(rejected.limit, rejected.resetSeconds);
  }

  /** [SEND] 5 messages per second to one user or one group chat → HTTP 400 230020. */
  private admitTarget(target: Target): void {
    const scope: RateScope =
      target.chat.chatType === 'p2p' ? `user:${target.receiverOpenId ?? ''}` : `chat:${target.chat.chatId}`;
    const at = this.now();
    this.attempts.record(scope, at);
    if (!this.targetLimiter.tryAdmit(scope, at)) return;
    const kind: ViolationKind = scope.startsWith('user:') ? 'user_rate_limit' : 'chat_rate_limit';
    this.violation(kind, scope, `over ${this.config.limits.perTargetPerSecond} messages per second`);
    throw badRequest(
      LarkCode.messageRateLimited,
      `rate limited: at most ${this.config.limits.perTargetPerSecond} messages per second to ${scope}`,
    );
  }

  /** [PATCH] 5 QPS per message → 230020. */
  private admitPatch(messageId: string): void {
    const scope: RateScope = `message:${messageId}`;
    const at = this.now();
    this.attempts.record(scope, at);
    if (!this.patchLimiter.tryAdmit(scope, at)) return;
    this.violation(
      'message_rate_limit',
      scope,
      `over ${this.config.limits.perMessagePatchPerSecond} updates per second`,
    );
    throw badRequest(
      LarkCode.messageRateLimited,
      `rate limited: at most ${this.config.limits.perMessagePatchPerSecond} updates per second to one message`,
    );
  }

  /** Busiest sliding window of attempts in a scope (default 1 s): assert `≤ 5` for a chat. */
  peakRate(scope: RateScope, windowMs = SECOND): number {
    return this.attempts.peak(scope, windowMs);
  }

  scopes(): RateScope[] {
    return this.attempts.scopes();
  }

  violation(kind: ViolationKind, subject: string, detail: string): void {
    this.state.violations.push({ kind, at: this.now(), subject, detail });
  }

  recordCall(call: RecordedCall): void {
    this.state.calls.push(call);
  }

  // ── messages [SEND] ────────────────────────────────────────────────────────────────────────────

  send(input: SendInput): SendResult {
    const { parsed, raw } = this.parseContent(input.msgType, input.content, input.bodyBytes);
    const prior = this.priorByUuid(input.uuid);
    if (prior) return { message: prior, deduped: true };
    const target = this.resolveTarget(input.receiveIdType, input.receiveId);
    this.checkReachable(target);
    this.admitTarget(target);
    const message = this.store({
      target,
      receiveIdType: input.receiveIdType,
      receiveId: input.receiveId,
      msgType: input.msgType,
      parsed,
      raw,
      uuid: input.uuid,
    });
    return { message, deduped: false };
  }

  /** [SEND §reply] a new message in the parent's chat; same uuid and per-target rules. */
  reply(parentId: string, input: ReplyInput): SendResult {
    const parent = this.outbound.get(parentId) ?? this.inboundById.get(parentId);
    if (!parent) throw badRequest(LarkCode.messageParam, `message ${parentId} not found`);
    const { parsed, raw } = this.parseContent(input.msgType, input.content, input.bodyBytes);
    const prior = this.priorByUuid(input.uuid);
    if (prior) return { message: prior, deduped: true };
    const chat = this.state.chats.get(parent.chatId);
    if (!chat) throw badRequest(LarkCode.botNotInChat, MSG.botNotInChat);
    const target: Target = { chat, receiverOpenId: chat.p2pUser };
    this.checkReachable(target);
    this.admitTarget(target);
    const parentRoot = 'rootId' in parent ? parent.rootId : undefined;
    const parentThread = 'threadId' in parent ? parent.threadId : undefined;
    const message = this.store({
      target,
      receiveIdType: 'message_id',
      receiveId: parentId,
      msgType: input.msgType,
      parsed,
      raw,
      uuid: input.uuid,
      parentId,
      rootId: parentRoot ?? parentId,
      threadId: input.replyInThread ? (parentThread ?? this.newId('omt_', 16)) : parentThread,
    });
    return { message, deduped: false };
  }

  /**
   * [PATCH] replace a sent card: interactive only, ≤ 14 days, ≤ 30 KB of request body, 5 QPS per message.
   * https://open.feishu.cn/document/server-docs/im-v1/message-card/patch
   */
  patch(messageId: string, content: unknown, bodyBytes?: number): void {
    const message = this.outbound.get(messageId);
    if (!message) throw badRequest(LarkCode.messageParam, `message ${messageId} not found or not sent by this bot`);
    if (message.msgType !== 'interactive') {
      throw badRequest(
        LarkCode.messageParam,
        `only interactive messages can be patched; ${messageId} is ${message.msgType}`,
      );
    }
    if (this.now() - message.createTime > PATCH_MAX_AGE_MS) throw badRequest(LarkCode.messageTooOld, MSG.messageTooOld);
    this.admitPatch(messageId);
    const { parsed, raw } = this.parseContent('interactive', content, bodyBytes);
    if (isCard2(message.content) && !isCard2(parsed)) {
      this.violation('card_schema_downgrade', messageId, 'a JSON 2.0 card cannot become a 1.0 card');
      throw badRequest(
        LarkCode.cardBuildFailed,
        'card build failure: a JSON 2.0 card cannot be replaced by a 1.0 card',
      );
    }
    if (!isSharedCard(message.content) || !isSharedCard(parsed)) {
      // [PATCH] only shared cards (1.0 `config.update_multi: true`, or any 2.0 card) update for everyone.
      this.violation('card_not_shared', messageId, 'PATCH needs config.update_multi: true (or a JSON 2.0 card)');
    }
    this.applyContent(message, parsed, raw, 'patch');
  }

  /** Records a message a user sent (the LarkSender calls this before delivering the event). */
  recordInbound(input: Omit<InboundMessage, 'createTime' | 'seq'> & { createTime?: number }): InboundMessage {
    const message: InboundMessage = { ...input, createTime: input.createTime ?? this.now(), seq: ++this.seq };
    this.state.inbound.push(message);
    this.inboundById.set(message.messageId, message);
    return message;
  }

  message(messageId: string): RecordedMessage | undefined {
    return this.outbound.get(messageId);
  }

  /**
   * Messages the bot sent to a chat (chat_id), to a user (open_id, including replies in their p2p chat), or as
   * replies to a message (its message_id).
   */
  messagesTo(receiveId: string): RecordedMessage[] {
    return this.state.messages.filter(
      (m) => m.chatId === receiveId || m.receiverOpenId === receiveId || m.receiveId === receiveId,
    );
  }

  /** `bodyBytes`: the UTF-8 bytes of the request body that carried `content` (what the size limits measure). */
  private parseContent(msgType: string, content: unknown, bodyBytes?: number): { parsed: unknown; raw: string } {
    if (!MSG_TYPES.has(msgType)) throw badRequest(LarkCode.messageParam, `invalid msg_type: ${msgType}`);
    if (typeof content !== 'string') throw fieldValidation('content', 'must be a string of serialised JSON');
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw badRequest(LarkCode.messageParam, 'invalid content: not JSON');
    }
    if (!isObject(parsed)) throw badRequest(LarkCode.messageParam, 'invalid content: must be a JSON object');
    const limit = CONTENT_LIMIT_BYTES[msgType];
    // Without the HTTP body (a direct call), the least a body carrying this content has: `content` escaped.
    const bytes = bodyBytes ?? utf8Length(JSON.stringify(content));
    if (limit !== undefined && bytes > limit) {
      this.violation('content_too_long', msgType, `${bytes} bytes of request body > ${limit}`);
      throw badRequest(LarkCode.contentTooLong, MSG.contentTooLong);
    }
    this.checkContentShape(msgType, parsed);
    return { parsed, raw: content };
  }

  /** [CONTENT] the minimum each message type needs. */
  private checkContentShape(msgType: string, parsed: Record<string, unknown>): void {
    const need = (field: string) => {
      if (typeof parsed[field] !== 'string')
        throw badRequest(LarkCode.messageParam, `invalid ${msgType} content: missing ${field}`);
    };
    if (msgType === 'text') need('text');
    if (msgType === 'image') {
      need('image_key');
      // [IMG] an image message carries the image_key of an image uploaded with image_type=message.
      if (this.state.resources.get(String(parsed.image_key))?.origin !== 'bot') {
        throw badRequest(LarkCode.messageParam, `invalid image content: unknown image_key ${String(parsed.image_key)}`);
      }
    }
    if (msgType === 'share_chat') need('chat_id');
    if (msgType === 'share_user') need('user_id');
    if (msgType === 'file' || msgType === 'audio' || msgType === 'media' || msgType === 'sticker') {
      need('file_key');
      if (msgType === 'file' && !this.state.files.some((f) => f.fileKey === parsed.file_key)) {
        throw badRequest(LarkCode.messageParam, `invalid file content: unknown file_key ${String(parsed.file_key)}`);
      }
    }
    if (msgType === 'interactive' && Object.keys(parsed).length === 0) {
      throw badRequest(LarkCode.messageParam, 'invalid interactive content: empty card');
    }
    if (msgType === 'interactive') {
      // The size was measured on the request body above; checkCard's own estimate of it is not needed here.
      const problems = checkCard(parsed).problems.filter((p) => p.code !== LarkCode.contentTooLong);
      const first = problems[0];
      if (first) {
        this.violation('card_invalid', 'send', listProblems(problems));
        throw badRequest(LarkCode.cardBuildFailed, cardBuildMessage(first));
      }
    }
  }

  private priorByUuid(uuid: string | undefined): RecordedMessage | undefined {
    if (uuid === undefined) return undefined;
    const seen = this.uuids.get(uuid);
    if (!seen || this.now() - seen.at >= UUID_DEDUPE_MS) return undefined;
    return this.outbound.get(seen.messageId);
  }

  private resolveTarget(type: ReceiveIdType, id: string): Target {
    if (type === 'chat_id') {
      const chat = this.state.chats.get(id);
      // [SEND] the bot must be in the group; an unknown chat looks the same from the bot's side.
      if (!chat?.botIsMember) throw badRequest(LarkCode.botNotInChat, MSG.botNotInChat);
      return { chat, receiverOpenId: chat.p2pUser };
    }
    const user = type === 'open_id' ? this.ensureUser(id) : this.findUser(type, id);
    if (!user) throw badRequest(LarkCode.noAvailability, MSG.noAvailability);
    return { chat: this.p2pChat(user.open_id), receiverOpenId: user.open_id };
  }

  private findUser(type: 'user_id' | 'union_id' | 'email', id: string): EmulatorUser | undefined {
    for (const u of this.state.users.values()) if (u[type] === id) return u;
    return undefined;
  }

  private checkReachable(target: Target): void {
    if (target.chat.chatType === 'group' && !target.chat.botIsMember)
      throw badRequest(LarkCode.botNotInChat, MSG.botNotInChat);
    if (target.receiverOpenId === undefined) return;
    const user = this.state.users.get(target.receiverOpenId);
    if (user?.resigned) throw badRequest(LarkCode.noAvailability, MSG.noAvailability);
    if (user?.blockedBot) throw badRequest(LarkCode.userStoppedBot, MSG.userStoppedBot);
  }

  private store(input: {
    target: Target;
    receiveIdType: RecordedMessage['receiveIdType'];
    receiveId: string;
    msgType: string;
    parsed: unknown;
    raw: string;
    uuid?: string;
    parentId?: string;
    rootId?: string;
    threadId?: string;
  }): RecordedMessage {
    const at = this.now();
    const message: RecordedMessage = {
      messageId: this.newId('om_'),
      chatId: input.target.chat.chatId,
      chatType: input.target.chat.chatType,
      receiveIdType: input.receiveIdType,
      receiveId: input.receiveId,
      receiverOpenId: input.target.receiverOpenId,
      msgType: input.msgType,
      content: input.parsed,
      rawContent: input.raw,
      initialContent: input.parsed,
      uuid: input.uuid,
      createTime: at,
      seq: ++this.seq,
      parentId: input.parentId,
      rootId: input.rootId,
      threadId: input.threadId,
      updates: [],
    };
    this.state.messages.push(message);
    this.outbound.set(message.messageId, message);
    if (input.uuid !== undefined) this.uuids.set(input.uuid, { messageId: message.messageId, at });
    return message;
  }

  private applyContent(message: RecordedMessage, content: unknown, rawContent: string, source: UpdateSource): void {
    message.content = content;
    message.rawContent = rawContent;
    message.updates.push({ at: this.now(), source, content, rawContent });
  }

  // ── cards [CARD-CB][DELAY] ─────────────────────────────────────────────────────────────────────

  /** A `c-…` token as carried by a card.action.trigger callback for this message. */
  issueCardToken(input: { messageId: string; operatorOpenId: string; answered?: boolean }): CardTokenRecord {
    const at = this.now();
    const record: CardTokenRecord = {
      token: this.newId('c-', 40),
      messageId: input.messageId,
      operatorOpenId: input.operatorOpenId,
      issuedAt: at,
      uses: 0,
      answeredAt: input.answered ? at : undefined,
    };
    this.state.cardTokens.set(record.token, record);
    return record;
  }

  /** The bot answered the callback that carried this token: delayed updates are safe from now on. */
  markCardAnswered(token: string): void {
    const record = this.state.cardTokens.get(token);
    if (record && record.answeredAt === undefined) record.answeredAt = this.now();
  }

  /**
   * `POST /open-apis/interactive/v1/card/update`. An older API: refusals are HTTP 200 with a code [DELAY]
   * (https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card).
   * Errors: 300020 bad/unknown token, 300030 expired (30 min), 300040 used more than twice; 100000 request body
   * over 30 KB (the page's only size code; its table still says 100 KB, its 使用限制 now say 30 KB); 11311
   * 「卡片格式不符合要求」 for a card the platform would refuse (the page has no 230099).
   * `bodyBytes`: UTF-8 bytes of the HTTP request body; without it, those of `{token, card}` as JSON.
   */
  cardUpdate(token: unknown, card: unknown, bodyBytes?: number): void {
    if (typeof token !== 'string' || !/^c-\S+$/.test(token)) {
      throw new LarkApiError(200, LarkCode.cardTokenFormat, 'token format invalid');
    }
    const record = this.state.cardTokens.get(token);
    if (!record) {
      this.violation('card_token_invalid', token, 'token was never issued with a callback');
      throw new LarkApiError(200, LarkCode.cardTokenFormat, 'token invalid');
    }
    if (this.now() - record.issuedAt > CARD_TOKEN_TTL_MS) {
      this.violation('card_token_expired', token, 'token older than 30 minutes');
      throw new LarkApiError(200, LarkCode.cardTokenExpired, 'token expired');
    }
    if (record.uses >= CARD_TOKEN_MAX_USES) {
      this.violation('card_token_overused', token, `token already used ${record.uses} times`);
      throw new LarkApiError(200, LarkCode.cardTokenOverused, 'token used too often');
    }
    if (!isObject(card))
      throw new LarkApiError(200, LarkCode.fieldValidation, 'field validation failed: card: must be an object');
    const bytes = bodyBytes ?? utf8Length(JSON.stringify({ token, card }));
    if (bytes > CARD_UPDATE_LIMIT_BYTES) {
      this.violation(
        'content_too_long',
        record.messageId,
        `delayed update: ${bytes} bytes of request body > ${CARD_UPDATE_LIMIT_BYTES}`,
      );
      throw new LarkApiError(200, LarkCode.cardTooLarge, `card content over 30 KB (${bytes} bytes)`);
    }
    const message = this.outbound.get(record.messageId);
    if (!message) throw new LarkApiError(200, LarkCode.cardTokenFormat, 'token invalid: message not found');
    if (record.answeredAt === undefined) {
      // [DELAY] calling before the callback answer returned gives unpredictable results.
      this.violation('card_update_before_answer', token, 'delayed update sent before the callback was answered');
    }
    const { open_ids: _openIds, ...shown } = card;
    if (isCard2(message.content) && !isCard2(shown)) {
      this.violation('card_schema_downgrade', message.messageId, 'a JSON 2.0 card cannot become a 1.0 card');
      throw new LarkApiError(
        200,
        LarkCode.cardFormatInvalid,
        'card format invalid: a JSON 2.0 card cannot be replaced by a 1.0 card',
      );
    }
    const problems = checkCard(shown).problems.filter((p) => p.code !== LarkCode.contentTooLong);
    if (problems.length) {
      this.violation('card_invalid', message.messageId, listProblems(problems));
      throw new LarkApiError(200, LarkCode.cardFormatInvalid, `card format invalid: ${listProblems(problems)}`);
    }
    record.uses++;
    this.applyContent(message, shown, JSON.stringify(shown), 'card_update');
  }

  /**
   * Lark applies a callback answer's `{card:{type:"raw",data}}` (or a legacy bare card) to the message, when the
   * card passes the same rules as a sent one (see callbackCardProblems); otherwise the client shows 200673 and keeps
   * the old card.
   */
  applyCallbackCard(messageId: string, card: unknown): void {
    const problems = callbackCardProblems(card);
    if (problems.length) {
      this.violation('card_invalid', messageId, `client error 200673: ${listProblems(problems)}`);
      return;
    }
    const message = this.outbound.get(messageId);
    if (message) this.applyContent(message, card, JSON.stringify(card), 'callback');
  }

  // ── files ──────────────────────────────────────────────────────────────────────────────────────

  addFile(input: { fileType: string; fileName: string; size: number; data?: Uint8Array }): RecordedFile {
    const file: RecordedFile = { fileKey: this.newId('file_v3_', 36), ...input, at: this.now() };
    this.state.files.push(file);
    return file;
  }

  // ── resources [RES][IMG][FWD] (resources.ts) ─────────────────────────────────────────────────────

  /** A file or image a user sends in a message (the LarkSender's `file` / `image` options use this). */
  addUserResource(input: { type: ResourceType; data: Uint8Array; fileName?: string }): StoredResource {
    const format = input.type === 'image' ? sniffImage(input.data) : undefined;
    const resource: StoredResource = {
      key: input.type === 'image' ? this.newId('img_v3_', 36) : this.newId('file_v3_', 36),
      type: input.type,
      ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
      // A copy (a Buffer may be a view into a shared pool, and the caller may reuse it).
      data: new Uint8Array(input.data),
      ...(format ? { format } : {}),
      origin: 'user',
      at: this.now(),
    };
    this.state.resources.set(resource.key, resource);
    return resource;
  }

  /**
   * `POST /open-apis/im/v1/images` [IMG]: image_type `message` or `avatar`; 1..10 MB; JPG, PNG, WEBP, GIF, BMP, ICO,
   * TIFF, HEIC told by their bytes; resolution within the limits where the header tells it.
   */
  uploadImage(imageType: string, data: Uint8Array | undefined): StoredResource {
    if (imageType !== 'message' && imageType !== 'avatar')
      throw badRequest(LarkCode.resourceParam, `${MSG.resourceParam} image_type must be message|avatar`);
    if (!data) throw badRequest(LarkCode.resourceParam, `${MSG.resourceParam} image is required`);
    if (data.length === 0) throw badRequest(LarkCode.fileEmpty, MSG.fileEmpty);
    if (data.length > MAX_IMAGE_BYTES) throw badRequest(LarkCode.fileTooLarge, MSG.fileTooLarge);
    const format = sniffImage(data);
    if (!format) throw badRequest(LarkCode.imageFormatUnknown, MSG.imageFormatUnknown);
    const size = imageSize(data, format);
    const limit = resolutionLimit(format, imageType);
    if (size && (size.width > limit || size.height > limit))
      throw badRequest(
        LarkCode.imageResolution,
        `${MSG.imageResolution} ${size.width}x${size.height} > ${limit}x${limit}`,
      );
    const resource: StoredResource = {
      key: this.newId('img_v3_', 36),
      type: 'image',
      data,
      format,
      origin: 'bot',
      at: this.now(),
    };
    this.state.resources.set(resource.key, resource);
    return resource;
  }

  /**
   * `GET /open-apis/im/v1/messages/:message_id/resources/:file_key?type=` [RES]. The message may be the bot's or a
   * user's; the bot must be in its chat (234004); the key must be one its content carries, fetched with the type that
   * content gives it (234003; a wrong `type` for a key the message has is 234001); cards, merged forwards and stickers
   * are 234043; over 100 MB is 234037.
   */
  messageResource(messageId: string, fileKey: string, type: string | undefined): StoredResource {
    if (type !== 'image' && type !== 'file')
      throw badRequest(LarkCode.resourceParam, `${MSG.resourceParam} type must be image|file`);
    const message = this.outbound.get(messageId) ?? this.inboundById.get(messageId);
    if (!message) throw badRequest(LarkCode.resourceParam, `${MSG.resourceParam} invalid message_id`);
    const chat = this.state.chats.get(message.chatId);
    if (!chat?.botIsMember) throw badRequest(LarkCode.appNotInChat, MSG.appNotInChat);
    if (UNSUPPORTED_RESOURCE_MSG_TYPES.has(message.msgType))
      throw badRequest(LarkCode.resourceMessageType, MSG.resourceMessageType);
    const keyType = resourceKeys(message.msgType, message.content).get(fileKey);
    if (keyType === undefined) throw badRequest(LarkCode.fileNotInMessage, MSG.fileNotInMessage);
    if (keyType !== type)
      throw badRequest(LarkCode.resourceParam, `${MSG.resourceParam} ${fileKey} is of type ${keyType}`);
    const resource = this.state.resources.get(fileKey) ?? this.botFile(fileKey);
    if (!resource) throw badRequest(LarkCode.fileNotInMessage, MSG.fileNotInMessage);
    if (resource.data.length > MAX_DOWNLOAD_BYTES) throw badRequest(LarkCode.downloadTooLarge, MSG.downloadTooLarge);
    return resource;
  }

  /** A file the bot uploaded with /im/v1/files, as a resource. */
  private botFile(fileKey: string): StoredResource | undefined {
    const file = this.state.files.find((f) => f.fileKey === fileKey);
    if (!file) return undefined;
    return {
      key: file.fileKey,
      type: 'file',
      fileName: file.fileName,
      data: file.data ?? new Uint8Array(file.size),
      origin: 'bot',
      at: file.at,
    };
  }

  /**
   * `POST /open-apis/im/v1/messages/:message_id/forward` [FWD]: a new message from the bot in the target, with the
   * original's type and content (the bot's own messages and users' alike). Same target rules and 5 QPS per user or
   * group as a send (230002, 230013, 230053, 230020); an unknown message is 230001 「invalid message_id」
   * (https://open.feishu.cn/document/uAjLw4CM/ugTN1YjL4UTN24CO1UjN/trouble-shooting/how-to-resolve-error-230001);
   * 语音 (audio) cannot be forwarded (the page gives no code; the emulator answers 230001). The uuid dedupes for an hour.
   */
  forward(messageId: string, input: { receiveIdType: ReceiveIdType; receiveId: string; uuid?: string }): SendResult {
    const original = this.outbound.get(messageId) ?? this.inboundById.get(messageId);
    if (!original) throw badRequest(LarkCode.messageParam, MSG.invalidMessageId);
    const prior = this.priorByUuid(input.uuid);
    if (prior) return { message: prior, deduped: true };
    const source = this.state.chats.get(original.chatId);
    if (!source?.botIsMember) throw badRequest(LarkCode.botNotInChat, MSG.botNotInChat);
    if (UNFORWARDABLE_MSG_TYPES.has(original.msgType))
      throw badRequest(LarkCode.messageParam, `${original.msgType} messages cannot be forwarded`);
    const target = this.resolveTarget(input.receiveIdType, input.receiveId);
    this.checkReachable(target);
    this.admitTarget(target);
    const raw = 'rawContent' in original ? original.rawContent : JSON.stringify(original.content);
    const message = this.store({
      target,
      receiveIdType: input.receiveIdType,
      receiveId: input.receiveId,
      msgType: original.msgType,
      parsed: original.content,
      raw,
      uuid: input.uuid,
    });
    message.forwardedFrom = messageId;
    return { message, deduped: false };
  }

  // ── contacts and chats [BGI] ───────────────────────────────────────────────────────────────────

  /** Unknown (or resigned, unless asked for) entries come back without `user_id` [BGI]. */
  batchGetId(input: {
    emails: string[];
    mobiles: string[];
    includeResigned: boolean;
    idType: MemberIdType;
  }): BatchIdEntry[] {
    const users = [...this.state.users.values()];
    const visible = (u: EmulatorUser | undefined) => (u && (!u.resigned || input.includeResigned) ? u : undefined);
    const entry = (u: EmulatorUser | undefined): Pick<BatchIdEntry, 'user_id' | 'status'> =>
      u ? { user_id: u[input.idType], status: statusOf(u) } : {};
    return [
      ...input.emails.map((email) => ({ ...entry(visible(users.find((u) => u.email === email))), email })),
      ...input.mobiles.map((mobile) => ({
        ...entry(visible(users.find((u) => u.mobile !== undefined && u.mobile === normalizeMobile(mobile)))),
        mobile,
      })),
    ];
  }

  /** Chat members without bots; the caller must be in the chat. Page tokens are opaque offsets. */
  chatMembers(chatId: string, input: { idType: MemberIdType; pageSize: number; pageToken?: string }): MemberPage {
    const chat = this.state.chats.get(chatId);
    if (!chat) throw badRequest(LarkCode.chatIdInvalid, 'Your request specifies a chat_id which is invalid.');
    if (!chat.botIsMember) throw badRequest(LarkCode.operatorNotInChat, 'Operator can NOT be out of the chat.');
    const offset = input.pageToken === undefined ? 0 : decodePageToken(input.pageToken);
    const slice = chat.members.slice(offset, offset + input.pageSize);
    const hasMore = offset + input.pageSize < chat.members.length;
    return {
      items: slice.map((openId) => {
        const user = this.ensureUser(openId);
        return {
          member_id_type: input.idType,
          member_id: user[input.idType],
          name: user.name,
          tenant_key: user.tenant_key,
        };
      }),
      ...(hasMore ? { page_token: encodePageToken(offset + input.pageSize) } : {}),
      has_more: hasMore,
      member_total: chat.members.length,
    };
  }

  // ── reset ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Forgets what happened (messages, calls, files, violations, card tokens, uuids, rate windows, counters) and
   * restores the configured faults. Keeps tokens (the SDK caches them) and, unless asked, users and chats.
   */
  reset(options: { directory?: boolean } = {}): void {
    const s = this.state;
    s.messages.length = 0;
    s.inbound.length = 0;
    s.files.length = 0;
    s.resources.clear();
    s.calls.length = 0;
    s.violations.length = 0;
    s.cardTokens.clear();
    s.faults = validateFaults(this.config.faults);
    this.uuids.clear();
    this.outbound.clear();
    this.inboundById.clear();
    this.appLimiter.clear();
    this.targetLimiter.clear();
    this.patchLimiter.clear();
    this.attempts.clear();
    if (options.directory) {
      s.users.clear();
      s.chats.clear();
      this.p2pChatOf.clear();
    }
  }
}

/**
 * What is wrong with a card a callback answer carries, by the rules of a sent card (checkCard). No size limit is
 * documented for answers; they are held to the send limit, measured as the card would be carried in `content`
 * (cardRequestBytes) — and for 1.0 cards and templates as well, which checkCard does not check.
 * Answer format and client error 200673 「请求的卡片回调服务返回了错误的卡片」:
 * https://open.feishu.cn/document/feishu-cards/card-callback-communication
 */
export function callbackCardProblems(card: unknown): CardProblem[] {
  const problems = checkCard(card).problems.filter((p) => p.code !== LarkCode.contentTooLong);
  const bytes = cardRequestBytes(card);
  if (bytes > LARK_CARD_LIMITS.bodyBytes) {
    problems.unshift({
      code: LarkCode.contentTooLong,
      message: `${bytes} bytes when carried in a request (at most ${LARK_CARD_LIMITS.bodyBytes})`,
    });
  }
  return problems;
}

/**
 * ErrMsg of each 230099 sub-code, as the send page lists them
 * (https://open.feishu.cn/document/server-docs/im-v1/message/create, 230099 table):
 * 11310 「"element exceeds the limit"，表示 JSON 2.0 结构的卡片超过 200 个组件或元素的限制」
 * (https://open.feishu.cn/document/feishu-cards/card-json-v2-structure); 200621 parse errors, unknown properties
 * included (「在 JSON 2.0 版本中，传入不支持的属性将报错」,
 * https://open.feishu.cn/document/feishu-cards/card-json-v2-breaking-changes-release-notes); 200861 tags 2.0 no longer
 * supports. 200530 (names in forms empty or repeated) is documented as a client error
 * (https://open.feishu.cn/document/feishu-cards/card-callback-communication); the emulator refuses it on send.
 */
const CARD_ERR_MSG: Record<number, string> = {
  11310: 'element exceeds the limit',
  200621: 'parse card json err, please check whether the card json is correct',
  200861: 'cards of schema V2 no longer support this capability',
  200530: 'the name of an interactive component in a form is empty or not unique in the card',
};

/** `Failed to create card content, ext=ErrCode: 11310; ErrMsg: element exceeds the limit`, as the platform answers. */
function cardBuildMessage(problem: CardProblem): string {
  const sub = problem.subCode ?? 200621;
  const head = `Failed to create card content, ext=ErrCode: ${sub}; ErrMsg: ${CARD_ERR_MSG[sub] ?? problem.message}`;
  return sub === 11310 ? head : `${head}; ErrorValue: ${problem.message}`;
}

/** A problem as violations and refusals show it: `[sub-code or code] message`. */
export const problemText = (p: CardProblem): string => `[${p.subCode ?? p.code}] ${p.message}`;
const listProblems = (problems: CardProblem[]) => problems.map(problemText).join('; ');

export function rateLimitError(limit: number, resetSeconds: number): LarkApiError {
  return new LarkApiError(429, LarkCode.frequencyLimit, MSG.frequencyLimit, {
    'x-ogw-ratelimit-limit': String(limit),
    'x-ogw-ratelimit-reset': String(resetSeconds),
  });
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** [CARD2] a JSON 2.0 card declares `schema: "2.0"`. */
export function isCard2(card: unknown): boolean {
  return isObject(card) && card.schema === '2.0';
}

/** [CARD1][PATCH] 2.0 cards are always shared; 1.0 cards only with `config.update_multi: true`; templates unknown. */
function isSharedCard(card: unknown): boolean {
  if (!isObject(card) || card.type === 'template' || isCard2(card)) return true;
  return isObject(card.config) && card.config.update_multi === true;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** [BGI] non-mainland numbers carry `+<cc>`; a bare number is a mainland (+86) one. */
function normalizeMobile(mobile: string): string {
  const trimmed = mobile.replace(/[\s-]/g, '');
  return trimmed.startsWith('+') ? trimmed : `+86${trimmed}`;
}

function statusOf(u: EmulatorUser): NonNullable<BatchIdEntry['status']> {
  return {
    is_frozen: false,
    is_resigned: u.resigned,
    is_activated: !u.resigned,
    is_exited: u.resigned,
    is_unjoin: false,
  };
}

function encodePageToken(offset: number): string {
  return btoa(`members:${offset}`);
}

function decodePageToken(token: string): number {
  let decoded = '';
  try {
    decoded = atob(token);
  } catch {
    // falls through to the validation error below
  }
  const match = /^members:(\d+)$/.exec(decoded);
  if (!match?.[1]) throw fieldValidation('page_token', 'invalid page token');
  return Number(match[1]);
}
