/**
 * HTTP face of the emulator: the Open API subset the bot calls (same paths, statuses and body shapes as Lark),
 * plus a JSON control API under `/_emulator/` for the standalone mode. Parsing and answering only; the rules
 * live in the PlatformModel.
 */
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { fieldValidation, LarkApiError, LarkCode, MSG } from './errors';
import { isObject, rateLimitError, validateFaults } from './model';
import { contentDisposition, contentTypeOf } from './resources';
import type { PlatformModel, SendResult } from './model';
import type {
  ChatInput,
  EndpointGroup,
  FaultKind,
  Faults,
  MemberIdType,
  ReceiveIdType,
  RecordedMessage,
  UserInput,
} from './types';

/** What a request's handlers learned, for the call record. */
interface CallNote {
  group?: EndpointGroup;
  fault?: FaultKind;
  deduped?: boolean;
  body?: unknown;
  dropped?: boolean;
}

export type EmulatorEnv = { Variables: { note: CallNote } };
type Ctx = Context<EmulatorEnv>;

const RECEIVE_ID_TYPES: readonly ReceiveIdType[] = ['open_id', 'user_id', 'union_id', 'email', 'chat_id'];
const MEMBER_ID_TYPES: readonly MemberIdType[] = ['open_id', 'user_id', 'union_id'];
const FILE_TYPES = new Set(['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream']);
/** [SDK im.file.create doc] files up to 30 MB, never empty. */
const MAX_FILE_BYTES = 30 * 1024 * 1024;

export function createRoutes(model: PlatformModel): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  app.use('/open-apis/*', recordCalls(model));
  mountOpenApi(app, model);
  mountControlApi(app, model);
  // Live probe: unknown paths answer a plain-text 404 (not a JSON code), before any token check.
  app.notFound((c) => c.text('404 page not found', 404));
  app.onError((err, c) => errorResponse(c, model, err));
  return app;
}

// ── Open API ─────────────────────────────────────────────────────────────────────────────────────

function mountOpenApi(app: Hono<EmulatorEnv>, model: PlatformModel): void {
  const auth = requireToken(model);
  const guard = (group: EndpointGroup) => guardGroup(model, group);

  app.post('/open-apis/auth/v3/tenant_access_token/internal', async (c) => {
    const body = await jsonBody(c, { redact: ['app_secret'] });
    const { token, expire } = model.issueTenantToken(body.app_id, body.app_secret);
    return c.json({ code: 0, msg: 'ok', tenant_access_token: token, expire });
  });

  app.post('/open-apis/im/v1/messages', auth, guard('message'), async (c) => {
    const receiveIdType = oneOf(c.req.query('receive_id_type'), RECEIVE_ID_TYPES, 'receive_id_type');
    const { body, bytes } = await jsonRequest(c);
    const result = model.send({
      receiveIdType,
      receiveId: requiredString(body, 'receive_id'),
      msgType: requiredString(body, 'msg_type'),
      content: body.content,
      uuid: optionalUuid(body),
      bodyBytes: bytes,
    });
    return messageAnswer(c, model, result);
  });

  app.post('/open-apis/im/v1/messages/:message_id/reply', auth, guard('message'), async (c) => {
    const { body, bytes } = await jsonRequest(c);
    const result = model.reply(c.req.param('message_id'), {
      msgType: requiredString(body, 'msg_type'),
      content: body.content,
      replyInThread: body.reply_in_thread === true,
      uuid: optionalUuid(body),
      bodyBytes: bytes,
    });
    return messageAnswer(c, model, result);
  });

  app.patch('/open-apis/im/v1/messages/:message_id', auth, guard('message'), async (c) => {
    const { body, bytes } = await jsonRequest(c);
    model.patch(c.req.param('message_id'), body.content, bytes);
    return c.json({ code: 0, msg: 'success', data: {} });
  });

  app.post('/open-apis/interactive/v1/card/update', auth, guard('card'), async (c) => {
    const { body, bytes } = await jsonRequest(c);
    model.cardUpdate(body.token, body.card, bytes);
    return c.json({ code: 0, msg: 'success', data: {} });
  });

  app.post('/open-apis/im/v1/files', auth, guard('file'), async (c) => {
    const parts = await multipartParts(c);
    const text = (name: string) => new TextDecoder().decode(parts.get(name)?.data ?? new Uint8Array());
    const fileType = text('file_type');
    const fileName = text('file_name');
    const file = parts.get('file');
    c.get('note').body = { file_type: fileType, file_name: fileName, size: file?.data.length };
    if (!FILE_TYPES.has(fileType)) throw fieldValidation('file_type', `must be one of ${[...FILE_TYPES].join('|')}`);
    if (!fileName) throw fieldValidation('file_name', 'required');
    if (!file || file.data.length === 0) throw fieldValidation('file', 'required and not empty');
    if (file.data.length > MAX_FILE_BYTES)
      throw new LarkApiError(400, LarkCode.fileTooLarge, 'file size exceeds 30 MB');
    // A copy: the part is a view into the whole request body.
    const recorded = model.addFile({ fileType, fileName, size: file.data.length, data: file.data.slice() });
    return c.json({ code: 0, msg: 'success', data: { file_key: recorded.fileKey } });
  });

  // [IMG] 上传图片 (resources.ts): image_type=message|avatar and the image part → image_key.
  app.post('/open-apis/im/v1/images', auth, guard('file'), async (c) => {
    const parts = await multipartParts(c);
    const imageType = new TextDecoder().decode(parts.get('image_type')?.data ?? new Uint8Array());
    const image = parts.get('image');
    c.get('note').body = { image_type: imageType, size: image?.data.length };
    const recorded = model.uploadImage(imageType, image?.data.slice());
    return c.json({ code: 0, msg: 'success', data: { image_key: recorded.key } });
  });

  // [RES] 获取消息中的资源文件: the bytes, with Content-Type (and the name in Content-Disposition).
  app.get('/open-apis/im/v1/messages/:message_id/resources/:file_key', auth, guard('file'), (c) => {
    const resource = model.messageResource(c.req.param('message_id'), c.req.param('file_key'), c.req.query('type'));
    c.get('note').body = { size: resource.data.length };
    // A copy in its own ArrayBuffer: a Node Buffer's `.buffer` may be the whole shared pool.
    return c.body(new Uint8Array(resource.data).buffer, 200, {
      'content-type': contentTypeOf(resource),
      'content-disposition': contentDisposition(resource),
      'content-length': String(resource.data.length),
    });
  });

  // [FWD] 转发消息: body {receive_id}; receive_id_type and uuid in the query.
  app.post('/open-apis/im/v1/messages/:message_id/forward', auth, guard('message'), async (c) => {
    const receiveIdType = oneOf(c.req.query('receive_id_type'), RECEIVE_ID_TYPES, 'receive_id_type');
    const body = await jsonBody(c);
    const uuid = c.req.query('uuid') || undefined;
    if (uuid !== undefined && uuid.length > 50) throw fieldValidation('uuid', 'string of at most 50 characters');
    const result = model.forward(c.req.param('message_id'), {
      receiveIdType,
      receiveId: requiredString(body, 'receive_id'),
      ...(uuid !== undefined ? { uuid } : {}),
    });
    return messageAnswer(c, model, result);
  });

  app.post('/open-apis/contact/v3/users/batch_get_id', auth, guard('contact'), async (c) => {
    const idType = oneOf(c.req.query('user_id_type') ?? 'open_id', MEMBER_ID_TYPES, 'user_id_type');
    const body = await jsonBody(c);
    const emails = stringList(body, 'emails');
    const mobiles = stringList(body, 'mobiles');
    const user_list = model.batchGetId({ emails, mobiles, includeResigned: body.include_resigned === true, idType });
    return c.json({ code: 0, msg: 'success', data: { user_list } });
  });

  app.get('/open-apis/im/v1/chats/:chat_id/members', auth, guard('chat'), (c) => {
    const idType = oneOf(c.req.query('member_id_type') ?? 'open_id', MEMBER_ID_TYPES, 'member_id_type');
    const page = model.chatMembers(c.req.param('chat_id'), {
      idType,
      pageSize: pageSize(c.req.query('page_size')),
      pageToken: c.req.query('page_token') || undefined,
    });
    return c.json({ code: 0, msg: 'success', data: page });
  });

  app.get('/open-apis/bot/v3/info', auth, guard('bot'), (c) => {
    const { botOpenId, botName } = model.config;
    return c.json({
      code: 0,
      msg: 'ok',
      bot: { activate_status: 2, app_name: botName, avatar_url: '', ip_white_list: [], open_id: botOpenId },
    });
  });
}

/** [SEND] `data` of a create/reply answer. A uuid repeat answers the earlier message unchanged. */
function messageAnswer(c: Ctx, model: PlatformModel, result: SendResult): Response {
  c.get('note').deduped = result.deduped;
  return c.json({ code: 0, msg: 'success', data: messageData(model, result.message) });
}

function messageData(model: PlatformModel, m: RecordedMessage) {
  return {
    message_id: m.messageId,
    ...(m.rootId ? { root_id: m.rootId } : {}),
    ...(m.parentId ? { parent_id: m.parentId } : {}),
    ...(m.threadId ? { thread_id: m.threadId } : {}),
    msg_type: m.msgType,
    create_time: String(m.createTime),
    update_time: String(m.updates.at(-1)?.at ?? m.createTime),
    deleted: false,
    updated: m.updates.length > 0,
    chat_id: m.chatId,
    sender: { id: model.config.appId, id_type: 'app_id', sender_type: 'app', tenant_key: model.config.tenantKey },
    body: { content: m.rawContent },
  };
}

// ── middleware ───────────────────────────────────────────────────────────────────────────────────

/** Records every Open API call with its status and Lark code, whatever the outcome. */
function recordCalls(model: PlatformModel): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const note: CallNote = {};
    c.set('note', note);
    const at = model.now();
    await next();
    model.recordCall({
      method: c.req.method,
      path: c.req.path,
      query: c.req.query(),
      body: note.body,
      status: note.dropped ? 0 : c.res.status,
      code: await larkCodeOf(c.res),
      at,
      ...(note.group ? { group: note.group } : {}),
      ...(note.fault ? { fault: note.fault } : {}),
      ...(note.deduped ? { deduped: true } : {}),
    });
  };
}

function requireToken(model: PlatformModel): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    model.checkAuthorization(c.req.header('authorization'));
    await next();
  };
}

/**
 * Fault injection, then the per-app tier of the group. Faults come first: an injected failure never consumes
 * quota and never reaches the model, so nothing is recorded as sent.
 */
function guardGroup(model: PlatformModel, group: EndpointGroup): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const note = c.get('note');
    note.group = group;
    const faults = model.state.faults;
    if (faults.groups.includes(group) && faults.delayMs > 0) await sleep(faults.delayMs);
    const fault = model.rollFault(group);
    if (fault) note.fault = fault;
    if (fault === 'rate_limit') throw rateLimitError(model.config.limits.appPerSecond, 1);
    if (fault === 'error') throw new LarkApiError(500, LarkCode.internal, MSG.internal);
    if (fault === 'timeout') {
      await sleep(faults.hangMs);
      if (faults.hangOutcome === 'drop') return dropConnection(c);
    }
    model.admitApp(group);
    await next();
  };
}

/**
 * Closes the socket without an answer when served by @hono/node-server; in-process callers (app.request) get a
 * 504 instead, since there is no socket to close.
 */
function dropConnection(c: Ctx): Response {
  c.get('note').dropped = true;
  const env: unknown = c.env;
  const outgoing = isObject(env) ? env.outgoing : undefined;
  if (isObject(outgoing) && typeof outgoing.destroy === 'function') outgoing.destroy();
  return c.json({ code: LarkCode.internal, msg: 'emulator: connection dropped' }, 504);
}

function errorResponse(c: Ctx, model: PlatformModel, err: Error): Response {
  const logId = model.newLogId();
  c.header('x-tt-logid', logId);
  if (!(err instanceof LarkApiError)) {
    return c.json({ code: LarkCode.internal, msg: `emulator failure: ${err.message}`, error: { log_id: logId } }, 500);
  }
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  // Older APIs (token exchange, card update) answer HTTP 200 with `data: {}`; the gateway and IM APIs
  // answer 4xx/5xx with `error.log_id` and a troubleshooter link (live probe).
  if (err.status === 200) return c.json({ code: err.code, msg: err.message, data: {} }, 200);
  const troubleshooter = `https://open.feishu.cn/search?from=openapi&log_id=${logId}&code=${err.code}`;
  return c.json({ code: err.code, msg: err.message, error: { log_id: logId, troubleshooter } }, err.status);
}

// ── control API (standalone mode) ────────────────────────────────────────────────────────────────

function mountControlApi(app: Hono<EmulatorEnv>, model: PlatformModel): void {
  const { state } = model;
  app.get('/_emulator', (c) =>
    c.json({
      appId: model.config.appId,
      botOpenId: model.config.botOpenId,
      counts: {
        calls: state.calls.length,
        messages: state.messages.length,
        files: state.files.length,
        resources: state.resources.size,
        violations: state.violations.length,
        users: state.users.size,
        chats: state.chats.size,
      },
      faults: state.faults,
    }),
  );
  app.get('/_emulator/calls', (c) => c.json(state.calls));
  app.get('/_emulator/messages', (c) => {
    const receiveId = c.req.query('receive_id');
    return c.json(receiveId ? model.messagesTo(receiveId) : state.messages);
  });
  // The bytes stay out of the listing (a JSON array of numbers would be huge); their size is there.
  app.get('/_emulator/files', (c) => c.json(state.files.map(({ data: _data, ...file }) => file)));
  app.get('/_emulator/violations', (c) => c.json(state.violations));
  app.get('/_emulator/users', (c) => c.json([...state.users.values()]));
  app.get('/_emulator/chats', (c) => c.json([...state.chats.values()]));
  app.post('/_emulator/faults', async (c) => {
    const patch: unknown = await c.req.json();
    if (!isObject(patch)) return c.json({ error: 'body must be an object of fault settings' }, 400);
    try {
      state.faults = validateFaults({ ...state.faults, ...(patch as Partial<Faults>) });
    } catch (err) {
      return c.json({ error: err instanceof Error ? err.message : String(err) }, 400);
    }
    return c.json(state.faults);
  });
  app.post('/_emulator/expire-tokens', (c) => {
    model.expireTokens();
    return c.json({ ok: true });
  });
  app.post('/_emulator/reset', async (c) => {
    const body: unknown = await c.req.json().catch(() => ({}));
    model.reset({ directory: isObject(body) && body.directory === true });
    return c.json({ ok: true });
  });
  app.post('/_emulator/users', async (c) => {
    const inputs = asList(await c.req.json());
    if (!inputs.every(isUserInput)) return c.json({ error: 'each user needs a string open_id' }, 400);
    return c.json(inputs.map((u) => model.addUser(u)));
  });
  app.post('/_emulator/chats', async (c) => {
    const inputs = asList(await c.req.json());
    if (!inputs.every(isChatInput)) return c.json({ error: 'each chat needs chatId and members[]' }, 400);
    return c.json(inputs.map((chat) => model.addChat(chat)));
  });
}

// ── request parsing ──────────────────────────────────────────────────────────────────────────────

async function jsonBody(c: Ctx, options: { redact?: string[] } = {}): Promise<Record<string, unknown>> {
  return (await jsonRequest(c, options)).body;
}

/**
 * The JSON object of a request body and its size in UTF-8 bytes, which is what the platform's size limits measure
 * (「卡片消息、富文本消息请求体最大不能超过 30 KB」, https://open.feishu.cn/document/server-docs/im-v1/message/create).
 */
async function jsonRequest(
  c: Ctx,
  options: { redact?: string[] } = {},
): Promise<{ body: Record<string, unknown>; bytes: number }> {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw fieldValidation('body', 'must be JSON');
  }
  if (!isObject(body)) throw fieldValidation('body', 'must be a JSON object');
  const logged = { ...body };
  for (const key of options.redact ?? []) if (key in logged) logged[key] = '***';
  c.get('note').body = logged;
  return { body, bytes: raw.length };
}

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw fieldValidation(field, 'required string');
  return value;
}

/** [SEND] uuid is optional, ≤ 50 characters. */
function optionalUuid(body: Record<string, unknown>): string | undefined {
  const uuid = body.uuid;
  if (uuid === undefined || uuid === null || uuid === '') return undefined;
  if (typeof uuid !== 'string' || uuid.length > 50) throw fieldValidation('uuid', 'string of at most 50 characters');
  return uuid;
}

/** [BGI] emails and mobiles: at most 50 each. */
function stringList(body: Record<string, unknown>, field: string): string[] {
  const value = body[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw fieldValidation(field, 'array of strings');
  if (value.length > 50) throw fieldValidation(field, 'at most 50 entries');
  return value;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], field: string): T {
  const match = allowed.find((a) => a === value);
  if (match === undefined) throw fieldValidation(field, `must be one of ${allowed.join('|')}`);
  return match;
}

/** Chat members: page_size default 20, at most 100. */
function pageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw fieldValidation('page_size', 'integer within 1..100');
  return n;
}

interface Part {
  filename?: string;
  data: Uint8Array;
}

/**
 * The parts of a multipart/form-data body, by field name, as raw bytes. Parsed by hand because the node-sdk
 * sends `file` as a Buffer part without a filename, which form parsers turn into a (lossy) string.
 */
async function multipartParts(c: Ctx): Promise<Map<string, Part>> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(c.req.header('content-type') ?? '');
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw fieldValidation('body', 'must be multipart/form-data');
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const parts = new Map<string, Part>();
  const delimiter = new TextEncoder().encode(`\r\n--${marker}`);
  // Prefix CRLF so that the first delimiter looks like the others.
  const body = new Uint8Array(bytes.length + 2);
  body.set([13, 10]);
  body.set(bytes, 2);
  let start = indexOf(body, delimiter, 0);
  while (start >= 0) {
    const partStart = start + delimiter.length + 2; // skip the CRLF after the delimiter
    const next = indexOf(body, delimiter, partStart);
    if (next < 0) break;
    const part = body.subarray(partStart, next);
    const headerEnd = indexOf(part, new TextEncoder().encode('\r\n\r\n'), 0);
    if (headerEnd >= 0) {
      const headers = new TextDecoder().decode(part.subarray(0, headerEnd));
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined)
        parts.set(name, { ...(filename !== undefined ? { filename } : {}), data: part.subarray(headerEnd + 4) });
    }
    start = next;
  }
  return parts;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

async function larkCodeOf(res: Response): Promise<number | undefined> {
  if (!res.headers.get('content-type')?.includes('application/json')) return undefined;
  try {
    const body: unknown = await res.clone().json();
    return isObject(body) && typeof body.code === 'number' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function isUserInput(v: unknown): v is UserInput {
  return isObject(v) && typeof v.open_id === 'string';
}

function isChatInput(v: unknown): v is ChatInput {
  return isObject(v) && typeof v.chatId === 'string' && Array.isArray(v.members);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
