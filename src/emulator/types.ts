/**
 * Public types of the Lark Open Platform emulator: options, the in-memory state that tests read, and the
 * records it keeps of every call, message, file and rule violation.
 */

import type { StoredResource } from './resources';

export type { ImageFormat, ResourceType, StoredResource } from './resources';

/** Endpoints that share a rate-limit tier and can be chosen as fault targets. */
export type EndpointGroup = 'auth' | 'message' | 'card' | 'file' | 'contact' | 'chat' | 'bot';

/**
 * A rate-limit scope: the per-app tier of an endpoint group, one chat, one receiving user, or one message
 * (PATCH is limited per message).
 */
export type RateScope = `app:${EndpointGroup}` | `chat:${string}` | `user:${string}` | `message:${string}`;

export type ReceiveIdType = 'open_id' | 'user_id' | 'union_id' | 'email' | 'chat_id';

export type MemberIdType = 'open_id' | 'user_id' | 'union_id';

/** What the fault dice can do to a request. */
export type FaultKind = 'error' | 'rate_limit' | 'timeout';

export interface Faults {
  /** Share (0..1) of requests answered HTTP 500 with a body; nothing is sent. */
  errorRate: number;
  /** Share (0..1) of requests answered HTTP 429 / 99991400 with reset headers; nothing is sent. */
  rateLimitRate: number;
  /** Share (0..1) of requests that hang for `hangMs`, then follow `hangOutcome`. */
  timeoutRate: number;
  /** How long a timed-out request hangs (real milliseconds). */
  hangMs: number;
  /**
   * `drop`: after the hang the connection is closed without an answer and nothing is sent.
   * `answer`: after the hang the request is processed and answered normally (a slow success: the message
   * is sent even if the client gave up waiting).
   */
  hangOutcome: 'drop' | 'answer';
  /** Latency added to every request of a faulted group (real milliseconds). */
  delayMs: number;
  /** Which endpoint groups the faults apply to. */
  groups: EndpointGroup[];
}

export interface RateLimits {
  /** Per app and endpoint group, any 1-second window [RATE][SEND]. */
  appPerSecond: number;
  /** Per app and endpoint group, any 60-second window [RATE][SEND]. */
  appPerMinute: number;
  /** Messages per receiving user and per group chat, any 1-second window [SEND]. */
  perTargetPerSecond: number;
  /** PATCH calls per message, any 1-second window [PATCH]. */
  perMessagePatchPerSecond: number;
}

export interface UserInput {
  open_id: string;
  union_id?: string;
  user_id?: string;
  name?: string;
  email?: string;
  /** Stored with its country code, e.g. `+8613800000000`; a bare 11-digit number is taken as +86. */
  mobile?: string;
  /** The user turned off messages from this bot → 230053. */
  blockedBot?: boolean;
  /** The user left the company → 230013, and batch_get_id hides them unless include_resigned. */
  resigned?: boolean;
}

export interface EmulatorUser {
  open_id: string;
  union_id: string;
  user_id: string;
  name: string;
  email?: string;
  mobile?: string;
  tenant_key: string;
  blockedBot: boolean;
  resigned: boolean;
}

export interface ChatInput {
  chatId: string;
  members: Array<string | UserInput>;
  name?: string;
  /** Default true: a chat added by a test is one the bot is in. */
  botIsMember?: boolean;
}

export interface EmulatorChat {
  chatId: string;
  chatType: 'group' | 'p2p';
  name: string;
  /** open_ids of the human members (the bot is tracked by `botIsMember`). */
  members: string[];
  botIsMember: boolean;
  /** For p2p chats: the user on the other side. */
  p2pUser?: string;
}

export interface EmulatorOptions {
  /** Default `cli_emulator`. */
  appId?: string;
  /** Default `emulator-secret`. */
  appSecret?: string;
  /** Default `tenant_emulator`. */
  tenantKey?: string;
  /** The bot's own identity, as `/open-apis/bot/v3/info` reports it. */
  bot?: { openId?: string; name?: string };
  /** Lifetime of a tenant_access_token; default 7200 [TAT]. */
  tokenTtlSeconds?: number;
  /** Epoch milliseconds; default Date.now. Drives token expiry, uuid dedupe, rate windows, card tokens. */
  now?: () => number;
  /** Seed of the fault dice and of generated ids; default 1. */
  seed?: number;
  faults?: Partial<Faults>;
  limits?: Partial<RateLimits>;
  users?: UserInput[];
  chats?: ChatInput[];
}

export interface TokenRecord {
  token: string;
  appId: string;
  issuedAt: number;
  expiresAt: number;
  /** Set by `expireTokens()`. */
  revoked: boolean;
}

export type UpdateSource = 'patch' | 'card_update' | 'callback';

export interface MessageUpdate {
  at: number;
  source: UpdateSource;
  content: unknown;
  rawContent: string;
}

/** A message the bot sent (create or reply), as Lark stored it. */
export interface RecordedMessage {
  messageId: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  /** How the bot addressed it; replies use `message_id`. */
  receiveIdType: ReceiveIdType | 'message_id';
  receiveId: string;
  /** For p2p chats: the user who receives it. */
  receiverOpenId?: string;
  msgType: string;
  /** Current content (parsed JSON); patches and card updates replace it. */
  content: unknown;
  rawContent: string;
  initialContent: unknown;
  uuid?: string;
  createTime: number;
  /** Order of arrival among every message of the chat, bot's and users' alike (the clock may be moved back). */
  seq: number;
  parentId?: string;
  rootId?: string;
  threadId?: string;
  /** Set on a forward [FWD]: the message (the bot's or a user's) it copies. */
  forwardedFrom?: string;
  updates: MessageUpdate[];
}

/** A message a user sent to the bot, delivered through the LarkSender (so replies can target it). */
export interface InboundMessage {
  messageId: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  senderOpenId: string;
  msgType: string;
  content: unknown;
  createTime: number;
  /** Order of arrival, shared with RecordedMessage.seq. */
  seq: number;
}

export interface RecordedFile {
  fileKey: string;
  fileType: string;
  fileName: string;
  size: number;
  /** The uploaded bytes, so that tests can open what the bot sent. */
  data?: Uint8Array;
  at: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** HTTP status; 0 when the connection was dropped by a timeout fault. */
  status: number;
  /** The Lark `code` of the JSON answer, when there was one. */
  code?: number;
  at: number;
  group?: EndpointGroup;
  fault?: FaultKind;
  /** True when a uuid repeat returned an earlier message. */
  deduped?: boolean;
}

export type ViolationKind =
  | 'app_rate_limit'
  | 'chat_rate_limit'
  | 'user_rate_limit'
  | 'message_rate_limit'
  | 'content_too_long'
  | 'card_token_invalid'
  | 'card_token_expired'
  | 'card_token_overused'
  | 'card_update_before_answer'
  | 'card_not_shared'
  | 'card_schema_downgrade'
  | 'card_callback_error'
  | 'card_invalid';

/** Something the bot did that the real platform rejects or warns against. Tests assert there are none. */
export interface Violation {
  kind: ViolationKind;
  at: number;
  /** The rate scope, message id or token concerned. */
  subject: string;
  detail: string;
}

export interface CardTokenRecord {
  token: string;
  messageId: string;
  operatorOpenId: string;
  issuedAt: number;
  uses: number;
  /** When the bot's answer to the callback that carried this token arrived. */
  answeredAt?: number;
}

export interface EmulatorState {
  users: Map<string, EmulatorUser>;
  chats: Map<string, EmulatorChat>;
  tokens: Map<string, TokenRecord>;
  /** Messages sent by the bot, in order of delivery. */
  messages: RecordedMessage[];
  inbound: InboundMessage[];
  files: RecordedFile[];
  /**
   * Images the bot uploaded (`/im/v1/images`) and files and images users sent in messages, by key (img_v3_…,
   * file_v3_…), with their bytes. The bot's uploaded files stay in `files`.
   */
  resources: Map<string, StoredResource>;
  calls: RecordedCall[];
  violations: Violation[];
  cardTokens: Map<string, CardTokenRecord>;
  /** Requests per scope per epoch second (attempts, including rejected ones): `perSecond.get('chat:oc_1')`. */
  perSecond: Map<RateScope, Map<number, number>>;
  faults: Faults;
}
