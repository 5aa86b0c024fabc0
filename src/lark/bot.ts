/**
 * Dispatch of verified deliveries: claim, acknowledge, then work.
 * - Events: the event id (and a message's id) is claimed before any effect; duplicates stop there. The work runs
 *   after the 200 through the defer port (https://open.feishu.cn/document/server-docs/event-subscription-guide/overview).
 * - Card callbacks: claimed by event id, authorised, and answered within the budget with a toast and/or the
 *   replacement card; a handler that overruns finishes afterwards and updates the card with the callback token
 *   (https://open.feishu.cn/document/feishu-cards/card-callback-communication,
 *   https://open.larksuite.com/document/ukTMukTMukTM/uMDO1YjLzgTN24yM4UjN).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { actionValueSchema, type ActionValue } from '../../cards/actions';
import { unknownCommandHint } from '../../cards/help';
import { welcomeCard } from '../../cards/welcome';
import { withinBudget, type Card } from '../../cards/kit';
import { rememberChatMembership } from '../core/chats.repository';
import { inAudience, NO_ROLES } from '../core/roles';
import { rolesOf } from '../core/roles.repository';
import type { Defer } from '../platform/defer';
import { isUserError } from '../platform/errors';
import { bilingual, larkI18n, text, type Text } from '../platform/i18n';
import { parseCommand } from './commands';
import { normaliseCardAction, normaliseEvent, type CardAction, type InboundEvent } from './envelope';
import type {
  BotServices,
  CardActionSpec,
  CardResponse,
  CommandSpec,
  MessageEvent,
  ResourceMessageSpec,
} from './handlers';
import {
  acceptEvent,
  claimDueEvents,
  finishEvent,
  INBOX_LEASE_MS,
  INBOX_RENEW_MS,
  renewEventLease,
  retryEventLater,
} from './inbox.repository';
import { claimReceipt, RecentReceipts } from './receipts.repository';

export interface BotOptions {
  /**
   * Hard budget for a card callback's answer; Lark gives up at 3 s
   * (https://open.feishu.cn/document/feishu-cards/card-callback-communication).
   */
  callbackBudgetMs: number;
  /** Files and images sent one-to-one; without it they get the "text commands only" hint. */
  resources?: ResourceMessageSpec;
}

/** The JSON body answered to Lark for a card callback. */
export type CallbackBody = Record<string, unknown>;

export const GENERIC_ERROR = text('出了点问题，请稍后再试。', 'Something went wrong. Please try again later.');
const NOT_ALLOWED = text('你没有权限进行这个操作。', 'You are not allowed to do this.');
const STALE_BUTTON = text(
  '这个按钮已失效，请重新发送命令获取新卡片。',
  'This button is no longer valid. Send the command again for a new card.',
);
const WORKING = text('正在处理，稍后更新卡片。', 'Working on it; the card will update shortly.');

/**
 * The callback answer. Its card meets the same budget as a sent one (no limit is documented for answers; the client
 * refuses a bad card with 200673): a card over it is replaced by the short card that says so, and `onOverBudget` hears
 * why.
 */
export function callbackBody(r: CardResponse, onOverBudget?: (problems: string[]) => void): CallbackBody {
  const body: CallbackBody = {};
  if (r.toast) body.toast = { type: r.toast.type, content: r.toast.text.zh, i18n: larkI18n(r.toast.text) };
  if (r.card) {
    const { card, problems } = withinBudget(r.card);
    if (problems.length) onOverBudget?.(problems);
    body.card = { type: 'raw', data: card };
  }
  return body;
}

export class Bot {
  private readonly commandByWord = new Map<string, CommandSpec>();
  private readonly words: string[];
  private readonly actions = new Map<string, CardActionSpec>();
  private readonly recent = new RecentReceipts();

  constructor(
    private readonly services: BotServices,
    /** The edge's own tables (inbox, receipts) and the roles it checks before any handler runs. */
    private readonly db: Kysely<Database>,
    actions: readonly CardActionSpec<any>[],
    private readonly defer: Defer,
    private readonly options: BotOptions,
  ) {
    for (const c of services.commands) for (const w of c.words) this.commandByWord.set(w.toLowerCase(), c);
    this.words = [...this.commandByWord.keys()];
    for (const a of actions) this.actions.set(a.action, a);
  }

  /**
   * A verified v2 event (not a card callback). Answers once the event is stored in the inbox (its claim); the work
   * is deferred, and a sweep finishes it if this process does not.
   */
  async onEvent(eventId: string, eventType: string, event: unknown): Promise<'accepted' | 'duplicate' | 'ignored'> {
    if (this.recent.has('event', eventId)) return 'duplicate';
    const inbound = normaliseEvent(eventId, eventType, event);
    const { logger, clock } = this.services;
    const db = this.db;
    if (inbound.kind === 'unknown') {
      logger.info('event type not handled', { eventType, eventId });
      return 'ignored';
    }
    const messageId = inbound.kind === 'message' ? inbound.messageId : undefined;
    const result = await acceptEvent(db, { eventId, eventType, payload: event, messageId }, clock.now());
    this.recent.add('event', eventId);
    if (result === 'duplicate') return 'duplicate';
    this.defer.run(`event ${eventType}`, () => this.work(eventId, inbound, 1));
    return 'accepted';
  }

  /**
   * Picks up events whose work did not finish where they were received (crash, deploy, transient failure).
   * Returns how many were worked on.
   */
  async sweepInbox(): Promise<number> {
    const { clock, logger } = this.services;
    const db = this.db;
    // One at a time: an event is taken (with a fresh lease) only as its work starts, and its heartbeat keeps it; the
    // rest stay free for other servers' sweeps meanwhile.
    let worked = 0;
    for (let i = 0; i < 20; i++) {
      const { due, failed } = await claimDueEvents(db, clock.now(), { limit: 1 });
      for (const id of failed) logger.error('event set aside after repeated failures', { eventId: id });
      const d = due[0];
      if (!d) {
        if (failed.length) continue;
        break;
      }
      logger.info('resuming unfinished event', { eventId: d.eventId, eventType: d.eventType, attempt: d.attempts });
      await this.work(d.eventId, normaliseEvent(d.eventId, d.eventType, d.payload), d.attempts);
      worked++;
    }
    return worked;
  }

  private async work(eventId: string, inbound: InboundEvent, attempt: number): Promise<void> {
    const { clock, logger } = this.services;
    const db = this.db;
    // The heartbeat: the event stays this attempt's while its work runs, however long (an export), and a sweep
    // elsewhere takes it over within seconds if this process dies (INBOX_LEASE_MS).
    const heartbeat = setInterval(() => {
      renewEventLease(db, eventId, attempt, clock.now() + INBOX_LEASE_MS).then(
        (ours) => {
          if (ours) return;
          clearInterval(heartbeat);
          logger.warn('event taken over by another server while its work ran', { eventId, attempt });
        },
        (err) => logger.warn('event lease not renewed this time', { eventId, err }),
      );
    }, INBOX_RENEW_MS);
    try {
      await this.handle(inbound);
      await finishEvent(db, eventId, clock.now());
    } catch (err) {
      logger.error('event work failed; it will be retried', { eventId, attempt, err });
      await retryEventLater(db, eventId, attempt, String((err as Error)?.message ?? err), clock.now()).catch(
        () => undefined,
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async handle(e: InboundEvent): Promise<void> {
    switch (e.kind) {
      case 'message':
        return this.onMessage(e);
      case 'bot_added':
      case 'bot_removed':
        return this.onMembership(e);
      case 'p2p_entered':
        return this.onP2pEntered(e);
      case 'unknown':
        return;
      default: {
        const never: never = e;
        throw new Error(`unhandled event ${JSON.stringify(never)}`);
      }
    }
  }

  private async onMessage(e: MessageEvent): Promise<void> {
    const s = this.services;
    const botOpenId = s.lark.enabled
      ? await s.lark.botInfo().then(
          (b) => b.openId,
          () => undefined,
        )
      : undefined;
    const command = parseCommand(e.text ?? '', e.mentions, botOpenId, this.words);
    // In groups the bot answers only when it is @mentioned (when its own id is unknown, any mention counts).
    const addressed =
      e.chatType === 'p2p' || command.botMentioned || (botOpenId === undefined && e.mentions.length > 0);
    if (!addressed) return;
    let replies = 0;
    let groupKnown = false;
    const reply = async (content: Card | Text, purpose: string) => {
      const isCard = 'schema' in content;
      replies += 1;
      // The bot is in the group a command came from, whether or not it was told when it was added: remembered before
      // a card is posted there, so that a click on it is known to come from a group (answerClick, group-click.ts).
      if (isCard && e.chatType === 'group' && !groupKnown) {
        await rememberChatMembership(
          this.db,
          { chatId: e.chatId, name: undefined, chatType: 'group', present: true, competitionId: s.competitionId },
          s.clock.now(),
        );
        groupKnown = true;
      }
      await s.enqueue([
        {
          key: `reply:${e.messageId}:${replies}`,
          purpose,
          op: 'reply',
          receiveIdType: 'message_id',
          receiveId: e.messageId,
          // Lark limits one-to-one messages per user (what reminders to that person count against), groups per chat.
          rateKey: e.chatType === 'p2p' ? `user:${e.senderOpenId}` : `chat:${e.chatId}`,
          msgType: isCard ? 'interactive' : 'text',
          content: isCard ? content : { text: bilingual(content) },
          competitionId: s.competitionId,
        },
      ]);
    };
    if (e.text === undefined) {
      const intake = this.options.resources;
      if (e.chatType === 'p2p' && e.resource && intake) {
        const roles = await rolesOf(this.db, s.competitionId, e.senderOpenId, s.admins);
        try {
          await intake.run({ services: s, event: { ...e, resource: e.resource }, roles, reply });
        } catch (err) {
          if (isUserError(err)) return reply(err.text, 'refusal');
          s.logger.error('file intake failed', { err });
          await reply(GENERIC_ERROR, 'error');
        }
        return;
      }
      if (e.chatType === 'p2p')
        await reply(
          text(
            '我只看得懂文字命令。发送「帮助」查看你可以做什么。',
            'I only understand text commands. Send "help" to see what you can do.',
          ),
          'hint',
        );
      return;
    }
    const spec = this.commandByWord.get(command.word);
    if (!spec) {
      await reply(
        command.word
          ? unknownCommandHint(command.word)
          : text('发送「帮助」查看你可以做什么。', 'Send "help" to see what you can do.'),
        'hint',
      );
      return;
    }
    const roles = await rolesOf(this.db, s.competitionId, e.senderOpenId, s.admins);
    if (!inAudience(roles, spec.audience)) {
      await reply(
        text(
          `你没有权限使用「${spec.words[0]}」。发送「帮助」查看你可以做什么。`,
          `You may not use "${spec.words.find((w) => /^\p{ASCII}+$/u.test(w)) ?? spec.name}". Send "help" to see what you can do.`,
        ),
        'refusal',
      );
      return;
    }
    try {
      await spec.run({ services: s, event: e, command, roles, reply });
    } catch (err) {
      if (isUserError(err)) return reply(err.text, 'refusal');
      s.logger.error('command failed', { command: spec.name, err });
      await reply(GENERIC_ERROR, 'error');
    }
  }

  private async onMembership(e: Extract<InboundEvent, { kind: 'bot_added' | 'bot_removed' }>): Promise<void> {
    const s = this.services;
    const present = e.kind === 'bot_added';
    await rememberChatMembership(
      this.db,
      { chatId: e.chatId, name: e.chatName, chatType: 'group', present, competitionId: s.competitionId },
      s.clock.now(),
    );
    // Re-adding the bot later is a new event, and brings a new welcome.
    if (present) await this.welcome(e.chatId, `welcome:group:${e.chatId}:${e.eventId}`, true);
  }

  private async onP2pEntered(e: Extract<InboundEvent, { kind: 'p2p_entered' }>): Promise<void> {
    // The event comes every time someone opens the chat; they are welcomed once.
    await this.welcome(e.chatId, `welcome:p2p:${e.operatorOpenId}`, false, `user:${e.operatorOpenId}`);
  }

  private async welcome(chatId: string, key: string, inGroup: boolean, rateKey = `chat:${chatId}`): Promise<void> {
    const s = this.services;
    const c = await s.competition();
    await s.enqueue([
      {
        key,
        purpose: 'welcome',
        op: 'send',
        receiveIdType: 'chat_id',
        receiveId: chatId,
        rateKey,
        msgType: 'interactive',
        content: welcomeCard({ competitionName: c.file.name, competitionNameEn: c.file.nameEn, inGroup }),
        competitionId: s.competitionId,
      },
    ]);
  }

  /** A verified card callback; always resolves to a body for a 200 answer. */
  async onCardAction(eventId: string, event: unknown): Promise<CallbackBody> {
    return this.onAction(normaliseCardAction(eventId, event));
  }

  async onAction(action: CardAction): Promise<CallbackBody> {
    const s = this.services;
    const parsed = actionValueSchema.safeParse(action.value);
    if (!parsed.success) return callbackBody({ toast: { type: 'error', text: STALE_BUTTON } });
    if (!(await claimReceipt(this.db, 'card_action', action.eventId, s.clock.now()))) return {};
    const spec = this.actions.get(parsed.data.a);
    if (!spec) return callbackBody({ toast: { type: 'error', text: STALE_BUTTON } });
    const roles = action.operatorOpenId
      ? await rolesOf(this.db, s.competitionId, action.operatorOpenId, s.admins)
      : NO_ROLES;
    if (!inAudience(roles, spec.audience)) return callbackBody({ toast: { type: 'error', text: NOT_ALLOWED } });

    const work = this.runAction(spec, action, roles, parsed.data);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overrun = new Promise<'overrun'>((resolve) => {
      timer = setTimeout(() => resolve('overrun'), this.options.callbackBudgetMs);
    });
    const first = await Promise.race([work, overrun]);
    clearTimeout(timer);
    if (first !== 'overrun')
      return callbackBody(first, (problems) =>
        s.logger.error('card over budget in a callback answer', { action: parsed.data.a, problems }),
      );
    // Too slow for the callback: answer now, update the card with the callback's token when the work is done.
    this.defer.run('card action overrun', async () => {
      const late = await work;
      if (late.card && action.updateToken) {
        await s.enqueue([
          {
            key: `card-update:${action.eventId}`,
            purpose: 'card-update',
            op: 'card_update',
            receiveIdType: 'token',
            receiveId: action.updateToken,
            rateKey: `message:${action.messageId ?? action.eventId}`,
            msgType: 'interactive',
            content: late.card,
            competitionId: s.competitionId,
          },
        ]);
      }
    });
    return callbackBody({ toast: { type: 'info', text: WORKING } });
  }

  private async runAction(
    spec: CardActionSpec,
    action: CardAction,
    roles: Awaited<ReturnType<typeof rolesOf>>,
    value: ActionValue,
  ): Promise<CardResponse> {
    const name = value.a;
    try {
      return await spec.run({ services: this.services, action, roles }, value as never);
    } catch (err) {
      if (isUserError(err)) return { toast: { type: 'error', text: err.text } };
      this.services.logger.error('card action failed', { action: name, err });
      return { toast: { type: 'error', text: GENERIC_ERROR } };
    }
  }
}
