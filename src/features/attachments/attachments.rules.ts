/**
 * Evidence files as pure rules: what a file sent to the bot attaches to, whether it may (type, count, size), who may
 * read the files, and what the contact is told. Each refusal says what to fix, Chinese first. The limits come from
 * the competition file's `attachments` section; Lark's own are documented where they apply.
 */
import type { Roles } from '../../core/roles';
import { text, type Text } from '../../platform/i18n';
import { fileSize, SUBJECT_NAME, type AttachmentSubject } from '../../../cards/attachments';

export interface AttachmentLimits {
  maxFileMB: number;
  extensions: readonly string[];
  perItem: number;
  windowMinutes: number;
}

/**
 * A bot downloads a message's resource only up to 100 MB (234037 past it)
 * (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get); the competition
 * file's maxFileMB is at most that.
 */
export const LARK_DOWNLOAD_MAX_BYTES = 100 * 1024 * 1024;
export const LARK_DOWNLOAD_TOO_LARGE = 234037;

export const maxBytes = (l: AttachmentLimits): number => Math.min(l.maxFileMB * 1024 * 1024, LARK_DOWNLOAD_MAX_BYTES);

/** Receipts shown at or after this instant take files sent without a reply. */
export const windowStart = (now: number, l: AttachmentLimits): number => now - l.windowMinutes * 60_000;

/** A receipt's card can be patched for 14 days after it was sent (230031); we stop a day short. */
export const PATCHABLE_MS = 13 * 86_400_000;

/** The lower-case extension of a file name, without the dot. */
export function extensionOf(name: string): string | undefined {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

const IMAGE_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'image/heic': 'heic',
};

/** An image has no name in chat: it is named after when it came (local time) and its type. */
export function imageName(localDateTime: string, contentType: string): string {
  return `图片 ${localDateTime}.${IMAGE_EXTENSIONS[contentType] ?? 'img'}`;
}

/** Sent with no receipt to reply to, and none shown in the window. */
export function noTarget(l: AttachmentLimits): Text {
  return text(
    `这个文件没有附到任何材料。请先提交进展报告、自评或表彰申报材料，在回执卡片出现后 ${l.windowMinutes} 分钟内把文件或图片发给我；之后请回复那张回执卡片发送。`,
    `This file was not attached to anything. Submit a progress report, a self-evaluation or award materials first, then send me files or images within ${l.windowMinutes} minutes of the receipt card; after that, send them as a reply to the receipt card.`,
  );
}

/** A file sent after the window, with no reply: say which receipt to reply to. */
export function pastWindow(name: Text, l: AttachmentLimits): Text {
  return text(
    `这个文件没有附上：距离${name.zh}的回执已超过 ${l.windowMinutes} 分钟。请在那张回执卡片上点「回复」再发送文件，就会附到它。`,
    `This file was not attached: more than ${l.windowMinutes} minutes have passed since the receipt of ${name.en}. Send it as a reply to that receipt card and it will be attached.`,
  );
}

/** A file sent in reply to a message that takes no files. */
export function notAReceipt(l: AttachmentLimits): Text {
  return text(
    `这个文件没有附上：你回复的消息不收附件。请回复进展报告、自评或表彰材料的回执卡片（或评委指导意见卡片）发送；刚提交的回执在 ${l.windowMinutes} 分钟内也可以直接发送。`,
    `This file was not attached: the message you replied to takes no files. Reply to the receipt of a report, a self-evaluation or award materials (or to a judge's guidance card); within ${l.windowMinutes} minutes of a receipt you may also just send it.`,
  );
}

/** Why the file cannot be attached before it is even downloaded: its type, or the item is full. */
export function refusedBeforeDownload(
  resource: { type: 'file' | 'image'; fileName: string | undefined },
  attached: number,
  subject: AttachmentSubject,
  l: AttachmentLimits,
): { code: string; text: Text } | undefined {
  const what = SUBJECT_NAME[subject];
  if (attached >= l.perItem)
    return {
      code: 'attachments.full',
      text: text(
        `这份${what.zh}已有 ${attached} 个附件，达到上限 ${l.perItem} 个。请先在回执卡片上「移除」不需要的，再发送。`,
        `This ${what.en} already has ${attached} attachments, the most allowed (${l.perItem}). Remove some on the receipt card first, then send again.`,
      ),
    };
  if (resource.type === 'image') return undefined;
  const ext = resource.fileName ? extensionOf(resource.fileName) : undefined;
  if (!ext || !l.extensions.includes(ext))
    return {
      code: 'attachments.type',
      text: text(
        `不能附${ext ? ` .${ext} ` : '没有扩展名的'}文件。可以附的类型：${l.extensions.join('、')}；图片直接发送即可。`,
        `${ext ? `.${ext} files` : 'Files without an extension'} cannot be attached. Allowed types: ${l.extensions.join(', ')}; images can be sent as they are.`,
      ),
    };
  return undefined;
}

/** Over the size limit: the download was stopped there. */
export function tooLarge(l: AttachmentLimits): { code: string; text: Text } {
  return {
    code: 'attachments.too_large',
    text: text(
      `文件超过 ${l.maxFileMB} MB 的上限，没有附上。请压缩或拆分后再发送。`,
      `The file is larger than the ${l.maxFileMB} MB limit and was not attached. Compress or split it, then send again.`,
    ),
  };
}

/** The reply to the file message: 已附到 2024-T02-PD-1「5 月进展」：文件名（1.2 MB），共 2 个附件. Plain text. */
export function attachedReply(subjectName: Text, fileName: string, sizeBytes: number, count: number): Text {
  return text(
    `已附到 ${subjectName.zh}：${fileName}（${fileSize(sizeBytes)}），共 ${count} 个附件。`,
    `Attached to ${subjectName.en}: ${fileName} (${fileSize(sizeBytes)}); ${count} attachment(s) in all.`,
  );
}

/**
 * Who may open a project's files: its unit's contacts, its track's judges, the office and the leadership (the same
 * rule as reading its reports).
 */
export function canOpen(roles: Roles, owner: { unit: string; track: string }): boolean {
  return roles.office || roles.leader || roles.contactOf.includes(owner.unit) || roles.judgeOf.includes(owner.track);
}
