/**
 * What may be shown where: some cards (a judge's own scores, nominations, unpublished standings) belong in a
 * one-to-one chat only.
 */
import type { Repositories } from '../platform/store';
import { refuse } from '../platform/errors';
import type { Text } from '../platform/i18n';

/**
 * Refuses (with `why`) a click that comes from a group the bot knows: such cards are only sent to one-to-one chats
 * and cannot be forwarded, and whatever a card says, the chat decides. A legacy callback carries no chat and is let
 * through on that basis.
 */
export async function refuseInGroup(repos: Repositories, chatId: string | undefined, why: Text): Promise<void> {
  if (chatId && (await repos.chats.isKnownGroup(chatId))) refuse('chats.one_to_one_only', why.zh, why.en);
}
