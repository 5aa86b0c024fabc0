/**
 * The contract between the Lark edge and the features: commands (chat text) and card actions. Features export
 * specs; the container lists them; the bot dispatches to them after verification, deduplication and authorisation.
 */
import type { Card } from '../../cards/kit';
import type { ActionName, ActionValue } from '../../cards/actions';
import type { Competition } from '../competition/competition';
import type { Audience, Roles } from '../core/roles';
import type { Clock } from '../platform/clock';
import type { Text } from '../platform/i18n';
import type { Logger } from '../platform/logger';
import type { Store } from '../platform/store';
import type { CardAction, InboundEvent } from './envelope';
import type { ParsedCommand } from './commands';
import type { LarkApi } from './client';
import type { OutgoingMessage } from './outbox.repository';

/**
 * What handlers may use: the repositories (never the connection: every statement lives in a repository, and a
 * transaction is `transaction(repos => …)`), the clock, the competition, the outbox.
 */
export interface BotServices extends Store {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly competitionId: string;
  readonly admins: readonly string[];
  readonly lark: LarkApi;
  competition(): Promise<Competition>;
  /** Stores messages in the outbox (duplicates by key are ignored) and wakes the sender. */
  enqueue(messages: OutgoingMessage[]): Promise<number>;
  /** Starts a drain for messages a handler stored in its own transaction (enqueueMessages(trx, …)). */
  wakeOutbox(): void;
  /** Every command the bot knows, for the help card. */
  readonly commands: readonly CommandSpec[];
}

export type MessageEvent = Extract<InboundEvent, { kind: 'message' }>;

export interface CommandContext {
  readonly services: BotServices;
  readonly event: MessageEvent;
  readonly command: ParsedCommand;
  readonly roles: Roles;
  /** Replies to the command's message, in its chat; replies are numbered so that each has its own key. */
  reply(content: Card | Text, purpose: string): Promise<void>;
}

export interface CommandSpec {
  readonly name: string;
  /** Chinese words first, then English aliases. */
  readonly words: readonly string[];
  readonly summary: Text;
  readonly usage?: Text;
  /** Who may use it (several audiences: anyone in any of them); handlers narrow further by unit or track. */
  readonly audience: Audience | readonly Audience[];
  run(ctx: CommandContext): Promise<void>;
}

/**
 * A file or image sent to the bot one-to-one (evidence for a report, a self-evaluation or award materials): whoever
 * sends one reaches `run` with their roles; a refusal (refuse()) is answered in the chat like a command's.
 */
export interface ResourceMessageSpec {
  run(
    ctx: Omit<CommandContext, 'command'> & {
      event: MessageEvent & { resource: NonNullable<MessageEvent['resource']> };
    },
  ): Promise<void>;
}

export interface CardActionContext {
  readonly services: BotServices;
  readonly action: CardAction;
  readonly roles: Roles;
}

export interface CardResponse {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; text: Text };
  card?: Card;
}

export interface CardActionSpec<N extends ActionName = ActionName> {
  readonly action: N;
  readonly audience: Audience | readonly Audience[];
  run(ctx: CardActionContext, value: Extract<ActionValue, { a: N }>): Promise<CardResponse>;
}
