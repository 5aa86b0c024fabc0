/**
 * The HTTP endpoints Lark calls:
 * - POST /lark/events: event request URL and card callback URL (configure both to it in the console);
 * - POST /lark/card: the legacy "message card request URL" for tenants that still use it;
 * - the same under /lark/<name>/ for each named app of a deployment (LARK_<NAME>_APP_ID…).
 * Failed verification answers 401 and touches nothing; malformed bodies 400 (see verify.ts for which is which);
 * everything verified 200.
 */
import type { Hono } from 'hono';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { callbackBody, GENERIC_ERROR, type Bot } from './bot';
import { EnvelopeError, legacyCardActionSchema } from './envelope';
import { sha256Signature } from './crypto';
import { verifyEventRequest, verifyLegacyCardRequest, type VerifySettings } from './verify';

export interface LarkRouteDeps {
  bot: Bot;
  settings: VerifySettings;
  clock: Clock;
  logger: Logger;
  /** Where the app's endpoints sit: /lark for the default app, /lark/<name> for a named one. */
  prefix?: string;
}

/**
 * v1 (schema-less) events the bot understands, mapped to their v2 names
 * (https://open.feishu.cn/document/server-docs/event-subscription-guide/overview,
 * https://open.larksuite.com/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/bot-events).
 */
function v1AsV2(event: Record<string, unknown>): { type: string; event: unknown } {
  if (event.type === 'p2p_chat_create') {
    const user = (event.user ?? event.operator ?? {}) as { open_id?: string };
    return {
      type: 'im.chat.access_event.bot_p2p_chat_entered_v1',
      event: { chat_id: event.chat_id, operator_id: { open_id: user.open_id } },
    };
  }
  return { type: String(event.type), event };
}

export function mountLarkRoutes(app: Hono<any>, deps: LarkRouteDeps): void {
  const { bot, settings, clock, logger } = deps;
  const prefix = deps.prefix ?? '/lark';

  app.post(`${prefix}/events`, async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const verified = await verifyEventRequest(raw, (name) => c.req.header(name), settings, clock.now());
    if (verified.kind === 'rejected') {
      logger.warn('lark request rejected', {
        status: verified.status,
        reason: verified.reason,
        requestId: c.get('requestId'),
      });
      return c.json({ error: verified.reason }, verified.status);
    }
    if (verified.kind === 'challenge') return c.json({ challenge: verified.challenge });
    try {
      if (verified.kind === 'v2') {
        const { header, event } = verified.envelope;
        if (header.event_type === 'card.action.trigger') {
          // A callback answered with a non-200 shows an error in the client (200671): failures become a toast.
          return c.json(
            await bot.onCardAction(header.event_id, event).catch((err) => {
              if (err instanceof EnvelopeError) throw err;
              logger.error('card callback failed', { err, eventId: header.event_id });
              return callbackBody({ toast: { type: 'error', text: GENERIC_ERROR } });
            }),
          );
        }
        const result = await bot.onEvent(header.event_id, header.event_type, event);
        logger.debug('event', { eventId: header.event_id, eventType: header.event_type, result });
        return c.json({});
      }
      const { type, event } = v1AsV2(verified.envelope.event);
      await bot.onEvent(verified.envelope.uuid, type, event);
      return c.json({});
    } catch (err) {
      if (err instanceof EnvelopeError) {
        logger.warn('lark event malformed', { reason: err.message });
        return c.json({ error: err.message }, 400);
      }
      throw err;
    }
  });

  app.post(`${prefix}/card`, async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const verified = await verifyLegacyCardRequest(raw, (name) => c.req.header(name), settings, clock.now());
    if (verified.kind === 'rejected') {
      logger.warn('legacy card request rejected', { status: verified.status, reason: verified.reason });
      return c.json({ error: verified.reason }, verified.status);
    }
    if (verified.kind === 'challenge') return c.json({ challenge: verified.challenge });
    const parsed = legacyCardActionSchema.safeParse(verified.body);
    if (!parsed.success) return c.json({ error: 'malformed card action' }, 400);
    const b = parsed.data;
    // A click is named by the bytes Lark signed, never by an unsigned header (X-Refresh-Token can be changed by anyone
    // replaying the request): the body carries the click's update token, so one click is one id, however re-sent.
    const clickId = `legacy:${await sha256Signature('', '', '', raw)}`;
    const body = await bot.onAction({
      eventId: clickId,
      operatorOpenId: b.open_id,
      updateToken: b.token,
      value: b.action.value,
      formValue: b.action.form_value ?? {},
      option: b.action.option,
      inputValue: b.action.input_value,
      messageId: b.open_message_id,
      chatId: b.open_chat_id,
      legacy: true,
    });
    // The legacy format answers a bare card beside the toast
    // (https://open.larksuite.com/document/ukTMukTMukTM/uYzMxEjL2MTMx4iNzETM).
    const card = (body.card as { data?: Record<string, unknown> } | undefined)?.data;
    return c.json({ ...(card ?? {}), ...(body.toast ? { toast: body.toast } : {}) });
  });
}
