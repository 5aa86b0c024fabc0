/**
 * The Lark Open API as the bot uses it, behind a port so that services never see the SDK. The real implementation
 * drives @larksuiteoapi/node-sdk with `domain` from LARK_DOMAIN (Feishu, Lark or the local emulator).
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../platform/logger';
import { createFetchHttpInstance, LarkHttpError } from './http';

export interface SendRequest {
  receiveIdType: 'open_id' | 'chat_id' | 'user_id' | 'union_id' | 'email';
  receiveId: string;
  msgType: string;
  /**
   * The `content` string: serialised JSON
   * (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create).
   */
  content: string;
  uuid: string;
}

export interface ReplyRequest {
  messageId: string;
  msgType: string;
  content: string;
  uuid: string;
  replyInThread?: boolean;
}

/** What a download found out about a resource: its size and type; the bytes themselves are never kept. */
export interface ResourceFacts {
  /** The bytes counted (or the announced Content-Length); past `maxBytes` it is where counting stopped. */
  sizeBytes: number;
  contentType: string;
  /** More than `maxBytes`: the download was stopped there. */
  tooLarge: boolean;
}

export interface ResourceRequest {
  /** The user's message that carries the resource. */
  messageId: string;
  /** Its file_key or image_key. */
  key: string;
  type: 'file' | 'image';
  maxBytes: number;
}

export interface ForwardRequest {
  messageId: string;
  receiveIdType: 'open_id' | 'chat_id' | 'user_id' | 'union_id' | 'email';
  receiveId: string;
  uuid: string;
}

export interface ResolvedUser {
  email?: string;
  mobile?: string;
  openId?: string;
}

export interface LarkApi {
  /** False when no app credentials are configured: nothing can be sent. */
  readonly enabled: boolean;
  send(req: SendRequest): Promise<{ messageId: string }>;
  reply(req: ReplyRequest): Promise<{ messageId: string }>;
  /**
   * Replaces a sent card (`update_multi` cards, ≤ 14 days)
   * (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/patch).
   */
  patch(req: { messageId: string; content: string }): Promise<void>;
  /**
   * Delayed update with a callback's token (30 min, at most 2 uses)
   * (https://open.larksuite.com/document/ukTMukTMukTM/uMDO1YjLzgTN24yM4UjN).
   */
  delayedCardUpdate(req: { token: string; card: unknown; openIds?: string[] }): Promise<void>;
  uploadFile(req: {
    fileType: 'xls' | 'pdf' | 'doc' | 'stream' | 'opus' | 'mp4' | 'ppt';
    fileName: string;
    data: Uint8Array;
  }): Promise<{ fileKey: string }>;
  /**
   * Streams a resource of a message the bot can see and counts its bytes, stopping past `maxBytes`; nothing is kept
   * (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get: at most 100 MB, the bot in the chat, no
   * resources of cards or merged forwards).
   */
  downloadResource(req: ResourceRequest): Promise<ResourceFacts>;
  /**
   * Forwards a message (a user's file or image included) as a new message of the bot; `uuid` dedupes for an hour
   * (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/forward).
   */
  forward(req: ForwardRequest): Promise<{ messageId: string }>;
  resolveIds(req: { emails?: string[]; mobiles?: string[] }): Promise<ResolvedUser[]>;
  chatMembers(chatId: string): Promise<Array<{ openId: string; name: string }>>;
  botInfo(): Promise<{ openId: string; name: string }>;
}

/** A failed Open API call, classified for the outbox's retry decision. */
export class LarkApiError extends Error {
  constructor(
    /** 0 for network failures and timeouts. */
    readonly httpStatus: number,
    readonly code: number | undefined,
    readonly msg: string,
    /** From `x-ogw-ratelimit-reset` (seconds) on 429s. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`Lark API error: HTTP ${httpStatus}${code !== undefined ? ` code ${code}` : ''} ${msg}`.trim());
    this.name = 'LarkApiError';
  }

  /** Worth trying again later: rate limits, server errors, timeouts, "still processing". */
  get retryable(): boolean {
    if (this.httpStatus === 0 || this.httpStatus === 429 || this.httpStatus >= 500) return true;
    return this.code !== undefined && RETRYABLE_CODES.has(this.code);
  }
}

/**
 * 99991400 rate limit; 230020 IM rate limit; 18121 and 230049 still processing a request with this uuid
 * (https://open.larksuite.com/document/ukTMukTMukTM/ugjM14COyUjL4ITN,
 * https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create).
 */
const RETRYABLE_CODES = new Set([99991400, 230020, 18121, 230049, 11232, 11233]);
/**
 * The tenant token is invalid or expired: fetch a new one and try once more
 * (https://open.larksuite.com/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/tenant_access_token_internal).
 */
export const TOKEN_EXPIRED_CODES = new Set([99991663, 99991664, 99991665, 99991668, 99991677]);

export function toLarkApiError(err: unknown): LarkApiError {
  if (err instanceof LarkApiError) return err;
  if (err instanceof LarkHttpError) {
    const data = (typeof err.data === 'object' && err.data ? err.data : {}) as { code?: number; msg?: string };
    const reset = Number(err.headers.get('x-ogw-ratelimit-reset'));
    return new LarkApiError(
      err.status,
      data.code,
      data.msg ?? (typeof err.data === 'string' ? err.data.slice(0, 200) : ''),
      Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined,
    );
  }
  const e = err as Error;
  return new LarkApiError(
    0,
    undefined,
    e?.name === 'TimeoutError' ? 'timeout' : (e?.message ?? String(err)),
    undefined,
  );
}

/** The SDK's token cache, ours so that a token Lark calls invalid can be dropped at once. */
class TokenCache {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();
  async set(key: string | symbol, value: unknown, expire?: number, options?: { namespace?: string }): Promise<boolean> {
    this.entries.set(`${options?.namespace ?? ''}:${String(key)}`, {
      value,
      expiresAt: expire ?? Number.POSITIVE_INFINITY,
    });
    return true;
  }
  async get(key: string | symbol, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.entries.get(`${options?.namespace ?? ''}:${String(key)}`);
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    return entry.value;
  }
  clear(): void {
    this.entries.clear();
  }
}

export interface SdkLarkApiOptions {
  appId: string;
  appSecret: string;
  domain: string;
  logger: Logger;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

type Body = { code?: number; msg?: string; data?: any; bot?: any };

export class SdkLarkApi implements LarkApi {
  readonly enabled = true;
  private readonly client: lark.Client;
  private readonly tokens = new TokenCache();
  private bot: Promise<{ openId: string; name: string }> | undefined;

  constructor(options: SdkLarkApiOptions) {
    const log = options.logger.child({ component: 'lark-sdk' });
    this.client = new lark.Client({
      appId: options.appId,
      appSecret: options.appSecret,
      domain: options.domain,
      httpInstance: createFetchHttpInstance(options.timeoutMs ?? 10_000, options.fetchImpl) as never,
      cache: this.tokens as never,
      loggerLevel: lark.LoggerLevel.error,
      logger: {
        error: (...m: unknown[]) => log.debug('sdk', { detail: m.map(String).join(' ').slice(0, 500) }),
        warn: (...m: unknown[]) => log.debug('sdk', { detail: m.map(String).join(' ').slice(0, 500) }),
        info: () => {},
        debug: () => {},
        trace: () => {},
      },
    });
  }

  /** Runs a call; on an expired-token code drops the cached token and tries once more (the SDK does not). */
  private async call(run: () => Promise<Body>): Promise<Body> {
    for (let attempt = 0; ; attempt++) {
      let error: LarkApiError;
      try {
        const body = await run();
        if (!body || typeof body !== 'object') throw new LarkApiError(200, undefined, 'empty response', undefined);
        if (body.code === undefined || body.code === 0) return body;
        error = new LarkApiError(200, body.code, body.msg ?? '', undefined);
      } catch (err) {
        error = toLarkApiError(err);
      }
      if (attempt === 0 && error.code !== undefined && TOKEN_EXPIRED_CODES.has(error.code)) {
        this.tokens.clear();
        continue;
      }
      throw error;
    }
  }

  async send(req: SendRequest) {
    const body = await this.call(
      () =>
        this.client.im.message.create({
          params: { receive_id_type: req.receiveIdType },
          data: { receive_id: req.receiveId, msg_type: req.msgType, content: req.content, uuid: req.uuid },
        }) as Promise<Body>,
    );
    return { messageId: String(body.data?.message_id ?? '') };
  }

  async reply(req: ReplyRequest) {
    const body = await this.call(
      () =>
        this.client.im.message.reply({
          path: { message_id: req.messageId },
          data: {
            content: req.content,
            msg_type: req.msgType,
            uuid: req.uuid,
            reply_in_thread: req.replyInThread ?? false,
          },
        }) as Promise<Body>,
    );
    return { messageId: String(body.data?.message_id ?? '') };
  }

  async patch(req: { messageId: string; content: string }) {
    await this.call(
      () =>
        this.client.im.message.patch({
          path: { message_id: req.messageId },
          data: { content: req.content },
        }) as Promise<Body>,
    );
  }

  async delayedCardUpdate(req: { token: string; card: unknown; openIds?: string[] }) {
    const card = req.openIds ? { ...(req.card as object), open_ids: req.openIds } : req.card;
    await this.call(
      () =>
        this.client.request({
          method: 'POST',
          url: '/open-apis/interactive/v1/card/update',
          data: { token: req.token, card },
        }) as Promise<Body>,
    );
  }

  async uploadFile(req: {
    fileType: 'xls' | 'pdf' | 'doc' | 'stream' | 'opus' | 'mp4' | 'ppt';
    fileName: string;
    data: Uint8Array;
  }) {
    const body = await this.call(
      () =>
        this.client.im.file.create({
          data: { file_type: req.fileType, file_name: req.fileName, file: req.data as never },
        }) as unknown as Promise<Body>,
    );
    // The SDK unwraps `data` for uploads; accept both shapes.
    const fileKey = body.data?.file_key ?? (body as { file_key?: string }).file_key;
    return { fileKey: String(fileKey ?? '') };
  }

  async downloadResource(req: ResourceRequest): Promise<ResourceFacts> {
    const body = await this.call(
      async () =>
        ({
          code: 0,
          data: await this.client.request({
            method: 'GET',
            url: `/open-apis/im/v1/messages/${encodeURIComponent(req.messageId)}/resources/${encodeURIComponent(req.key)}`,
            params: { type: req.type },
            // Handed over unread by our HTTP instance (src/lark/http.ts): counted here, chunk by chunk, and dropped.
            responseType: 'stream',
            $return_headers: true,
          } as never),
        }) as Body,
    );
    const res = body.data as { data: ReadableStream<Uint8Array> | null; headers: Record<string, string> };
    const contentType = (res.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().slice(0, 100);
    const announced = Number(res.headers['content-length']);
    if (Number.isFinite(announced) && announced > req.maxBytes) {
      await res.data?.cancel().catch(() => {});
      return { sizeBytes: announced, contentType, tooLarge: true };
    }
    let size = 0;
    const reader = res.data?.getReader();
    if (!reader) return { sizeBytes: 0, contentType, tooLarge: false };
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        size += chunk.value.byteLength;
        if (size > req.maxBytes) {
          await reader.cancel().catch(() => {});
          return { sizeBytes: size, contentType, tooLarge: true };
        }
      }
    } catch (err) {
      throw toLarkApiError(err);
    }
    return { sizeBytes: size, contentType, tooLarge: false };
  }

  async forward(req: ForwardRequest) {
    const body = await this.call(
      () =>
        this.client.im.message.forward({
          path: { message_id: req.messageId },
          params: { receive_id_type: req.receiveIdType, uuid: req.uuid },
          data: { receive_id: req.receiveId },
        }) as Promise<Body>,
    );
    return { messageId: String(body.data?.message_id ?? '') };
  }

  async resolveIds(req: { emails?: string[]; mobiles?: string[] }): Promise<ResolvedUser[]> {
    const out: ResolvedUser[] = [];
    const emails = req.emails ?? [];
    const mobiles = req.mobiles ?? [];
    // batch_get_id takes at most 50 of each per call [BGI].
    for (let i = 0; i < Math.max(emails.length, mobiles.length); i += 50) {
      const body = await this.call(
        () =>
          this.client.contact.user.batchGetId({
            params: { user_id_type: 'open_id' },
            data: { emails: emails.slice(i, i + 50), mobiles: mobiles.slice(i, i + 50), include_resigned: false },
          }) as Promise<Body>,
      );
      for (const u of body.data?.user_list ?? [])
        out.push({ email: u.email, mobile: u.mobile, openId: u.user_id || undefined });
    }
    return out;
  }

  async chatMembers(chatId: string) {
    const members: Array<{ openId: string; name: string }> = [];
    let pageToken: string | undefined;
    do {
      const body = await this.call(
        () =>
          this.client.im.chatMembers.get({
            path: { chat_id: chatId },
            params: { member_id_type: 'open_id', page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) },
          }) as Promise<Body>,
      );
      for (const m of body.data?.items ?? []) members.push({ openId: m.member_id, name: m.name ?? '' });
      pageToken = body.data?.has_more ? body.data?.page_token : undefined;
    } while (pageToken);
    return members;
  }

  botInfo() {
    // The bot's own open_id tells "the bot was @mentioned" from other mentions
    // (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/events/receive).
    this.bot ??= this.call(() => this.client.request({ method: 'GET', url: '/open-apis/bot/v3/info' }) as Promise<Body>)
      .then((body) => ({ openId: String(body.bot?.open_id ?? ''), name: String(body.bot?.app_name ?? '') }))
      .catch((err) => {
        this.bot = undefined;
        throw err;
      });
    return this.bot;
  }
}

/** No credentials: the bot still verifies and handles what arrives, and keeps what it would send in the outbox. */
export class DisabledLarkApi implements LarkApi {
  readonly enabled = false;
  private refuse<T>(): Promise<T> {
    return Promise.reject(
      new LarkApiError(0, undefined, 'outgoing messages are disabled (no LARK_APP_ID / LARK_APP_SECRET)', undefined),
    );
  }
  send() {
    return this.refuse<{ messageId: string }>();
  }
  reply() {
    return this.refuse<{ messageId: string }>();
  }
  patch() {
    return this.refuse<void>();
  }
  delayedCardUpdate() {
    return this.refuse<void>();
  }
  uploadFile() {
    return this.refuse<{ fileKey: string }>();
  }
  downloadResource() {
    return this.refuse<ResourceFacts>();
  }
  forward() {
    return this.refuse<{ messageId: string }>();
  }
  resolveIds() {
    return this.refuse<ResolvedUser[]>();
  }
  chatMembers() {
    return this.refuse<Array<{ openId: string; name: string }>>();
  }
  botInfo() {
    return this.refuse<{ openId: string; name: string }>();
  }
}
