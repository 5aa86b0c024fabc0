/**
 * The records export as a use case: read everything page by page into one workbook (stopping as soon as it cannot fit
 * in a Lark upload), upload it, and queue the file message with a card saying what is in it.
 */
import type { Repositories } from '../../platform/store';
import type { Competition } from '../../competition/competition';
import type { LarkApi } from '../../lark/client';
import { toLarkApiError, type LarkApiError } from '../../lark/client';
import { XlsxBuilder } from '../../platform/xlsx';
import {
  auditHeader,
  auditInTrack,
  auditScopeOfTrack,
  auditRow,
  awardColumns,
  awardHeader,
  awardRow,
  attachmentHeader,
  attachmentRow,
  guidanceHeader,
  guidanceRows,
  MAX_UPLOAD_BYTES,
  namesOf,
  periodOrder,
  projectHeader,
  projectRow,
  reportHeader,
  reportRow,
  scoreHeader,
  scoreRow,
  selfEvaluationHeader,
  selfEvaluationRow,
  SHEETS,
  sortProjects,
  type ProjectRecord,
  type SheetKey,
} from './export.rules';

export type SheetCounts = Record<SheetKey, number>;

export type BuiltExport =
  | { kind: 'built'; bytes: Uint8Array; counts: SheetCounts }
  /** Stopped while writing `sheet`: the file had already passed `limit` bytes. */
  | { kind: 'too_large'; sheet: SheetKey; size: number; limit: number };

class TooLarge extends Error {
  constructor(
    readonly sheet: SheetKey,
    readonly size: number,
  ) {
    super(`export over the limit while writing ${sheet}`);
  }
}

/** Groups records by project id, keeping their order. */
function byProject<R extends { projectId: string }>(records: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of records) {
    const list = out.get(r.projectId);
    if (list) list.push(r);
    else out.set(r.projectId, [r]);
  }
  return out;
}

/**
 * Builds the workbook: 项目, 进展, 自评, 评分, 表彰, 审计, for the whole competition or one track. Linear in the records;
 * memory holds the file being built plus one page of rows.
 */
/** Projects per query when reading their reports, self-evaluations and sheets (well under any IN-list limit). */
const PROJECT_BATCH = 100;

export async function buildExport(
  repos: Repositories,
  c: Competition,
  options: { track?: string; limit?: number } = {},
): Promise<BuiltExport> {
  const limit = options.limit ?? MAX_UPLOAD_BYTES;
  const { track } = options;
  const names = namesOf(c, await repos.people.allPeopleNames());
  const rubric = c.file.rubric;
  const counts: SheetCounts = {
    projects: 0,
    reports: 0,
    selfEvaluations: 0,
    guidance: 0,
    attachments: 0,
    scores: 0,
    awards: 0,
    audit: 0,
  };
  const book = new XlsxBuilder();
  let sheet: SheetKey = 'projects';
  const start = (key: SheetKey, header: readonly string[]) => {
    sheet = key;
    book.sheet(SHEETS[key], header);
  };
  // After each page: the rows so far are compressed (which is also what keeps memory at the compressed size), then
  // measured against the limit.
  const check = async () => {
    await book.flush();
    if (book.size > limit) throw new TooLarge(sheet, book.size);
  };
  const add = (cells: Parameters<XlsxBuilder['row']>[0]) => {
    book.row(cells);
    counts[sheet] += 1;
  };

  try {
    const projects = sortProjects(c, await repos.projects.projectsForExport(c.id, track));
    const batches: ProjectRecord[][] = [];
    for (let i = 0; i < projects.length; i += PROJECT_BATCH) batches.push(projects.slice(i, i + PROJECT_BATCH));

    start('projects', projectHeader(names));
    for (const p of projects) add(projectRow(names, p));
    await check();

    // Per-project records, a batch of projects at a time, in the projects' order.
    const inOrder = periodOrder(c);
    start('reports', reportHeader(names));
    for (const batch of batches) {
      const reports = byProject(await repos.reports.reportsOfProjects(batch.map((p) => p.id)));
      for (const p of batch) for (const r of (reports.get(p.id) ?? []).sort(inOrder)) add(reportRow(names, p, r));
      await check();
    }

    start('selfEvaluations', selfEvaluationHeader(names, rubric));
    for (const batch of batches) {
      const evaluations = byProject(await repos.reports.selfEvaluationsOfProjects(batch.map((p) => p.id)));
      for (const p of batch)
        for (const e of (evaluations.get(p.id) ?? []).sort(inOrder)) add(selfEvaluationRow(names, rubric, p, e));
      await check();
    }

    // Guidance and attachments are read for the competition at once (far fewer than reports), kept to the export's
    // projects and in their order.
    const byId = new Map(projects.map((p) => [p.id, p]));
    const threads = byProject((await repos.guidance.allThreads(c.id)).filter((t) => byId.has(t.projectId)));
    start('guidance', guidanceHeader(names));
    for (const p of projects)
      for (const t of threads.get(p.id) ?? []) for (const row of guidanceRows(names, p, t)) add(row);
    await check();

    const files = byProject((await repos.attachments.allAttachments(c.id)).filter((a) => byId.has(a.projectId)));
    start('attachments', attachmentHeader(names));
    for (const p of projects) for (const a of files.get(p.id) ?? []) add(attachmentRow(names, p, a));
    await check();

    start('scores', scoreHeader(names, rubric));
    for (const batch of batches) {
      const sheets = byProject(await repos.scores.scoresOfProjects(batch.map((p) => p.id)));
      for (const p of batch) for (const s of sheets.get(p.id) ?? []) add(scoreRow(names, rubric, p, s));
      await check();
    }

    const awards = await repos.awards.awardRowsForExport(c.id, track);
    const codeOf = new Map(projects.map((p) => [p.id, p.code]));
    const columns = awardColumns(awards);
    start('awards', awardHeader(names, columns));
    for (const a of awards)
      add(awardRow(names, columns, typeof a.project_id === 'string' ? codeOf.get(a.project_id) : undefined, a));
    await check();

    const projectCodes = new Set(projects.map((p) => p.code));
    const awardIds = new Set(awards.map((a) => String(a.id)));
    const ownIds = new Set([
      ...[...threads.values()].flat().flatMap((t) => [t.id, ...t.answers.map((x) => x.id)]),
      ...[...files.values()].flat().map((f) => f.id),
    ]);
    start('audit', auditHeader(names));
    // One track: the database leaves out most other tracks' entries, auditInTrack decides exactly.
    const scope = track ? auditScopeOfTrack(projectCodes) : undefined;
    for await (const page of repos.audit.auditPages(c.id, { scope })) {
      for (const a of page)
        if (!track || auditInTrack(a, track, projectCodes, awardIds, ownIds)) add(auditRow(names, a));
      await check();
    }

    const bytes = await book.finish();
    if (bytes.length > limit) return { kind: 'too_large', sheet: 'audit', size: bytes.length, limit };
    return { kind: 'built', bytes, counts };
  } catch (err) {
    book.abort();
    if (err instanceof TooLarge) return { kind: 'too_large', sheet: err.sheet, size: err.size, limit };
    throw err;
  }
}

/** Pauses between upload attempts: a 5xx or a rate limit is often gone a moment later. */
export const UPLOAD_RETRY_DELAYS_MS = [300, 1_000];

/**
 * Uploads the file; retries what Lark says is worth retrying (rate limits, 5xx, timeouts), a few times with a pause.
 * Returns the file key, or the last error.
 */
export async function uploadWithRetry(
  lark: LarkApi,
  file: { fileName: string; data: Uint8Array },
  delays: readonly number[] = UPLOAD_RETRY_DELAYS_MS,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<{ ok: true; fileKey: string } | { ok: false; error: LarkApiError }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { fileKey } = await lark.uploadFile({ fileType: 'xls', fileName: file.fileName, data: file.data });
      if (fileKey) return { ok: true, fileKey };
      return { ok: false, error: toLarkApiError(new Error('upload answered without a file_key')) };
    } catch (err) {
      const error = toLarkApiError(err);
      if (!error.retryable || attempt >= delays.length) return { ok: false, error };
      // A 429's reset header says how long to wait; never longer than 5 s here (the work runs after the event's 200).
      await sleep(Math.min(5_000, error.retryAfterMs ?? delays[attempt]!));
    }
  }
}
