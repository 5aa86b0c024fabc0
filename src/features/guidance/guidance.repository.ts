/**
 * Guidance in the database: judges' comments on a period's report or self-evaluation, and the units' answers threaded
 * under them. A comment and an answer are each unique by the form they came from (`form_key`), so a double click or a
 * re-delivered callback stores one.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { insertIfAbsent, madeRow } from '../../platform/db';
import { newId } from '../../platform/ids';
import { fromDbInstant, toDbInstant } from '../../platform/instant';
import type { Bound, Repository } from '../../platform/store';

type Db = Kysely<Database> | Transaction<Database>;

export type GuidanceSubject = 'report' | 'self_evaluation';

export interface GuidanceAnswer {
  id: string;
  commentId: string;
  authorOpenId: string;
  body: string;
  createdAt: number;
}

export interface GuidanceComment {
  id: string;
  projectId: string;
  period: string;
  subject: GuidanceSubject;
  authorOpenId: string;
  body: string;
  needsAnswer: boolean;
  createdAt: number;
  answeredAt: number | undefined;
}

/** A comment with its answers, oldest first. */
export interface GuidanceThread extends GuidanceComment {
  answers: GuidanceAnswer[];
}

const toComment = (r: Database['guidance_comments']): GuidanceComment => ({
  id: r.id,
  projectId: r.project_id,
  period: r.period_code,
  subject: r.subject === 'self_evaluation' ? 'self_evaluation' : 'report',
  authorOpenId: r.author_open_id,
  body: r.body,
  needsAnswer: r.needs_answer === 1,
  createdAt: fromDbInstant(r.created_at),
  answeredAt: r.answered_at ? fromDbInstant(r.answered_at) : undefined,
});

const toAnswer = (r: Database['guidance_answers']): GuidanceAnswer => ({
  id: r.id,
  commentId: r.comment_id,
  authorOpenId: r.author_open_id,
  body: r.body,
  createdAt: fromDbInstant(r.created_at),
});

/**
 * Stores a comment unless this form already made one; returns the comment the form made and whether it is new.
 * Runs in the caller's transaction (with its audit record).
 */
export async function insertComment(
  db: Db,
  c: {
    competitionId: string;
    projectId: string;
    period: string;
    subject: GuidanceSubject;
    authorOpenId: string;
    body: string;
    needsAnswer: boolean;
    formKey: string;
    at: number;
  },
): Promise<{ comment: GuidanceComment; created: boolean }> {
  const made = await insertIfAbsent(
    db as Kysely<Database>,
    db.insertInto('guidance_comments').values({
      id: newId('gdc'),
      competition_id: c.competitionId,
      project_id: c.projectId,
      period_code: c.period,
      subject: c.subject,
      author_open_id: c.authorOpenId,
      body: c.body,
      needs_answer: c.needsAnswer ? 1 : 0,
      form_key: c.formKey,
      created_at: toDbInstant(c.at),
      answered_at: null,
    }),
    ['competition_id', 'form_key'],
  ).executeTakeFirst();
  const row = await db
    .selectFrom('guidance_comments')
    .selectAll()
    .where('competition_id', '=', c.competitionId)
    .where('form_key', '=', c.formKey)
    .executeTakeFirstOrThrow();
  return { comment: toComment(row), created: madeRow(made) };
}

export async function findComment(db: Db, id: string): Promise<GuidanceComment | undefined> {
  const r = await db.selectFrom('guidance_comments').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toComment(r);
}

/**
 * Stores an answer unless this form already made one, and marks the comment answered (its first answer's instant).
 * Returns the answer and whether it is new. Runs in the caller's transaction.
 */
export async function insertAnswer(
  db: Db,
  a: { competitionId: string; commentId: string; authorOpenId: string; body: string; formKey: string; at: number },
): Promise<{ answer: GuidanceAnswer; created: boolean }> {
  const made = await insertIfAbsent(
    db as Kysely<Database>,
    db.insertInto('guidance_answers').values({
      id: newId('gda'),
      competition_id: a.competitionId,
      comment_id: a.commentId,
      author_open_id: a.authorOpenId,
      body: a.body,
      form_key: a.formKey,
      created_at: toDbInstant(a.at),
    }),
    ['comment_id', 'form_key'],
  ).executeTakeFirst();
  const created = madeRow(made);
  if (created)
    await db
      .updateTable('guidance_comments')
      .set({ answered_at: toDbInstant(a.at) })
      .where('id', '=', a.commentId)
      .where('answered_at', 'is', null)
      .execute();
  const row = await db
    .selectFrom('guidance_answers')
    .selectAll()
    .where('comment_id', '=', a.commentId)
    .where('form_key', '=', a.formKey)
    .executeTakeFirstOrThrow();
  return { answer: toAnswer(row), created };
}

async function withAnswers(db: Db, comments: GuidanceComment[]): Promise<GuidanceThread[]> {
  if (!comments.length) return [];
  const rows = await db
    .selectFrom('guidance_answers')
    .selectAll()
    .where(
      'comment_id',
      'in',
      comments.map((c) => c.id),
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const by = new Map<string, GuidanceAnswer[]>();
  for (const r of rows) {
    const list = by.get(r.comment_id) ?? [];
    list.push(toAnswer(r));
    by.set(r.comment_id, list);
  }
  return comments.map((c) => ({ ...c, answers: by.get(c.id) ?? [] }));
}

/** The comments of one project or of the whole competition, oldest first, each with its answers. */
async function threadsWhere(db: Db, column: 'project_id' | 'competition_id', value: string): Promise<GuidanceThread[]> {
  const rows = await db
    .selectFrom('guidance_comments')
    .selectAll()
    .where(column, '=', value)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return withAnswers(db, rows.map(toComment));
}

/** Every comment on a project, oldest first, each with its answers. */
export const threadsOf = (db: Db, projectId: string): Promise<GuidanceThread[]> =>
  threadsWhere(db, 'project_id', projectId);

/** One comment with its answers. */
export async function threadOf(db: Db, commentId: string): Promise<GuidanceThread | undefined> {
  const c = await findComment(db, commentId);
  return c && (await withAnswers(db, [c]))[0];
}

/** Every comment of the competition with its answers (the export), oldest first. */
export const allThreads = (db: Db, competitionId: string): Promise<GuidanceThread[]> =>
  threadsWhere(db, 'competition_id', competitionId);

/** Comments asking for an answer that has not come, created before `before` when given (oldest first). */
export async function unansweredQuestions(db: Db, competitionId: string, before?: number): Promise<GuidanceComment[]> {
  let q = db
    .selectFrom('guidance_comments')
    .selectAll()
    .where('competition_id', '=', competitionId)
    .where('needs_answer', '=', 1)
    .where('answered_at', 'is', null);
  if (before !== undefined) q = q.where('created_at', '<', toDbInstant(before));
  return (await q.orderBy('created_at').orderBy('id').execute()).map(toComment);
}

/** For one period: the comments on it (project, whether it asks for an answer, whether one came), for the counts. */
export async function commentsOfPeriod(db: Db, competitionId: string, period: string): Promise<GuidanceComment[]> {
  const rows = await db
    .selectFrom('guidance_comments')
    .selectAll()
    .where('competition_id', '=', competitionId)
    .where('period_code', '=', period)
    .execute();
  return rows.map(toComment);
}

/** Answers given in [from, until), each with its comment, oldest first (the judges' daily card). */
export async function answersBetween(
  db: Db,
  competitionId: string,
  from: number,
  until: number,
): Promise<Array<{ answer: GuidanceAnswer; comment: GuidanceComment }>> {
  const answers = await db
    .selectFrom('guidance_answers')
    .selectAll()
    .where('competition_id', '=', competitionId)
    .where('created_at', '>=', toDbInstant(from))
    .where('created_at', '<', toDbInstant(until))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  if (!answers.length) return [];
  const comments = await db
    .selectFrom('guidance_comments')
    .selectAll()
    .where('id', 'in', [...new Set(answers.map((a) => a.comment_id))])
    .execute();
  const byId = new Map(comments.map((c) => [c.id, toComment(c)]));
  return answers.flatMap((a) => {
    const comment = byId.get(a.comment_id);
    return comment ? [{ answer: toAnswer(a), comment }] : [];
  });
}

/** Deletes every comment and answer of the competition (the playground's `demo seed` replacing its own season). */
export async function deleteGuidanceOf(db: Db, competitionId: string): Promise<number> {
  const a = await db.deleteFrom('guidance_answers').where('competition_id', '=', competitionId).executeTakeFirst();
  const c = await db.deleteFrom('guidance_comments').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(c.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const guidanceRepository = {
  insertComment,
  findComment,
  insertAnswer,
  threadsOf,
  threadOf,
  allThreads,
  unansweredQuestions,
  commentsOfPeriod,
  answersBetween,
  deleteGuidanceOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    guidance: Bound<typeof guidanceRepository>;
  }
}
