/**
 * Evidence files in the database: what a contact attached (Lark's message and resource keys, the name, size and type,
 * never the bytes) and the receipt cards files attach to. An attachment is unique per message and resource, so a
 * re-delivered message attaches once; detaching keeps the row, marked removed.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { dialectOf, insertIfAbsent, madeRow } from '../../platform/db';
import { newId } from '../../platform/ids';
import { fromDbInstant, toDbInstant } from '../../platform/instant';
import { prepare } from '../../platform/prepared';
import type { Bound, Repository } from '../../platform/store';

type Db = Kysely<Database> | Transaction<Database>;

/** What a file is attached to: a period's report or self-evaluation (key: the period code), or an award (its id). */
export type AttachmentSubject = 'report' | 'self_evaluation' | 'award';

export interface AttachTarget {
  /** The receipt card's message. */
  messageId: string;
  openId: string;
  projectId: string;
  subject: AttachmentSubject;
  subjectKey: string;
  createdAt: number;
}

export interface Attachment {
  id: string;
  projectId: string;
  subject: AttachmentSubject;
  subjectKey: string;
  messageId: string;
  resourceKey: string;
  resourceType: 'file' | 'image';
  fileName: string;
  sizeBytes: number;
  contentType: string;
  addedBy: string;
  addedAt: number;
  removedBy: string | undefined;
  removedAt: number | undefined;
}

const subjectOf = (s: string): AttachmentSubject =>
  s === 'self_evaluation' ? 'self_evaluation' : s === 'award' ? 'award' : 'report';

const toAttachment = (r: Database['attachments']): Attachment => ({
  id: r.id,
  projectId: r.project_id,
  subject: subjectOf(r.subject),
  subjectKey: r.subject_key,
  messageId: r.message_id,
  resourceKey: r.resource_key,
  resourceType: r.resource_type === 'image' ? 'image' : 'file',
  fileName: r.file_name,
  sizeBytes: Number(r.size_bytes),
  contentType: r.content_type,
  addedBy: r.added_by,
  addedAt: fromDbInstant(r.added_at),
  removedBy: r.removed_by ?? undefined,
  removedAt: r.removed_at ? fromDbInstant(r.removed_at) : undefined,
});

const toTarget = (r: Database['attach_targets']): AttachTarget => ({
  messageId: r.message_id,
  openId: r.open_id,
  projectId: r.project_id,
  subject: subjectOf(r.subject),
  subjectKey: r.subject_key,
  createdAt: fromDbInstant(r.created_at),
});

interface TargetValues {
  message_id: string;
  competition_id: string;
  open_id: string;
  project_id: string;
  subject: string;
  subject_key: string;
  created_at: string;
  /** The values an existing row is updated to. */
  again_open_id: string;
  again_created_at: string;
}

/** Built and compiled once (src/platform/prepared.ts): every report submission runs it. */
const upsertTarget = prepare<TargetValues>(
  [
    'message_id',
    'competition_id',
    'open_id',
    'project_id',
    'subject',
    'subject_key',
    'created_at',
    'again_open_id',
    'again_created_at',
  ],
  (db, v) => {
    const again = { open_id: v.again_open_id, created_at: v.again_created_at };
    const insert = db.insertInto('attach_targets').values({
      message_id: v.message_id,
      competition_id: v.competition_id,
      open_id: v.open_id,
      project_id: v.project_id,
      subject: v.subject,
      subject_key: v.subject_key,
      created_at: v.created_at,
    });
    return dialectOf(db) === 'mysql'
      ? insert.onDuplicateKeyUpdate(again)
      : insert.onConflict((oc) => oc.column('message_id').doUpdateSet(again));
  },
);

/** Remembers the receipt card `t.messageId` a contact was shown (again: it moves to now): one prepared upsert. */
export async function rememberTarget(db: Db, competitionId: string, t: AttachTarget): Promise<void> {
  const at = toDbInstant(t.createdAt);
  await upsertTarget(db, {
    message_id: t.messageId,
    competition_id: competitionId,
    open_id: t.openId,
    project_id: t.projectId,
    subject: t.subject,
    subject_key: t.subjectKey,
    created_at: at,
    again_open_id: t.openId,
    again_created_at: at,
  });
}

/** The receipt card with this message id, when it is one. */
export async function targetOfMessage(db: Db, messageId: string): Promise<AttachTarget | undefined> {
  const r = await db.selectFrom('attach_targets').selectAll().where('message_id', '=', messageId).executeTakeFirst();
  return r && toTarget(r);
}

/** The receipt card this person was shown last, at or after `since`. */
export async function latestTarget(
  db: Db,
  competitionId: string,
  openId: string,
  since: number,
): Promise<AttachTarget | undefined> {
  const r = await db
    .selectFrom('attach_targets')
    .selectAll()
    .where('competition_id', '=', competitionId)
    .where('open_id', '=', openId)
    .where('created_at', '>=', toDbInstant(since))
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return r && toTarget(r);
}

/** The receipt card of this item shown last to anyone (the card to redraw when a file comes another way). */
export async function latestTargetOf(
  db: Db,
  projectId: string,
  subject: AttachmentSubject,
  subjectKey: string,
): Promise<AttachTarget | undefined> {
  const r = await db
    .selectFrom('attach_targets')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('subject', '=', subject)
    .where('subject_key', '=', subjectKey)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return r && toTarget(r);
}

/** Attaches a resource unless this message's resource is attached already; returns it and whether it is new. */
export async function addAttachment(
  db: Db,
  competitionId: string,
  a: Omit<Attachment, 'id' | 'removedBy' | 'removedAt'>,
): Promise<{ attachment: Attachment; created: boolean }> {
  const made = await insertIfAbsent(
    db as Kysely<Database>,
    db.insertInto('attachments').values({
      id: newId('att'),
      competition_id: competitionId,
      project_id: a.projectId,
      subject: a.subject,
      subject_key: a.subjectKey,
      message_id: a.messageId,
      resource_key: a.resourceKey,
      resource_type: a.resourceType,
      file_name: a.fileName,
      size_bytes: a.sizeBytes,
      content_type: a.contentType,
      added_by: a.addedBy,
      added_at: toDbInstant(a.addedAt),
      removed_by: null,
      removed_at: null,
    }),
    ['message_id', 'resource_key'],
  ).executeTakeFirst();
  const row = await db
    .selectFrom('attachments')
    .selectAll()
    .where('message_id', '=', a.messageId)
    .where('resource_key', '=', a.resourceKey)
    .executeTakeFirstOrThrow();
  return { attachment: toAttachment(row), created: madeRow(made) };
}

export async function findAttachment(db: Db, id: string): Promise<Attachment | undefined> {
  const r = await db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toAttachment(r);
}

const selectAttachmentsOf = prepare(
  ['projectId', 'subject', 'subjectKey'],
  (db, v: { projectId: string; subject: string; subjectKey: string }) =>
    db
      .selectFrom('attachments')
      .selectAll()
      .where('project_id', '=', v.projectId)
      .where('subject', '=', v.subject)
      .where('subject_key', '=', v.subjectKey)
      .where('removed_at', 'is', null)
      .orderBy('added_at')
      .orderBy('id'),
);

/** The live attachments of one subject, oldest first (a receipt shows them: prepared, as every submission asks). */
export async function attachmentsOf(
  db: Db,
  projectId: string,
  subject: AttachmentSubject,
  subjectKey: string,
): Promise<Attachment[]> {
  return (await selectAttachmentsOf(db, { projectId, subject, subjectKey })).rows.map(toAttachment);
}

/** The live attachments of a project, whatever they are attached to, oldest first. */
export async function attachmentsOfProject(db: Db, projectId: string): Promise<Attachment[]> {
  const rows = await db
    .selectFrom('attachments')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('removed_at', 'is', null)
    .orderBy('added_at')
    .orderBy('id')
    .execute();
  return rows.map(toAttachment);
}

/** Every attachment of the competition, detached ones included (the export says which), oldest first. */
export async function allAttachments(db: Db, competitionId: string): Promise<Attachment[]> {
  const rows = await db
    .selectFrom('attachments')
    .selectAll()
    .where('competition_id', '=', competitionId)
    .orderBy('added_at')
    .orderBy('id')
    .execute();
  return rows.map(toAttachment);
}

/** Marks an attachment removed; false when it already was. Runs in the caller's transaction (with its audit). */
export async function removeAttachment(db: Db, id: string, by: string, at: number): Promise<boolean> {
  const r = await db
    .updateTable('attachments')
    .set({ removed_by: by, removed_at: toDbInstant(at) })
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes every attachment and receipt target of the competition (the playground's `demo seed`). */
export async function deleteAttachmentsOf(db: Db, competitionId: string): Promise<number> {
  const a = await db.deleteFrom('attachments').where('competition_id', '=', competitionId).executeTakeFirst();
  const t = await db.deleteFrom('attach_targets').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(t.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const attachmentsRepository = {
  rememberTarget,
  targetOfMessage,
  latestTarget,
  latestTargetOf,
  addAttachment,
  findAttachment,
  attachmentsOf,
  attachmentsOfProject,
  allAttachments,
  removeAttachment,
  deleteAttachmentsOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    attachments: Bound<typeof attachmentsRepository>;
  }
}
