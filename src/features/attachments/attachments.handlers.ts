/**
 * Evidence files in chat (资料报送). A contact sends files or images to the bot one-to-one right after submitting a
 * report, a self-evaluation or award materials, or in reply to its receipt: the bot checks who sent it, whether the
 * item still takes files, the type, the count and the size (streamed and counted, never kept), stores Lark's keys,
 * confirms in a reply and updates the receipt. `att.remove` detaches a file (the receipt's 移除); `att.open` has the bot
 * forward a file's original message to the reader one-to-one. Only Lark's message and resource keys are stored.
 *
 * The items files attach to belong to other features (reports, awards): the composition root hands them in as one
 * resolver (src/container.ts), so this feature imports neither.
 */
import type { Card } from '../../../cards/kit';
import { localDateTimeOf } from '../../competition/calendar';
import type { Roles } from '../../core/roles';
import { LarkApiError, type ResourceFacts } from '../../lark/client';
import type { BotServices, CardActionSpec, ResourceMessageSpec } from '../../lark/handlers';
import { refuse } from '../../platform/errors';
import { echo, text, type Text } from '../../platform/i18n';
import type { Attachment, AttachTarget } from './attachments.repository';
import {
  attachedReply,
  canOpen,
  imageName,
  LARK_DOWNLOAD_MAX_BYTES,
  LARK_DOWNLOAD_TOO_LARGE,
  maxBytes,
  noTarget,
  notAReceipt,
  pastWindow,
  PATCHABLE_MS,
  refusedBeforeDownload,
  tooLarge,
  windowStart,
} from './attachments.rules';

/** What files are attached to, as its own feature describes it. */
export interface AttachSubject {
  /** The project's unit and track: who may attach, detach and open. */
  unit: string;
  track: string;
  /** How replies name it, e.g. 2024-T02-PD-1「5月进展」. */
  name: Text;
  /** Why files can no longer be attached or detached, when they cannot. */
  closed: Text | undefined;
  /** Its receipt card as it now stands (with the files), for `viewer`; undefined when there is none to show. */
  receipt(): Promise<Card | undefined>;
}

export type AttachSubjectResolver = (
  s: BotServices,
  target: Pick<AttachTarget, 'projectId' | 'subject' | 'subjectKey'>,
  viewer: { roles: Roles; openId: string },
) => Promise<AttachSubject | undefined>;

const GONE = text(
  '这份材料已不存在（项目可能已撤回）。',
  'What this was attached to no longer exists (the project may have been withdrawn).',
);

function requireContact(roles: Roles, subject: AttachSubject): void {
  if (!roles.contactOf.includes(subject.unit))
    refuse(
      'attachments.not_contact',
      '只有这个项目所在单位的联络员可以附上或移除文件。',
      "Only the contacts of the project's unit can attach or remove files.",
    );
}

function requireOpen(subject: AttachSubject): void {
  if (subject.closed)
    refuse(
      'attachments.closed',
      `${subject.closed.zh}附件不能再增减。`,
      `${subject.closed.en} Attachments can no longer change.`,
    );
}

/** Replaces the receipt card (its message) with its current state: the outbox's `patch`, one per change. */
async function patchReceipt(
  s: BotServices,
  receiptMessageId: string,
  shownAt: number,
  subject: AttachSubject,
  key: string,
): Promise<void> {
  // Past 14 days Lark refuses the patch (230031): the reply has said what is attached. No receipt: nothing to redraw.
  if (!receiptMessageId || s.clock.now() - shownAt > PATCHABLE_MS) return;
  const card = await subject.receipt();
  if (!card) return;
  await s.enqueue([
    {
      key,
      purpose: 'attachment-receipt',
      op: 'patch',
      receiveIdType: 'message_id',
      receiveId: receiptMessageId,
      rateKey: `message:${receiptMessageId}`,
      msgType: 'interactive',
      content: card,
      competitionId: s.competitionId,
    },
  ]);
}

/** Downloads (counting, keeping nothing) up to the limit; Lark's own 100 MB refusal is "too large" too. */
async function measure(
  s: BotServices,
  req: { messageId: string; key: string; type: 'file' | 'image'; maxBytes: number },
): Promise<ResourceFacts> {
  try {
    return await s.lark.downloadResource(req);
  } catch (err) {
    if (err instanceof LarkApiError && err.code === LARK_DOWNLOAD_TOO_LARGE)
      return { sizeBytes: LARK_DOWNLOAD_MAX_BYTES + 1, contentType: '', tooLarge: true };
    throw err;
  }
}

/**
 * What a message other than a receipt takes files for: a judge's comment card (files sent in reply to it attach to the
 * report or self-evaluation it is on). Handed in by the composition root, as the resolver is.
 */
export type ReplyItemResolver = (
  s: BotServices,
  messageId: string,
) => Promise<Pick<AttachTarget, 'projectId' | 'subject' | 'subjectKey'> | undefined>;

export function attachmentFeature(
  resolve: AttachSubjectResolver,
  replyItem: ReplyItemResolver = async () => undefined,
): {
  intake: ResourceMessageSpec;
  actions: readonly CardActionSpec<any>[];
} {
  /** The item a reply is for: the receipt replied to, or the item of a card that takes files (its receipt, if any). */
  const targetOfReply = async (s: BotServices, messageId: string): Promise<AttachTarget | undefined> => {
    const receipt = await s.repos.attachments.targetOfMessage(messageId);
    if (receipt) return receipt;
    const item = await replyItem(s, messageId);
    if (!item) return undefined;
    return (
      (await s.repos.attachments.latestTargetOf(item.projectId, item.subject, item.subjectKey)) ?? {
        ...item,
        // No receipt of it to redraw.
        messageId: '',
        openId: '',
        createdAt: 0,
      }
    );
  };

  const intake: ResourceMessageSpec = {
    async run(ctx) {
      const s = ctx.services;
      const e = ctx.event;
      const r = e.resource;
      const c = await s.competition();
      const limits = c.file.attachments;
      const now = s.clock.now();
      // A reply to a receipt, however old, or to a card that takes files for an item (a judge's comment: the item's
      // latest receipt is redrawn, if any); otherwise the receipt this person was shown last, within the window.
      const replied = e.parentId ? await targetOfReply(s, e.parentId) : undefined;
      if (e.parentId && !replied) {
        const t = notAReceipt(limits);
        refuse('attachments.not_a_receipt', t.zh, t.en);
      }
      const target =
        replied ?? (await s.repos.attachments.latestTarget(s.competitionId, e.senderOpenId, windowStart(now, limits)));
      if (!target) {
        // Say which receipt to reply to when the window has passed; else how attaching works.
        const earlier = await s.repos.attachments.latestTarget(s.competitionId, e.senderOpenId, 0);
        const item = earlier && (await resolve(s, earlier, { roles: ctx.roles, openId: e.senderOpenId }));
        const t = item ? pastWindow(item.name, limits) : noTarget(limits);
        refuse('attachments.no_target', t.zh, t.en);
      }
      const subject = await resolve(s, target!, { roles: ctx.roles, openId: e.senderOpenId });
      if (!subject) refuse('attachments.gone', GONE.zh, GONE.en);
      requireContact(ctx.roles, subject!);
      requireOpen(subject!);
      const of = [target!.projectId, target!.subject, target!.subjectKey] as const;
      const same = (a: Attachment) => a.messageId === e.messageId && a.resourceKey === r.key;
      let attached = await s.repos.attachments.attachmentsOf(...of);
      // A re-delivered message: attached already, so neither checked nor downloaded again (its reply and patch have
      // the same keys as the first time: nothing is sent twice).
      if (!attached.some(same)) {
        const before = refusedBeforeDownload(r, attached.length, target!.subject, limits);
        if (before) refuse(before.code, before.text.zh, before.text.en);
        const facts = await measure(s, {
          messageId: e.messageId,
          key: r.key,
          type: r.type,
          maxBytes: maxBytes(limits),
        });
        if (facts.tooLarge) {
          const t = tooLarge(limits);
          refuse(t.code, t.text.zh, t.text.en);
        }
        const fileName =
          r.type === 'image' || !r.fileName
            ? imageName(localDateTimeOf(now, c.timeZone), facts.contentType)
            : r.fileName.slice(0, 255);
        await s.transaction(async (repos) => {
          const { attachment, created } = await repos.attachments.addAttachment(s.competitionId, {
            projectId: target!.projectId,
            subject: target!.subject,
            subjectKey: target!.subjectKey,
            messageId: e.messageId,
            resourceKey: r.key,
            resourceType: r.type,
            fileName,
            sizeBytes: facts.sizeBytes,
            contentType: facts.contentType || 'application/octet-stream',
            addedBy: e.senderOpenId,
            addedAt: now,
          });
          if (!created) return;
          // Two files at once may both have passed the count: the later one is rolled back.
          const full = refusedBeforeDownload(
            r,
            (await repos.attachments.attachmentsOf(...of)).length - 1,
            target!.subject,
            limits,
          );
          if (full?.code === 'attachments.full') refuse(full.code, full.text.zh, full.text.en);
          await repos.audit.recordAudit({
            competitionId: s.competitionId,
            actor: e.senderOpenId,
            action: 'attachment.add',
            entityType: 'attachment',
            entityId: attachment.id,
            after: {
              projectId: target!.projectId,
              subject: target!.subject,
              subjectKey: target!.subjectKey,
              messageId: e.messageId,
              resourceKey: r.key,
              resourceType: r.type,
              fileName,
              sizeBytes: facts.sizeBytes,
              contentType: attachment.contentType,
              receipt: target!.messageId,
            },
            at: now,
          });
        });
        attached = await s.repos.attachments.attachmentsOf(...of);
      }
      const mine = attached.find(same);
      if (!mine) return;
      await ctx.reply(attachedReply(subject!.name, mine.fileName, mine.sizeBytes, attached.length), 'attachment-added');
      await patchReceipt(s, target!.messageId, target!.createdAt, subject!, `attachment-receipt:${mine.id}:added`);
    },
  };

  const removeAction: CardActionSpec<'att.remove'> = {
    action: 'att.remove',
    audience: 'contact',
    async run(ctx, v) {
      const s = ctx.services;
      const operator = ctx.action.operatorOpenId;
      const a = await s.repos.attachments.findAttachment(v.id);
      const subject = a && (await resolve(s, a, { roles: ctx.roles, openId: operator }));
      if (!a || !subject) refuse('attachments.gone', GONE.zh, GONE.en);
      requireContact(ctx.roles, subject!);
      if (!a!.removedAt) {
        requireOpen(subject!);
        const now = s.clock.now();
        await s.transaction(async (repos) => {
          if (!(await repos.attachments.removeAttachment(a!.id, operator, now))) return;
          await repos.audit.recordAudit({
            competitionId: s.competitionId,
            actor: operator,
            action: 'attachment.remove',
            entityType: 'attachment',
            entityId: a!.id,
            before: { projectId: a!.projectId, subject: a!.subject, subjectKey: a!.subjectKey, fileName: a!.fileName },
            at: now,
          });
        });
      }
      // Removed (now or by an earlier click): the receipt as it now stands.
      const card = await subject!.receipt();
      return {
        ...(card ? { card } : {}),
        toast: { type: 'success', text: text(`已移除：${echo(a!.fileName, 40)}`, `Removed: ${echo(a!.fileName, 40)}`) },
      };
    },
  };

  const openAction: CardActionSpec<'att.open'> = {
    action: 'att.open',
    audience: ['contact', 'judge', 'oversight'],
    async run(ctx, v) {
      const s = ctx.services;
      const operator = ctx.action.operatorOpenId;
      const a = await s.repos.attachments.findAttachment(v.id);
      const subject = a && (await resolve(s, a, { roles: ctx.roles, openId: operator }));
      if (!a || !subject) refuse('attachments.gone', GONE.zh, GONE.en);
      if (!canOpen(ctx.roles, subject!))
        refuse('attachments.not_reader', '你不能查看这个项目的附件。', "You may not open this project's attachments.");
      if (a!.removedAt)
        refuse(
          'attachments.removed',
          '这个文件已被移除，不能再打开。',
          'This file has been removed and can no longer be opened.',
        );
      const now = s.clock.now();
      await s.transaction(async (repos) => {
        await repos.outbox.enqueueMessages(
          [
            {
              // One forward per click (a callback delivered twice is the same click), always to the clicker.
              key: `attachment-open:${a!.id}:${operator}:${ctx.action.eventId}`,
              purpose: 'attachment-open',
              op: 'forward',
              receiveIdType: 'open_id',
              receiveId: operator,
              rateKey: `user:${operator}`,
              msgType: a!.resourceType,
              content: { message_id: a!.messageId },
              competitionId: s.competitionId,
            },
          ],
          now,
        );
        await repos.audit.recordAudit({
          competitionId: s.competitionId,
          actor: operator,
          action: 'attachment.open',
          entityType: 'attachment',
          entityId: a!.id,
          at: now,
        });
      });
      s.wakeOutbox();
      return {
        toast: {
          type: 'success',
          text: text('已发到你和机器人的单聊', 'Sent to your one-to-one chat with the bot'),
        },
      };
    },
  };

  return { intake, actions: [removeAction, openAction] };
}
