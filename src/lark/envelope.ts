/**
 * What Lark sends, as zod schemas, and the normalised shapes the rest of the bot sees
 * (https://open.feishu.cn/document/server-docs/event-subscription-guide/overview,
 * https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/events/receive,
 * https://open.feishu.cn/document/feishu-cards/card-callback-communication,
 * https://open.larksuite.com/document/ukTMukTMukTM/uYzMxEjL2MTMx4iNzETM). Only the fields the bot uses are required;
 * everything else passes through untouched.
 */
import { z } from 'zod';

const id = z.string().min(1).max(200);

export const challengeSchema = z.looseObject({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(1000),
  token: z.string().max(200).optional(),
});

export const v2EnvelopeSchema = z.looseObject({
  schema: z.literal('2.0'),
  header: z.looseObject({
    event_id: id,
    event_type: z.string().min(1).max(200),
    create_time: z.string().max(32).optional(),
    token: z.string().max(200).optional(),
    app_id: z.string().max(200).optional(),
    tenant_key: z.string().max(200).optional(),
  }),
  event: z.record(z.string(), z.unknown()),
});

export const v1EnvelopeSchema = z.looseObject({
  uuid: id,
  token: z.string().max(200).optional(),
  ts: z.string().max(64).optional(),
  type: z.literal('event_callback'),
  event: z.looseObject({ type: z.string().min(1).max(200) }),
});

const openIdHolder = z.looseObject({ open_id: z.string().max(200).optional() });

export const messageReceiveSchema = z.looseObject({
  sender: z.looseObject({ sender_id: openIdHolder, sender_type: z.string().max(32).optional() }),
  message: z.looseObject({
    message_id: id,
    chat_id: id,
    chat_type: z.string().max(32),
    message_type: z.string().max(32),
    content: z.string().max(200_000),
    parent_id: z.string().max(200).optional(),
    root_id: z.string().max(200).optional(),
    create_time: z.string().max(32).optional(),
    mentions: z
      .array(z.looseObject({ key: z.string().max(64), id: openIdHolder, name: z.string().max(200).optional() }))
      .max(100)
      .optional(),
  }),
});

export const botMembershipSchema = z.looseObject({
  chat_id: id,
  operator_id: openIdHolder.optional(),
  name: z.string().max(500).optional(),
  external: z.boolean().optional(),
});

export const p2pEnteredSchema = z.looseObject({ chat_id: id, operator_id: openIdHolder });

const actionSchema = z.looseObject({
  value: z.unknown().optional(),
  tag: z.string().max(64).optional(),
  name: z.string().max(200).optional(),
  form_value: z.record(z.string(), z.unknown()).optional(),
  option: z.string().max(2000).optional(),
  input_value: z.string().max(20_000).optional(),
  timezone: z.string().max(64).optional(),
});

export const cardActionSchema = z.looseObject({
  operator: openIdHolder,
  token: z.string().max(500).optional(),
  action: actionSchema,
  context: z
    .looseObject({ open_message_id: z.string().max(200).optional(), open_chat_id: z.string().max(200).optional() })
    .optional(),
});

/**
 * The old "message card request URL" body: flat, never encrypted
 * (https://open.larksuite.com/document/ukTMukTMukTM/uYzMxEjL2MTMx4iNzETM).
 */
export const legacyCardActionSchema = z.looseObject({
  open_id: z.string().min(1).max(200),
  open_message_id: z.string().max(200).optional(),
  open_chat_id: z.string().max(200).optional(),
  token: z.string().max(500).optional(),
  action: actionSchema,
});

/**
 * A file or image in a user's message: `{"file_key","file_name"}`, `{"image_key"}`, and a video's
 * `{"file_key","image_key","file_name","duration"}`
 * (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/events/message_content).
 */
export interface MessageResource {
  type: 'file' | 'image';
  key: string;
  /** Files have the name shown in the chat; images have none. */
  fileName: string | undefined;
}

export interface Mention {
  key: string;
  openId: string;
  name: string;
}

export type InboundEvent =
  | {
      kind: 'message';
      eventId: string;
      messageId: string;
      chatId: string;
      chatType: 'p2p' | 'group';
      senderOpenId: string;
      messageType: string;
      /** The text of a text message (placeholders such as @_user_1 still in it). */
      text: string | undefined;
      mentions: Mention[];
      /** The file or image a file, image or media (video) message carries. */
      resource: MessageResource | undefined;
      /** The message this one replies to, when it is a reply. */
      parentId: string | undefined;
    }
  | {
      kind: 'bot_added' | 'bot_removed';
      eventId: string;
      chatId: string;
      operatorOpenId: string | undefined;
      chatName: string | undefined;
    }
  | { kind: 'p2p_entered'; eventId: string; chatId: string; operatorOpenId: string }
  | { kind: 'unknown'; eventId: string; eventType: string };

export interface CardAction {
  /** event_id for card.action.trigger; derived from the click for the legacy format. */
  eventId: string;
  operatorOpenId: string;
  /** The update token (c-…), for a delayed card update. */
  updateToken: string | undefined;
  value: unknown;
  formValue: Record<string, unknown>;
  option: string | undefined;
  inputValue: string | undefined;
  messageId: string | undefined;
  chatId: string | undefined;
  legacy: boolean;
}

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

function textOf(messageType: string, content: string): string | undefined {
  if (messageType !== 'text') return undefined;
  try {
    const parsed = JSON.parse(content) as { text?: unknown };
    return typeof parsed.text === 'string' ? parsed.text : undefined;
  } catch {
    return undefined;
  }
}

function resourceOf(messageType: string, content: string): MessageResource | undefined {
  if (messageType !== 'file' && messageType !== 'image' && messageType !== 'media') return undefined;
  let parsed: { file_key?: unknown; file_name?: unknown; image_key?: unknown };
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined);
  if (messageType === 'image') {
    const key = str(parsed.image_key);
    return key ? { type: 'image', key, fileName: undefined } : undefined;
  }
  const key = str(parsed.file_key);
  return key ? { type: 'file', key, fileName: str(parsed.file_name) } : undefined;
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new EnvelopeError(
      `${what}: ${r.error.issues[0]?.message ?? 'invalid'} at ${r.error.issues[0]?.path.join('.') ?? ''}`,
    );
  return r.data;
}

export function normaliseEvent(eventId: string, eventType: string, event: unknown): InboundEvent {
  switch (eventType) {
    case 'im.message.receive_v1': {
      const e = parseWith(messageReceiveSchema, event, eventType);
      return {
        kind: 'message',
        eventId,
        messageId: e.message.message_id,
        chatId: e.message.chat_id,
        chatType: e.message.chat_type === 'p2p' ? 'p2p' : 'group',
        senderOpenId: e.sender.sender_id.open_id ?? '',
        messageType: e.message.message_type,
        text: textOf(e.message.message_type, e.message.content),
        mentions: (e.message.mentions ?? []).map((m) => ({
          key: m.key,
          openId: m.id.open_id ?? '',
          name: m.name ?? '',
        })),
        resource: resourceOf(e.message.message_type, e.message.content),
        parentId: e.message.parent_id,
      };
    }
    case 'im.chat.member.bot.added_v1':
    case 'im.chat.member.bot.deleted_v1': {
      const e = parseWith(botMembershipSchema, event, eventType);
      return {
        kind: eventType === 'im.chat.member.bot.added_v1' ? 'bot_added' : 'bot_removed',
        eventId,
        chatId: e.chat_id,
        operatorOpenId: e.operator_id?.open_id,
        chatName: e.name,
      };
    }
    case 'im.chat.access_event.bot_p2p_chat_entered_v1': {
      const e = parseWith(p2pEnteredSchema, event, eventType);
      return { kind: 'p2p_entered', eventId, chatId: e.chat_id, operatorOpenId: e.operator_id.open_id ?? '' };
    }
    default:
      return { kind: 'unknown', eventId, eventType };
  }
}

export function normaliseCardAction(eventId: string, event: unknown): CardAction {
  const e = parseWith(cardActionSchema, event, 'card.action.trigger');
  return {
    eventId,
    operatorOpenId: e.operator.open_id ?? '',
    updateToken: e.token,
    value: e.action.value,
    formValue: e.action.form_value ?? {},
    option: e.action.option,
    inputValue: e.action.input_value,
    messageId: e.context?.open_message_id,
    chatId: e.context?.open_chat_id,
    legacy: false,
  };
}
