/**
 * A click on a card in a group. A card message in a group is one message every member sees, and Feishu applies a
 * callback's card to it for everyone: one person's click must never replace it (the welcome card, a unit's project
 * list, a published ranking…), nor put a person's form or page in its place. The rule, written once for every card
 * action that answers with a card: in a one-to-one chat the card is replaced in place; in a group the card stays as
 * it is, the clicker gets the answer as a new message in their one-to-one chat with the bot (their own view, not a
 * post for the whole group), and a toast says where it went.
 */
import type { Card } from '../../cards/kit';
import { refuse } from '../platform/errors';
import { text, type Text } from '../platform/i18n';
import type { CardActionContext, CardResponse } from './handlers';

/**
 * Answers a click with `card`: in place in a one-to-one chat, or, on a card in a group the bot knows (the bot
 * remembers every group it posts a card to), as a one-to-one message to the clicker with a toast naming `what` it
 * is. `purpose` names the message in the outbox, as the commands do.
 */
export async function answerClick(
  ctx: CardActionContext,
  card: Card,
  what: Text,
  purpose: string,
): Promise<CardResponse> {
  const s = ctx.services;
  const chatId = ctx.action.chatId;
  if (!chatId || !(await s.repos.chats.isKnownGroup(chatId))) return { card };
  const to = ctx.action.operatorOpenId;
  if (!to)
    refuse(
      'cards.no_operator',
      `请在与我的一对一聊天中查看：${what.zh}。群里的卡片保持不变。`,
      `See it in a one-to-one chat with me: ${what.en}. The card in the group stays as it is.`,
    );
  await s.enqueue([
    {
      // One message per click (a callback delivered twice is the same click).
      key: `${purpose}-click:${ctx.action.eventId}`,
      purpose,
      op: 'send',
      receiveIdType: 'open_id',
      receiveId: to,
      rateKey: `user:${to}`,
      msgType: 'interactive',
      content: card,
      competitionId: s.competitionId,
    },
  ]);
  return {
    toast: {
      type: 'success',
      text: text(
        `已在与我的一对一聊天中发给你：${what.zh}。群里的卡片保持不变。`,
        `Sent to you in your one-to-one chat with me: ${what.en}. The card in the group stays as it is.`,
      ),
    },
  };
}

/**
 * Answers a click with `card` as a new message, leaving the clicked card as it is: for a button on a list or a form
 * whose card must stay (the judges' daily card, a question's card with its answer form). One-to-one it is a reply to
 * the clicked card, in a group it goes to the clicker one-to-one (answerClick's rule); a toast says where it went.
 */
export async function answerBeside(
  ctx: CardActionContext,
  card: Card,
  what: Text,
  purpose: string,
): Promise<CardResponse> {
  const s = ctx.services;
  const a = ctx.action;
  if (a.chatId && (await s.repos.chats.isKnownGroup(a.chatId))) return answerClick(ctx, card, what, purpose);
  if (!a.messageId && !a.operatorOpenId)
    refuse('cards.no_operator', `请重新发送命令查看：${what.zh}。`, `Send the command again to see ${what.en}.`);
  await s.enqueue([
    {
      // One message per click (a callback delivered twice is the same click).
      key: `${purpose}-beside:${a.eventId}`,
      purpose,
      ...(a.messageId
        ? { op: 'reply' as const, receiveIdType: 'message_id' as const, receiveId: a.messageId }
        : { op: 'send' as const, receiveIdType: 'open_id' as const, receiveId: a.operatorOpenId }),
      rateKey: `user:${a.operatorOpenId}`,
      msgType: 'interactive',
      content: card,
      competitionId: s.competitionId,
    },
  ]);
  return {
    toast: {
      type: 'success',
      text: text(`已在下方打开：${what.zh}。`, `Opened below: ${what.en}.`),
    },
  };
}
