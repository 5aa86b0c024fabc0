/**
 * What a group chat is for: a unit's group (`本群绑定 黄浦区`) or the competition's announcement group (`设为通知群`).
 *
 * A unit has one group and the competition one announcement group: notices and reminders then go to exactly one
 * place, and naming a new one moves the purpose there (the reply and the audit name the chat that lost it). A chat
 * has one purpose, so binding an announcement group to a unit ends its announcing, and the reverse.
 */
import { UserError } from '../../platform/errors';
import { text } from '../../platform/i18n';
import type { Store } from '../../platform/store';
import type { ChatBinding, ChatPurpose } from '../../core/chats.repository';

export type WantedPurpose = { purpose: 'unit'; unitCode: string } | { purpose: 'announcement' } | { purpose: '' };

export interface PurposeResult {
  /** The chat as it was (purpose '' when the bot had no record of it). */
  before: ChatBinding;
  /** Nothing to do: the chat already had that purpose in this competition. */
  already: boolean;
  /** Other chats that had the purpose and lost it to this one. */
  displaced: ChatBinding[];
}

const unitOf = (w: WantedPurpose) => (w.purpose === 'unit' ? w.unitCode : null);

/** Pure: whether the chat already has the wanted purpose in this competition. */
export function hasPurpose(chat: ChatBinding, competitionId: string, wanted: WantedPurpose): boolean {
  if (wanted.purpose === '') return chat.purpose === '' || chat.competitionId !== competitionId;
  return chat.competitionId === competitionId && chat.purpose === wanted.purpose && chat.unitCode === unitOf(wanted);
}

const snapshot = (c: ChatBinding) => ({ competitionId: c.competitionId, purpose: c.purpose, unitCode: c.unitCode });

export async function setChatPurpose(
  store: Store,
  req: { competitionId: string; chatId: string; actor: string; wanted: WantedPurpose; now: number },
): Promise<PurposeResult> {
  // The command came from the chat, so the bot is in it, whether or not it was told when it was added. Outside the
  // transaction for the same reason as rememberPerson: insert-then-update on one row deadlocks on MySQL.
  await store.repos.chats.rememberChatMembership(
    { chatId: req.chatId, name: undefined, chatType: 'group', present: true, competitionId: req.competitionId },
    req.now,
  );
  return store.transaction(async (tx) => {
    await tx.chats.lockChatPurposes(req.competitionId);
    const before = (await tx.chats.findChatBinding(req.chatId))!;
    if (hasPurpose(before, req.competitionId, req.wanted)) return { before, already: true, displaced: [] };
    // A group serves one competition: another competition's unit or announcement group (another app's bot is in it
    // too) is not taken over.
    if (before.competitionId !== null && before.competitionId !== req.competitionId && before.purpose !== '')
      throw new UserError(
        'chat.other_competition',
        text(
          '这个群已是另一个竞赛的单位群或通知群，不能再用于本竞赛。请另建一个群，或先在那个竞赛中把它解绑（「本群解绑」）。',
          'This group is already a unit or announcement group of another competition and cannot serve this one too. Use another group, or first unbind it in that competition ("unbind chat").',
        ),
      );
    const purpose: ChatPurpose = req.wanted.purpose;
    const displaced =
      purpose === '' ? [] : await tx.chats.chatsWithPurpose(req.competitionId, purpose, unitOf(req.wanted), req.chatId);
    for (const other of displaced) {
      await tx.chats.updateChatPurpose(
        other.chatId,
        { competitionId: req.competitionId, purpose: '', unitCode: null },
        req.now,
      );
      await tx.audit.recordAudit({
        competitionId: req.competitionId,
        actor: req.actor,
        action: 'chat.unbind',
        entityType: 'chat',
        entityId: other.chatId,
        before: snapshot(other),
        after: { competitionId: req.competitionId, purpose: '', unitCode: null, replacedBy: req.chatId },
        at: req.now,
      });
    }
    const after = { competitionId: req.competitionId, purpose, unitCode: unitOf(req.wanted) };
    await tx.chats.updateChatPurpose(req.chatId, after, req.now);
    await tx.audit.recordAudit({
      competitionId: req.competitionId,
      actor: req.actor,
      action: purpose === '' ? 'chat.unbind' : 'chat.bind',
      entityType: 'chat',
      entityId: req.chatId,
      before: snapshot(before),
      after,
      at: req.now,
    });
    return { before, already: false, displaced };
  });
}
