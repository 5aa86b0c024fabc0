/**
 * A local Lark Open Platform for tests, benchmarks and the playground: the Open API subset the bot calls, with
 * the platform's answers, limits and failure modes, served by a Hono app that the real node-sdk can talk to
 * over HTTP (`new lark.Client({ domain: 'http://127.0.0.1:<port>' })`).
 *
 * Endpoints (all but the token exchange need `Authorization: Bearer t-…`):
 *   POST  /open-apis/auth/v3/tenant_access_token/internal          [TAT]
 *   POST  /open-apis/im/v1/messages?receive_id_type=…               [SEND]
 *   POST  /open-apis/im/v1/messages/:message_id/reply               [SEND]
 *   PATCH /open-apis/im/v1/messages/:message_id                     [PATCH]
 *   POST  /open-apis/interactive/v1/card/update                     [DELAY]
 *   POST  /open-apis/im/v1/files                                    (multipart)
 *   POST  /open-apis/im/v1/images                                   (multipart) [IMG]
 *   GET   /open-apis/im/v1/messages/:message_id/resources/:file_key  [RES]
 *   POST  /open-apis/im/v1/messages/:message_id/forward             [FWD]
 *   POST  /open-apis/contact/v3/users/batch_get_id                  [BGI]
 *   GET   /open-apis/im/v1/chats/:chat_id/members
 *   GET   /open-apis/bot/v3/info
 * and a JSON control API under /_emulator/ (calls, messages, faults, reset, users, chats, expire-tokens).
 *
 * Events and card callbacks towards the bot are sent by lark-sender.ts. [IMG][RES][FWD]: see resources.ts.
 */
import type { Hono } from 'hono';
import { PlatformModel, resolveConfig, validateFaults } from './model';
import type { ResolvedConfig } from './model';
import { createRoutes } from './routes';
import type { EmulatorEnv } from './routes';
import type {
  CardTokenRecord,
  ChatInput,
  EmulatorChat,
  EmulatorOptions,
  EmulatorState,
  EmulatorUser,
  Faults,
  InboundMessage,
  RateScope,
  RecordedMessage,
  ResourceType,
  StoredResource,
  UserInput,
  ViolationKind,
} from './types';

export type * from './types';
export { LarkCode } from './errors';

export interface Emulator {
  /** Serve it with `serve({ fetch: emulator.app.fetch, port })`, or call `app.request()` in process. */
  readonly app: Hono<EmulatorEnv>;
  /** Live records; arrays and maps are cleared in place by `reset()`, so references stay valid. */
  readonly state: EmulatorState;
  /** App id/secret, bot identity, limits and the other resolved options. */
  readonly config: Readonly<ResolvedConfig>;
  /** The emulator's clock (epoch ms). */
  now(): number;

  addUser(user: UserInput): EmulatorUser;
  /** A group chat the bot is in (unless `botIsMember: false`); members are open_ids or user records. */
  addChat(
    chatId: string,
    members: Array<string | UserInput>,
    options?: Pick<ChatInput, 'name' | 'botIsMember'>,
  ): EmulatorChat;
  /** Adds users to a group chat, creating the chat (with the bot in it) when unknown. */
  ensureGroupChat(chatId: string, members: string[]): EmulatorChat;
  /** The bot joins or leaves a group (as `im.chat.member.bot.added_v1` / `deleted_v1` say). */
  setBotMembership(chatId: string, isMember: boolean): void;
  /** The p2p chat with a user; pass `chatId` to pin the id an event carried. */
  p2pChat(openId: string, chatId?: string): EmulatorChat;

  /** Changes the faults from now on (merged into the current ones). */
  setFaults(faults: Partial<Faults>): Faults;
  /** Every issued token becomes invalid (99991663) until the bot fetches a new one. */
  expireTokens(): void;

  /** A message the bot sent, by id. */
  message(messageId: string): RecordedMessage | undefined;
  /** Messages the bot sent to a chat id or a user's open_id (replies included), or in reply to a message id. */
  messagesTo(receiveId: string): RecordedMessage[];
  /** A user's message, so that the bot can reply to it; lark-sender records one per delivered message event. */
  recordInbound(message: Omit<InboundMessage, 'createTime' | 'seq'> & { createTime?: number }): InboundMessage;

  /**
   * A file or image a user is about to send, kept with its bytes so the bot can download it [RES]; its key goes in
   * the message content (`{"file_key","file_name"}` / `{"image_key"}`). The LarkSender's `file` / `image` options
   * call this.
   */
  addUserResource(input: { type: ResourceType; data: Uint8Array; fileName?: string }): StoredResource;

  /** A callback token for a card message, accepted by /interactive/v1/card/update [DELAY]. */
  issueCardToken(input: { messageId: string; operatorOpenId: string; answered?: boolean }): CardTokenRecord;
  /** The callback carrying this token was answered (updates before that are a violation). */
  markCardAnswered(token: string): void;
  /** Applies a card returned by a callback answer to the stored message, as the Lark client does. */
  applyCallbackCard(messageId: string, card: unknown): void;
  /** Records a rule the bot broke that only the caller can see (e.g. a bad card-callback answer). */
  recordViolation(kind: ViolationKind, subject: string, detail: string): void;

  /** Busiest sliding window (default 1 s) of requests in a scope, e.g. `peakRate('chat:oc_1') <= 5`. */
  peakRate(scope: RateScope, windowMs?: number): number;
  /** Every scope that saw traffic (`app:message`, `chat:…`, `user:…`, `message:…`). */
  rateScopes(): RateScope[];

  /** Forgets records, rate windows and uuids and restores the configured faults; keeps tokens and, unless asked, users and chats. */
  reset(options?: { directory?: boolean }): void;
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const model = new PlatformModel(resolveConfig(options));
  for (const user of options.users ?? []) model.addUser(user);
  for (const chat of options.chats ?? []) model.addChat(chat);
  const app = createRoutes(model);

  return {
    app,
    state: model.state,
    config: model.config,
    now: () => model.now(),
    addUser: (user) => model.addUser(user),
    addChat: (chatId, members, chatOptions) => model.addChat({ chatId, members, ...chatOptions }),
    ensureGroupChat: (chatId, members) => model.ensureGroupChat(chatId, members),
    setBotMembership: (chatId, isMember) => model.setBotMembership(chatId, isMember),
    p2pChat: (openId, chatId) => model.p2pChat(openId, chatId),
    setFaults: (faults) => (model.state.faults = validateFaults({ ...model.state.faults, ...faults })),
    expireTokens: () => model.expireTokens(),
    message: (id) => model.message(id),
    messagesTo: (receiveId) => model.messagesTo(receiveId),
    recordInbound: (message) => model.recordInbound(message),
    addUserResource: (input) => model.addUserResource(input),
    issueCardToken: (input) => model.issueCardToken(input),
    markCardAnswered: (token) => model.markCardAnswered(token),
    applyCallbackCard: (messageId, card) => model.applyCallbackCard(messageId, card),
    recordViolation: (kind, subject, detail) => model.violation(kind, subject, detail),
    peakRate: (scope, windowMs) => model.peakRate(scope, windowMs),
    rateScopes: () => model.scopes(),
    reset: (resetOptions) => model.reset(resetOptions),
  };
}
