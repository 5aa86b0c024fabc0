/**
 * Evidence files on cards: what a receipt says about attaching files (send them right after, or reply to the card),
 * the files attached with a button each to detach them, and the files of an award on the leadership's decision card
 * with a button each to have the bot forward them. File names are typed by people: plain text only, once.
 */
import { excerpt, text, type Text } from '../src/platform/i18n';
import { button, markdown, plainText, userText, type Element } from './kit';

/** What files are attached to: a period's report or self-evaluation, or an award's materials. */
export type AttachmentSubject = 'report' | 'self_evaluation' | 'award';

export const SUBJECT_NAME: Record<AttachmentSubject, Text> = {
  report: text('报告', 'report'),
  self_evaluation: text('自评', 'self-evaluation'),
  award: text('申报材料', 'award materials'),
};

export interface AttachedFile {
  id: string;
  name: string;
  sizeBytes: number;
}

/**
 * Files a card lists at most, each with its button; the rest are counted. The competition file allows up to 50 per
 * item (attachments.perItem): 50 names of 255 characters would not fit a card.
 */
export const FILES_LISTED = 10;

/** A size as people read it: 12 KB, 1.2 MB. */
export const fileSize = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${bytes} B`;

export interface ReceiptFiles {
  subject: AttachmentSubject;
  files: readonly AttachedFile[];
  /** attachments.windowMinutes of the competition file. */
  windowMinutes: number;
  /** attachments.perItem. */
  perItem: number;
  /** Files may still be attached and detached (the subject has not closed). */
  open: boolean;
}

/**
 * On a receipt: how to attach files (while open), then the files attached, each with 移除 while open; at most
 * `listed` of them (a card long with other text lists fewer: fitCard).
 */
export function receiptFileElements(view: ReceiptFiles, listed = FILES_LISTED): Element[] {
  const what = SUBJECT_NAME[view.subject];
  const out: Element[] = [];
  if (view.open)
    out.push(
      markdown(
        text(
          `可以直接把文件或图片发给我，${view.windowMinutes} 分钟内发送的会附到这份${what.zh}；之后请回复这张卡片发送。`,
          `You can send me files or images: those sent within ${view.windowMinutes} minutes attach to this ${what.en}; after that, send them as a reply to this card.`,
        ),
      ),
    );
  if (!view.files.length) return out;
  out.push(
    markdown(
      text(
        `**已附文件（${view.files.length}/${view.perItem}）**`,
        `**Attached (${view.files.length} of ${view.perItem})**`,
      ),
    ),
  );
  for (const f of view.files.slice(0, listed)) {
    out.push(userText(`${f.name}（${fileSize(f.sizeBytes)}）`));
    if (view.open)
      out.push({
        ...button(text('移除', 'Remove'), { a: 'att.remove', id: f.id }),
        // The client asks before a click that cannot be undone from the card (the file stays in the chat).
        confirm: {
          title: plainText(text('移除这个附件？', 'Remove this attachment?')),
          text: { tag: 'plain_text', content: excerpt(f.name, 40) },
        },
      });
  }
  out.push(
    ...moreFiles(
      view.files.length,
      listed,
      view.open
        ? text('移除上面的文件后会列出其余的', 'they are listed once some above are removed')
        : text('导出中有全部文件', 'the export lists them all'),
    ),
  );
  return out;
}

/**
 * On the decision card: the files, each with the button that has the bot forward it; at most `listed` of them (a card
 * long with other text lists fewer: fitCard).
 */
export function openFileElements(files: readonly AttachedFile[], listed = FILES_LISTED): Element[] {
  if (!files.length) return [];
  const out: Element[] = [markdown(text(`**附件（${files.length}）**`, `**Attachments (${files.length})**`))];
  for (const f of files.slice(0, listed))
    out.push(
      userText(`${f.name}（${fileSize(f.sizeBytes)}）`),
      button(text('打开（发到单聊）', 'Open (sent to you one-to-one)'), { a: 'att.open', id: f.id }),
    );
  out.push(...moreFiles(files.length, listed, text('导出中有全部文件', 'the export lists them all')));
  return out;
}

function moreFiles(total: number, listed: number, where: Text): Element[] {
  if (total <= listed) return [];
  const more = total - listed;
  return [
    markdown(text(`另有 ${more} 个文件未列出（${where.zh}）。`, `${more} more file(s) not listed (${where.en}).`)),
  ];
}
