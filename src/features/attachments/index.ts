/** What other features read of the evidence files: an attachment as stored (Lark's keys, name, size, type, who, when). */
export type { Attachment, AttachmentSubject, AttachTarget } from './attachments.repository';
