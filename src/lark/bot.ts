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
import { withinBudget, withSubtitle, type Card } from '../../cards/kit';
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
import { archivedRefusal, READ_ONLY_ACTIONS, readsOnly } from './archive';
import { routeToCompetition, type Routing } from './routing';
import { rememberChoice, rememberedChoice } from './routing.repository';
import { assignGroup, groupCompetition } from '../core/chats.repository';
import { competitionsOfPerson } from '../core/roles.repository';
import { competitionOfMessage } from './outbox.repository';
import { receivedEvent } from './inbox.repository';
import {
  competitionChooserCard,
  competitionChosenCard,
  type CompetitionChoiceView,
} from '../../cards/competition-choice';

/**
 * The Lark app a bot answers for and the competitions it serves: one for most deployments; several when one app
 * carries several competitions, and then each message and click is routed to one (src/lark/routing.ts).
 */
export interface BotApp {
  /** As the configuration names it ('default': LARK_APP_ID): its inbox rows and receipts are its own. */
  readonly name: string;
  /** In the configured order. */
  readonly competitions: readonly BotServices[];
}

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
const UNKNOWN_COMPETITION = text(
  '无法确定这张卡片属于哪个竞赛。请发送「切换竞赛」选择后，重新发送命令获取新卡片。',
  'This card can no longer be matched to a competition. Send "switch" to choose one, then send the command again for a new card.',
);
const GROUP_CHOICE_OFFICE_ONLY = text(
  '只有该竞赛的竞赛办可以为本群选择竞赛。',
  "Only the competition's office can choose the competition of this group.",
);
/** The words that show the chooser again (only where one app serves several competitions). */
const SWITCH_WORDS = new Set(['切换竞赛', 'switch', 'switch competition']);
/** Commands that answer for each of the asker's competitions at once. */
const ACROSS_COMPETITIONS = new Set(['help', 'schedule']);

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
  /** Shared by every competition of the app: the clock, the logger, the Lark client, the admins, the commands. */
  private readonly base: BotServices;
  private readonly byId = new Map<string, BotServices>();

  constructor(
    private readonly app: BotApp,
    /** The edge's own tables (inbox, receipts, routing) and the roles it checks before any handler runs. */
    private readonly db: Kysely<Database>,
    actions: readonly CardActionSpec<any>[],
    private readonly defer: Defer,
    private readonly options: BotOptions,
  ) {
    const first = app.competitions[0];
    if (!first) throw new Error(`app ${app.name} serves no competition`);
    this.base = first;
    for (const s of app.competitions) this.byId.set(s.competitionId, s);
    for (const c of first.commands) for (const w of c.words) this.commandByWord.set(w.toLowerCase(), c);
    this.words = [...this.commandByWord.keys(), ...(this.shared ? SWITCH_WORDS : [])];
    for (const a of actions) this.actions.set(a.action, a);
  }

  /** Whether this app serves more than one competition (and so routes, and keys replies by competition). */
  private get shared(): boolean {
    return this.app.competitions.length > 1;
  }

  /** Receipts are per app: two apps' bots in one group both receive the same message. */
  private receiptKey(key: string): string {
    return this.app.name === 'default' ? key : `${this.app.name}:${key}`;
  }

  /**
   * A verified v2 event (not a card callback). Answers once the event is stored in the inbox (its claim); the work
   * is deferred, and a sweep finishes it if this process does not.
   */
  async onEvent(eventId: string, eventType: string, event: unknown): Promise<'accepted' | 'duplicate' | 'ignored'> {
    if (this.recent.has('event', eventId)) return 'duplicate';
    const inbound = normaliseEvent(eventId, eventType, event);
    const { logger, clock } = this.base;
    if (inbound.kind === 'unknown') {
      logger.info('event type not handled', { eventType, eventId });
      return 'ignored';
    }
    const messageId = inbound.kind === 'message' ? this.receiptKey(inbound.messageId) : undefined;
    const result = await acceptEvent(
      this.db,
      { eventId, eventType, payload: event, messageId, app: this.app.name },
      clock.now(),
    );
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
    const { clock, logger } = this.base;
    // One at a time: an event is taken (with a fresh lease) only as its work starts, and its heartbeat keeps it; the
    // rest stay free for other servers' sweeps meanwhile.
    let worked = 0;
    for (let i = 0; i < 20; i++) {
      const { due, failed } = await claimDueEvents(this.db, clock.now(), { app: this.app.name, limit: 1 });
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
    const { clock, logger } = this.base;
    // The heartbeat: the event stays this attempt's while its work runs, however long (an export), and a sweep
    // elsewhere takes it over within seconds if this process dies (INBOX_LEASE_MS).
    let renewing: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(() => {
      renewing = renewEventLease(this.db, eventId, attempt, clock.now() + INBOX_LEASE_MS).then(
        (ours) => {
          if (ours) return;
          clearInterval(heartbeat);
          logger.warn('event taken over by another server while its work ran', { eventId, attempt });
        },
        (err) => logger.warn('event lease not renewed this time', { eventId, err }),
      );
    }, INBOX_RENEW_MS);
    // Stopped, and its last renewal landed, before the row is finished or put off: a renewal after a retry's backoff
    // was written would shorten it to the lease.
    const stopHeartbeat = async () => {
      clearInterval(heartbeat);
      await renewing;
    };
    try {
      await this.handle(inbound);
      await stopHeartbeat();
      await finishEvent(this.db, eventId, clock.now());
    } catch (err) {
      await stopHeartbeat();
      logger.error('event work failed; it will be retried', { eventId, attempt, err });
      await retryEventLater(this.db, eventId, attempt, String((err as Error)?.message ?? err), clock.now()).catch(
        () => undefined,
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Which competition a message or click is about (always the one, when the app serves one). `sentBy` is asked only
   * for clicks: the card's own competition.
   */
  private async route(where: {
    chatId: string | undefined;
    group: boolean;
    openId: string | undefined;
    messageId?: string | undefined;
  }): Promise<Routing> {
    if (!this.shared) return { kind: 'one', id: this.base.competitionId };
    const db = this.db;
    const competitions = await Promise.all(
      this.app.competitions.map(async (s) => ({
        id: s.competitionId,
        archived: (await s.competition()).file.archived,
      })),
    );
    const openId = where.openId ?? '';
    const [sentBy, group, remembered, mine] = await Promise.all([
      where.messageId ? competitionOfMessage(db, where.messageId) : undefined,
      where.group && where.chatId ? groupCompetition(db, where.chatId) : undefined,
      // A group's competition is its chats row (the office's pick); a one-to-one chat's, the person's choice.
      where.chatId && !where.group ? rememberedChoice(db, this.app.name, where.chatId) : undefined,
      this.base.admins.includes(openId) ? new Set(competitions.map((c) => c.id)) : competitionsOfPerson(db, openId),
    ]);
    return routeToCompetition({
      competitions,
      sentBy,
      group,
      remembered,
      mine,
    });
  }

  private async nameOf(s: BotServices): Promise<Text> {
    const c = await s.competition();
    return text(c.file.name, c.file.nameEn);
  }

  private servicesOf(id: string): BotServices {
    return this.byId.get(id) ?? this.base;
  }

  private async choices(ids: readonly string[]): Promise<CompetitionChoiceView[]> {
    return Promise.all(
      ids.map(async (id) => {
        const c = await this.servicesOf(id).competition();
        return { id, name: c.file.name, nameEn: c.file.nameEn, archived: c.file.archived };
      }),
    );
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

  /** The reply function of one message's handling in one competition; replies are numbered for their keys. */
  private replier(s: BotServices, e: MessageEvent, keyPrefix?: string) {
    let replies = 0;
    let groupKnown = false;
    const prefix = keyPrefix ?? (this.shared ? `reply:${e.messageId}:${s.competitionId}` : `reply:${e.messageId}`);
    return async (content: Card | Text, purpose: string) => {
      const isCard = 'schema' in content;
      replies += 1;
      // The bot is in the group a command came from, whether or not it was told when it was added: remembered before
      // a card is posted there, so that a click on it is known to come from a group (answerClick, group-click.ts).
      if (isCard && e.chatType === 'group' && !groupKnown) {
        await rememberChatMembership(
          this.db,
          {
            chatId: e.chatId,
            name: undefined,
            chatType: 'group',
            present: true,
            // Where one app serves several competitions, only the office's choice gives a group its competition.
            competitionId: this.shared ? null : s.competitionId,
          },
          s.clock.now(),
        );
        groupKnown = true;
      }
      await s.enqueue([
        {
          key: `${prefix}:${replies}`,
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
  }

  private async onMessage(e: MessageEvent): Promise<void> {
    const s0 = this.base;
    const botOpenId = s0.lark.enabled
      ? await s0.lark.botInfo().then(
          (b) => b.openId,
          () => undefined,
        )
      : undefined;
    const command = parseCommand(e.text ?? '', e.mentions, botOpenId, this.words);
    // In groups the bot answers only when it is @mentioned (when its own id is unknown, any mention counts).
    const addressed =
      e.chatType === 'p2p' || command.botMentioned || (botOpenId === undefined && e.mentions.length > 0);
    if (!addressed) return;
    if (!this.shared) return this.onMessageIn(s0, e, command);

    const where = { chatId: e.chatId, group: e.chatType === 'group', openId: e.senderOpenId };
    if (e.text !== undefined && SWITCH_WORDS.has(command.word)) return this.offerChoice(e, undefined);
    const spec = this.commandByWord.get(command.word);
    if (spec && ACROSS_COMPETITIONS.has(spec.name) && e.chatType === 'p2p') {
      // 帮助 and 日程 answer for every competition the asker is in, each in its own card.
      const mine = await this.mineInApp(e.senderOpenId);
      if (mine.length > 1) {
        for (const id of mine) await this.onMessageIn(this.servicesOf(id), e, command);
        const current = await rememberedChoice(this.db, this.app.name, e.chatId);
        const names = await this.choices(mine);
        const now = names.find((c) => c.id === current);
        await this.replier(
          s0,
          e,
          `reply:${e.messageId}:note`,
        )(
          text(
            `你在 ${names.length} 个竞赛中有角色：${names.map((c) => c.name).join('、')}。其他命令${now ? `按「${now.name}」处理` : '会先问你指哪一个'}；发送「切换竞赛」更换。`,
            `You have roles in ${names.length} competitions: ${names.map((c) => c.nameEn).join(', ')}. Other commands ${now ? `go to "${now.nameEn}"` : 'first ask which one you mean'}; send "switch" to change.`,
          ),
          'competition-note',
        );
        return;
      }
    }
    // A message in reply to one of the bot's cards (a file sent to a receipt) is about that card's competition.
    const routed = await this.route({ ...where, messageId: e.parentId });
    if (routed.kind === 'one') return this.onMessageIn(this.servicesOf(routed.id), e, command);
    // Asked only among the competitions where the command is the sender's to use; one such: no need to ask.
    const allowed = spec ? await this.allowedAmong(routed.ids, e.senderOpenId, spec) : routed.ids;
    if (allowed.length === 1) return this.onMessageIn(this.servicesOf(allowed[0]!), e, command);
    return this.offerChoice(e, allowed.length ? allowed : routed.ids);
  }

  private async allowedAmong(ids: readonly string[], openId: string, spec: CommandSpec): Promise<string[]> {
    const out: string[] = [];
    for (const id of ids)
      if (inAudience(await rolesOf(this.db, id, openId, this.base.admins), spec.audience)) out.push(id);
    return out;
  }

  /** The app's competitions where the person holds a role (the admins: all), in the configured order. */
  private async mineInApp(openId: string): Promise<string[]> {
    if (this.base.admins.includes(openId)) return this.app.competitions.map((s) => s.competitionId);
    const mine = await competitionsOfPerson(this.db, openId);
    return this.app.competitions.map((s) => s.competitionId).filter((id) => mine.has(id));
  }

  /**
   * Asks which competition a message is about (`ids`), or, for 切换竞赛 (`ids` undefined), offers a change. A group's
   * chooser is shown only to someone who may answer it (the office of one of the competitions offered); a person
   * with a single competition is told so rather than shown one button.
   */
  private async offerChoice(e: MessageEvent, ids: readonly string[] | undefined): Promise<void> {
    const inGroup = e.chatType === 'group';
    const reply = this.replier(this.base, e, `reply:${e.messageId}:choice`);
    const offered = inGroup
      ? (ids ?? this.app.competitions.map((s) => s.competitionId))
      : (ids ?? (await this.mineInApp(e.senderOpenId)));
    const current = inGroup
      ? await groupCompetition(this.db, e.chatId)
      : await rememberedChoice(this.db, this.app.name, e.chatId);
    const choices = await this.choices(offered);
    if (inGroup && !(await this.officeOfAny(offered, e.senderOpenId)))
      return reply(
        current
          ? text(
              `本群属于「${choices.find((c) => c.id === current)?.name ?? current}」。只有竞赛办可以为本群更换竞赛。`,
              `This group belongs to "${choices.find((c) => c.id === current)?.nameEn ?? current}". Only the competition office can change it.`,
            )
          : text(
              '这个群还没有对应的竞赛，请竞赛办在群里 @我 发送「切换竞赛」选择。',
              'This group does not belong to a competition yet: the competition office chooses by @mentioning me with "switch" here.',
            ),
        'competition-choice',
      );
    if (!inGroup && ids === undefined && offered.length < 2) {
      const [only] = choices;
      return reply(
        only
          ? text(
              `你只在「${only.name}」中有角色，命令都按它处理，无需选择。`,
              `You have a role only in "${only.nameEn}": commands go there, nothing to choose.`,
            )
          : text(
              '你还没有任何竞赛的角色，无需选择。发送「帮助」查看你可以做什么。',
              'You have no role in any competition yet, so there is nothing to choose. Send "help" to see what you can do.',
            ),
        'competition-choice',
      );
    }
    await reply(
      competitionChooserCard({
        choices,
        inGroup,
        pendingEventId: ids ? e.eventId : undefined,
        switching: ids === undefined,
        current: choices.find((c) => c.id === current),
      }),
      'competition-choice',
    );
  }

  private async officeOfAny(ids: readonly string[], openId: string): Promise<boolean> {
    for (const id of ids) if ((await rolesOf(this.db, id, openId, this.base.admins)).office) return true;
    return false;
  }

  private async onMessageIn(s: BotServices, e: MessageEvent, command: ReturnType<typeof parseCommand>): Promise<void> {
    const reply = this.replier(s, e);
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
      const en = spec.words.find((w) => /^\p{ASCII}+$/u.test(w)) ?? spec.name;
      const c = this.shared ? await s.competition() : undefined;
      await reply(
        c
          ? text(
              `在「${c.file.name}」中你没有权限使用「${spec.words[0]}」。发送「切换竞赛」更换竞赛，或发送「帮助」查看你可以做什么。`,
              `In "${c.file.nameEn}" you may not use "${en}". Send "switch" to change the competition, or "help" to see what you can do.`,
            )
          : text(
              `你没有权限使用「${spec.words[0]}」。发送「帮助」查看你可以做什么。`,
              `You may not use "${en}". Send "help" to see what you can do.`,
            ),
        'refusal',
      );
      return;
    }
    if (this.shared && !readsOnly(spec.name, command.args)) {
      const c = await s.competition();
      if (c.file.archived) return reply(archivedRefusal(c.file.name, c.file.nameEn), 'refusal');
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
    const present = e.kind === 'bot_added';
    const routed = this.shared
      ? await this.route({ chatId: e.chatId, group: true, openId: e.operatorOpenId })
      : ({ kind: 'one', id: this.base.competitionId } as const);
    const s = routed.kind === 'one' ? this.servicesOf(routed.id) : this.base;
    await rememberChatMembership(
      this.db,
      {
        chatId: e.chatId,
        name: e.chatName,
        chatType: 'group',
        present,
        competitionId: routed.kind === 'one' ? s.competitionId : null,
      },
      s.clock.now(),
    );
    if (!present) return;
    // Re-adding the bot later is a new event, and brings a new welcome.
    if (routed.kind === 'one') return this.welcome(s, e.chatId, `welcome:group:${e.chatId}:${e.eventId}`, true);
    // Whoever added the bot is in several of the app's competitions: the group's office chooses.
    await s.enqueue([
      {
        key: `choice:group:${e.chatId}:${e.eventId}`,
        purpose: 'competition-choice',
        op: 'send',
        receiveIdType: 'chat_id',
        receiveId: e.chatId,
        rateKey: `chat:${e.chatId}`,
        msgType: 'interactive',
        content: competitionChooserCard({ choices: await this.choices(routed.ids), inGroup: true }),
        competitionId: null,
      },
    ]);
  }

  private async onP2pEntered(e: Extract<InboundEvent, { kind: 'p2p_entered' }>): Promise<void> {
    const routed = await this.route({ chatId: e.chatId, group: false, openId: e.operatorOpenId });
    // The event comes every time someone opens the chat; they are welcomed once, by each of their competitions.
    if (routed.kind === 'one')
      return this.welcome(
        this.servicesOf(routed.id),
        e.chatId,
        `welcome:p2p:${e.operatorOpenId}`,
        false,
        `user:${e.operatorOpenId}`,
      );
    for (const id of routed.ids)
      await this.welcome(
        this.servicesOf(id),
        e.chatId,
        `welcome:p2p:${e.operatorOpenId}:${id}`,
        false,
        `user:${e.operatorOpenId}`,
      );
  }

  private async welcome(
    s: BotServices,
    chatId: string,
    key: string,
    inGroup: boolean,
    rateKey = `chat:${chatId}`,
  ): Promise<void> {
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
    const base = this.base;
    const parsed = actionValueSchema.safeParse(action.value);
    if (!parsed.success) return callbackBody({ toast: { type: 'error', text: STALE_BUTTON } });
    if (!(await claimReceipt(this.db, 'card_action', this.receiptKey(action.eventId), base.clock.now()))) return {};
    if (parsed.data.a === 'cmp.pick') return this.pick(action, parsed.data);
    const spec = this.actions.get(parsed.data.a);
    if (!spec) return callbackBody({ toast: { type: 'error', text: STALE_BUTTON } });
    let s = base;
    if (this.shared) {
      const group = action.chatId ? await base.repos.chats.isKnownGroup(action.chatId) : false;
      const routed = await this.route({
        chatId: action.chatId,
        group,
        openId: action.operatorOpenId,
        messageId: action.messageId,
      });
      if (routed.kind === 'ask') return callbackBody({ toast: { type: 'error', text: UNKNOWN_COMPETITION } });
      s = this.servicesOf(routed.id);
    }
    const roles = action.operatorOpenId
      ? await rolesOf(this.db, s.competitionId, action.operatorOpenId, s.admins)
      : NO_ROLES;
    if (!inAudience(roles, spec.audience)) return callbackBody({ toast: { type: 'error', text: NOT_ALLOWED } });
    if (this.shared && !READ_ONLY_ACTIONS.has(spec.action)) {
      const c = await s.competition();
      if (c.file.archived)
        return callbackBody({ toast: { type: 'error', text: archivedRefusal(c.file.name, c.file.nameEn) } });
    }

    const work = this.runAction(s, spec, action, roles, parsed.data);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overrun = new Promise<'overrun'>((resolve) => {
      timer = setTimeout(() => resolve('overrun'), this.options.callbackBudgetMs);
    });
    const answered = await Promise.race([work, overrun]);
    clearTimeout(timer);
    // Where the app serves several competitions, a card names its competition (src/container.ts does so for sends).
    const first =
      answered !== 'overrun' && answered.card && this.shared
        ? { ...answered, card: withSubtitle(answered.card, await this.nameOf(s)) }
        : answered;
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

  /**
   * A competition chosen on the chooser: remembered for the conversation (a group's by its office), and the command
   * that was put aside is answered in it.
   */
  private async pick(action: CardAction, value: Extract<ActionValue, { a: 'cmp.pick' }>): Promise<CallbackBody> {
    const picked = this.byId.get(value.to);
    const chatId = action.chatId;
    if (!picked || !chatId || !action.operatorOpenId)
      return callbackBody({ toast: { type: 'error', text: STALE_BUTTON } });
    const inGroup = await picked.repos.chats.isKnownGroup(chatId);
    // A first choice for a group that has one since (another chooser was answered): it stays; only 切换竞赛 changes it.
    const decided = inGroup && !value.sw ? await groupCompetition(this.db, chatId) : undefined;
    const kept = decided && decided !== picked.competitionId ? this.byId.get(decided) : undefined;
    const s = kept ?? picked;
    const now = s.clock.now();
    if (!kept) {
      const roles = await rolesOf(this.db, s.competitionId, action.operatorOpenId, s.admins);
      if (!inAudience(roles, inGroup ? 'office' : ['office', 'leader', 'contact', 'judge']))
        return callbackBody({ toast: { type: 'error', text: inGroup ? GROUP_CHOICE_OFFICE_ONLY : NOT_ALLOWED } });
      // A group's choice is its chats row; a one-to-one chat's is remembered for the conversation.
      if (inGroup) await assignGroup(this.db, chatId, s.competitionId, now);
      else
        await rememberChoice(
          this.db,
          { app: this.app.name, chatId, competitionId: s.competitionId, openId: action.operatorOpenId },
          now,
        );
    }
    const pending = value.e;
    if (pending && (await claimReceipt(this.db, 'event', this.receiptKey(`replay:${pending}`), now))) {
      const received = await receivedEvent(this.db, this.app.name, pending);
      if (received) {
        const inbound = normaliseEvent(pending, received.eventType, received.payload);
        if (inbound.kind === 'message')
          this.defer.run('command after a competition was chosen', async () => {
            const botOpenId = s.lark.enabled
              ? await s.lark.botInfo().then(
                  (b) => b.openId,
                  () => undefined,
                )
              : undefined;
            await this.onMessageIn(
              s,
              inbound,
              parseCommand(inbound.text ?? '', inbound.mentions, botOpenId, this.words),
            );
          });
      }
    }
    const [chosen] = await this.choices([s.competitionId]);
    return callbackBody({
      toast: kept
        ? {
            type: 'info',
            text: text(
              `本群已属于「${chosen!.name}」，未更换。如需更换，请竞赛办发送「切换竞赛」。`,
              `This group already belongs to "${chosen!.nameEn}"; unchanged. To change it, the office sends "switch".`,
            ),
          }
        : { type: 'success', text: text(`已选择：${chosen!.name}`, `Chosen: ${chosen!.nameEn}`) },
      card: competitionChosenCard(chosen!, inGroup),
    });
  }

  private async runAction(
    s: BotServices,
    spec: CardActionSpec,
    action: CardAction,
    roles: Awaited<ReturnType<typeof rolesOf>>,
    value: ActionValue,
  ): Promise<CardResponse> {
    const name = value.a;
    try {
      return await spec.run({ services: s, action, roles }, value as never);
    } catch (err) {
      if (isUserError(err)) return { toast: { type: 'error', text: err.text } };
      s.logger.error('card action failed', { action: name, err });
      return { toast: { type: 'error', text: GENERIC_ERROR } };
    }
  }
}
