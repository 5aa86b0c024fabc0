/**
 * The records export (导出): which sheets, which columns, how each record becomes a row, and the limits. Pure: the
 * service reads records page by page and feeds them through these functions into the XLSX builder.
 *
 * Headers are bilingual, Chinese first ("项目编号 Project code"); times are wall-clock times of the competition's
 * time zone (named in the header), stored as real date-time cells so that they sort and filter as dates.
 */
import type { AuditRow, AuditScope } from '../../core/audit.repository';
import type { ProjectRecord } from '../../core/projects.repository';
import type { AwardsTable } from '../../../db/schema';
import type { Competition } from '../../competition/competition';
import { zoneOffsetMs } from '../../competition/calendar';
import { fromDbInstant } from '../../platform/instant';
import type { Cell, WallClock } from '../../platform/xlsx';
import { weightedTotal } from '../rankings';
import type { StoredSheet } from '../scoring';
import type { StoredReport, StoredSelfEvaluation } from '../reports';
import type { GuidanceThread } from '../guidance';
import type { Attachment } from '../attachments';

/**
 * Lark refuses uploads over 30 MB (im/v1/files, "file size must not exceed 30 MB":
 * https://open.feishu.cn/document/server-docs/im-v1/file/create); the emulator enforces the same.
 */
export const MAX_UPLOAD_BYTES = 30 * 1024 * 1024;

/** The sheets, in workbook order. */
export const SHEETS = {
  projects: '项目 Projects',
  reports: '进展 Reports',
  selfEvaluations: '自评 Self-evaluations',
  guidance: '指导意见 Guidance',
  attachments: '附件 Attachments',
  scores: '评分 Scores',
  awards: '表彰 Awards',
  audit: '审计 Audit log',
} as const;
export type SheetKey = keyof typeof SHEETS;

// ── values ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Instants as the competition's wall clock. The zone's offset is looked up once per hour of time (Intl is the costly
 * part and an export converts tens of thousands of instants), which is exact for every zone whose offsets change on
 * the hour.
 */
export function wallClock(tz: string): (ms: number) => WallClock {
  const offsets = new Map<number, number>();
  return (ms) => {
    const hour = Math.floor(ms / 3_600_000);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      offset = zoneOffsetMs(hour * 3_600_000, tz);
      offsets.set(hour, offset);
    }
    return { wallClockMs: ms + offset };
  };
}

export interface ExportNames {
  /** The competition's time zone, named in the headers of time columns. */
  timeZone: string;
  local: (ms: number) => WallClock;
  track: (code: string) => string;
  unit: (code: string) => string;
  period: (code: string) => string;
  /** "name (open_id)" when the name is known, else the open_id. */
  person: (openId: string | null | undefined) => string;
}

export function namesOf(c: Competition, people: ReadonlyMap<string, string>): ExportNames {
  const tracks = new Map(c.file.tracks.map((t) => [t.code, `${t.name} ${t.nameEn}`]));
  const units = new Map(c.file.units.map((u) => [u.code, u.name]));
  const periods = new Map(c.periods.map((p) => [p.code, `${p.name} ${p.nameEn}`]));
  return {
    timeZone: c.timeZone,
    local: wallClock(c.timeZone),
    track: (code) => tracks.get(code) ?? code,
    unit: (code) => units.get(code) ?? code,
    period: (code) => periods.get(code) ?? code,
    person: (openId) => (!openId ? '' : people.has(openId) ? `${people.get(openId)} (${openId})` : openId),
  };
}

const yesNo = (v: boolean) => (v ? '是 yes' : '否 no');
const at = (n: ExportNames, ms: number | null | undefined): Cell =>
  ms === null || ms === undefined ? null : n.local(ms);
const timeHeader = (n: ExportNames, zh: string, en: string) => `${zh} ${en} (${n.timeZone})`;

// ── projects (项目) ───────────────────────────────────────────────────────────────────────────────

export type { ProjectRecord } from '../../core/projects.repository';

export const projectHeader = (n: ExportNames) => [
  '项目编号 Project code',
  '赛道代码 Track code',
  '赛道 Track',
  '单位代码 Unit code',
  '单位 Unit',
  '项目名称 Project name',
  '项目负责人 Project lead',
  '联系电话 Phone',
  '项目简介 Summary',
  '目标与预期成果 Goals and expected results',
  '状态 Status',
  '登记人 Registered by',
  timeHeader(n, '登记时间', 'Registered at'),
  timeHeader(n, '最后修改', 'Last changed at'),
  timeHeader(n, '撤回时间', 'Withdrawn at'),
];

export const projectRow = (n: ExportNames, p: ProjectRecord): Cell[] => [
  p.code,
  p.track,
  n.track(p.track),
  p.unit,
  n.unit(p.unit),
  p.name,
  p.lead,
  p.phone,
  p.summary,
  p.goals,
  p.status === 'withdrawn' ? '已撤回 withdrawn' : '有效 active',
  n.person(p.createdBy),
  at(n, p.createdAt),
  at(n, p.updatedAt),
  at(n, p.withdrawnAt),
];

/** Sheet order: by track, then unit, then the project's running number (its code sorts that way within both). */
export function sortProjects<P extends Pick<ProjectRecord, 'track' | 'unit' | 'code'>>(
  c: Competition,
  projects: P[],
): P[] {
  const trackOrder = new Map(c.file.tracks.map((t, i) => [t.code, i]));
  const unitOrder = new Map(c.file.units.map((u, i) => [u.code, i]));
  const rank = (m: Map<string, number>, k: string) => m.get(k) ?? Number.MAX_SAFE_INTEGER;
  return projects.sort(
    (a, b) =>
      rank(trackOrder, a.track) - rank(trackOrder, b.track) ||
      rank(unitOrder, a.unit) - rank(unitOrder, b.unit) ||
      a.code.localeCompare(b.code, 'en', { numeric: true }),
  );
}

// ── reports (进展) and self-evaluations (自评) ─────────────────────────────────────────────────────────

/** A report revision as the export reads it: the stored report without its row id. */
export type ReportRecord = Omit<StoredReport, 'id'>;

export const reportHeader = (n: ExportNames) => [
  '项目编号 Project code',
  '赛道代码 Track code',
  '单位代码 Unit code',
  '期次代码 Period code',
  '期次 Period',
  '第几次提交 Revision',
  '逾期 Late',
  '完成度 Completion (%)',
  '完成工作 Work done',
  '成果与数据 Results',
  '佐证链接 Evidence links',
  '问题与需要的帮助 Problems and help needed',
  '提交人 Submitted by',
  timeHeader(n, '提交时间', 'Submitted at'),
];

export const reportRow = (n: ExportNames, p: ProjectRecord, r: ReportRecord): Cell[] => [
  p.code,
  p.track,
  p.unit,
  r.period,
  n.period(r.period),
  r.revision,
  yesNo(r.late),
  r.completion,
  r.workDone,
  r.results,
  r.evidence.join('\n'),
  r.problems,
  n.person(r.submittedBy),
  at(n, r.submittedAt),
];

/** Within a project: periods in the competition's order (unknown codes last, by code), then revisions. */
export function periodOrder(
  c: Competition,
): (a: { period: string; revision: number }, b: { period: string; revision: number }) => number {
  const order = new Map(c.periods.map((p, i) => [p.code, i]));
  const rank = (code: string) => order.get(code) ?? Number.MAX_SAFE_INTEGER;
  return (a, b) => rank(a.period) - rank(b.period) || a.period.localeCompare(b.period) || a.revision - b.revision;
}

type Rubric = Competition['file']['rubric'];

const criterionHeader = (r: Rubric[number]) => `${r.name} ${r.nameEn} (0-${r.max})`;
const TOTAL_HEADER = '加权总分 Weighted total (0-100)';

/** The weighted total when every criterion of the rubric has a score; empty otherwise (as the ranking leaves it out). */
function totalOf(rubric: Rubric, scores: Readonly<Record<string, number>>): Cell {
  return rubric.every((r) => typeof scores[r.code] === 'number') ? weightedTotal(rubric, scores) : null;
}

export type SelfEvaluationRecord = StoredSelfEvaluation;

export const selfEvaluationHeader = (n: ExportNames, rubric: Rubric) => [
  '项目编号 Project code',
  '赛道代码 Track code',
  '单位代码 Unit code',
  '期次代码 Period code',
  '期次 Period',
  '第几次提交 Revision',
  '逾期 Late',
  ...rubric.map(criterionHeader),
  TOTAL_HEADER,
  '自评说明 Justification',
  '提交人 Submitted by',
  timeHeader(n, '提交时间', 'Submitted at'),
];

export const selfEvaluationRow = (
  n: ExportNames,
  rubric: Rubric,
  p: ProjectRecord,
  e: SelfEvaluationRecord,
): Cell[] => [
  p.code,
  p.track,
  p.unit,
  e.period,
  n.period(e.period),
  e.revision,
  yesNo(e.late),
  ...rubric.map((r) => e.scores[r.code]),
  totalOf(rubric, e.scores),
  e.justification,
  n.person(e.submittedBy),
  at(n, e.submittedAt),
];

// ── guidance (指导意见) and attachments (附件) ──────────────────────────────────────────────────────

const SUBJECT_CELL: Record<string, string> = {
  report: '进展报告 report',
  self_evaluation: '自评 self-evaluation',
  award: '表彰材料 award materials',
};

export const guidanceHeader = (n: ExportNames) => [
  '意见编号 Comment id',
  '项目编号 Project code',
  '赛道代码 Track code',
  '单位代码 Unit code',
  '期次 Period',
  '针对 On',
  '类型 Kind',
  '作者 Author',
  '内容 Text',
  '请回复 Answer requested',
  timeHeader(n, '时间', 'At'),
];

/** A comment, then each of its answers on the rows below it, all carrying the comment's id. */
export function guidanceRows(n: ExportNames, p: ProjectRecord, t: GuidanceThread): Cell[][] {
  const base = [t.id, p.code, p.track, p.unit, n.period(t.period), SUBJECT_CELL[t.subject] ?? t.subject];
  return [
    [...base, '意见 comment', n.person(t.authorOpenId), t.body, yesNo(t.needsAnswer), at(n, t.createdAt)],
    ...t.answers.map((a): Cell[] => [...base, '回复 answer', n.person(a.authorOpenId), a.body, '', at(n, a.createdAt)]),
  ];
}

export const attachmentHeader = (n: ExportNames) => [
  '项目编号 Project code',
  '赛道代码 Track code',
  '单位代码 Unit code',
  '附于 Attached to',
  '期次或表彰 Period or award',
  '文件名 File name',
  '类型 Type',
  '大小（字节）Size (bytes)',
  '消息 Message id',
  '资源 Resource key',
  '添加人 Added by',
  timeHeader(n, '添加时间', 'Added at'),
  '已移除 Removed',
  timeHeader(n, '移除时间', 'Removed at'),
];

/** Where the file is, as Lark's keys: the bot opens it by forwarding the message; the bytes stay in Lark. */
export const attachmentRow = (n: ExportNames, p: ProjectRecord, a: Attachment): Cell[] => [
  p.code,
  p.track,
  p.unit,
  SUBJECT_CELL[a.subject] ?? a.subject,
  a.subject === 'award' ? a.subjectKey : n.period(a.subjectKey),
  a.fileName,
  a.contentType || a.resourceType,
  a.sizeBytes,
  a.messageId,
  a.resourceKey,
  n.person(a.addedBy),
  at(n, a.addedAt),
  yesNo(a.removedAt !== undefined),
  at(n, a.removedAt),
];

// ── scores (评分) ───────────────────────────────────────────────────────────────────────────────────

/** A judge's sheet as stored, with when it was first made. */
export type ScoreRecord = StoredSheet & { createdAt: number };

export const scoreHeader = (n: ExportNames, rubric: Rubric) => [
  '项目编号 Project code',
  '赛道代码 Track code',
  '单位代码 Unit code',
  '项目名称 Project name',
  '评委 Judge',
  ...rubric.map(criterionHeader),
  TOTAL_HEADER,
  '回避 Recused',
  '回避理由 Recusal reason',
  '评语 Comment',
  timeHeader(n, '首次评分', 'First scored at'),
  timeHeader(n, '最后修改', 'Last changed at'),
];

/** A recused sheet counts for nothing: its criteria and total stay empty. */
export const scoreRow = (n: ExportNames, rubric: Rubric, p: ProjectRecord, s: ScoreRecord): Cell[] => [
  p.code,
  p.track,
  p.unit,
  p.name,
  n.person(s.judge),
  ...rubric.map((r) => (s.recused ? null : s.scores[r.code])),
  s.recused ? null : totalOf(rubric, s.scores),
  yesNo(s.recused),
  s.recusalReason,
  s.comment,
  at(n, s.createdAt),
  at(n, s.updatedAt),
];

// ── awards (表彰) ──────────────────────────────────────────────────────────────────────────────────

interface AwardColumn {
  header: string;
  /** instant: a stored UTC instant shown as local time; person: an open_id with its name; list: a JSON array, one item a line. */
  as?: 'instant' | 'person' | 'list';
}

/**
 * Every column of the awards table, in sheet order, with its header. When a migration adds a column, the check below
 * fails typecheck until the column has a header here; and a column the database has but this list lacks is still
 * exported (headed by its name), so no data is ever left out of the file.
 */
export const AWARD_COLUMNS = {
  id: { header: '记录编号 Award id' },
  competition_id: { header: '竞赛 Competition' },
  track_code: { header: '赛道代码 Track code' },
  kind: { header: '类别 Kind' },
  project_id: { header: '项目内部编号 Project id' },
  nominee_name: { header: '被推荐对象 Nominee' },
  nominee_title: { header: '职务 Title' },
  unit_code: { header: '单位代码 Unit code' },
  status: { header: '状态 Status' },
  slot: { header: '名额序号 Quota place' },
  active_key: { header: '有效提名键 Active key' },
  reason: { header: '推荐理由 Reason' },
  nominated_by: { header: '推荐人 Nominated by', as: 'person' },
  allocated_by: { header: '分配人 Allocated by', as: 'person' },
  materials: { header: '事迹材料 Materials', as: 'list' },
  materials_links: { header: '材料链接 Material links', as: 'list' },
  materials_by: { header: '材料提交人 Materials by', as: 'person' },
  materials_at: { header: '材料提交时间 Materials at', as: 'instant' },
  decided_by: { header: '决定人 Decided by', as: 'person' },
  decision_note: { header: '决定说明 Decision note' },
  decided_at: { header: '决定时间 Decided at', as: 'instant' },
  created_at: { header: '创建时间 Created at', as: 'instant' },
  updated_at: { header: '更新时间 Updated at', as: 'instant' },
} satisfies Record<string, AwardColumn>;
const awardColumn = (name: string): AwardColumn | undefined => (AWARD_COLUMNS as Record<string, AwardColumn>)[name];
/** Fails typecheck naming any column of db/schema.ts's AwardsTable that AWARD_COLUMNS has no header for. */
type MissingAwardHeaders = Exclude<keyof AwardsTable, keyof typeof AWARD_COLUMNS>;
const allAwardColumnsHaveHeaders: [MissingAwardHeaders] extends [never] ? true : MissingAwardHeaders = true;
void allAwardColumnsHaveHeaders;

export type AwardRecord = Record<string, unknown>;

/** The award columns to export: the known ones, then any other the rows carry (a column added after this file). */
export function awardColumns(rows: readonly AwardRecord[]): string[] {
  const known = Object.keys(AWARD_COLUMNS);
  const extra = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!(k in AWARD_COLUMNS)) extra.add(k);
  return [...known, ...[...extra].sort()];
}

/** Project code, track and unit names first (what people read), then every column of the row. */
export const awardHeader = (n: ExportNames, columns: readonly string[]) => [
  '项目编号 Project code',
  '赛道 Track',
  '单位 Unit',
  ...columns.map((k) => {
    const col = awardColumn(k);
    if (!col) return k;
    return col.as === 'instant' ? `${col.header} (${n.timeZone})` : col.header;
  }),
];

function awardCell(n: ExportNames, column: AwardColumn | undefined, value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return n.local(value.getTime());
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  const s = String(value);
  switch (column?.as) {
    case 'instant': {
      try {
        return n.local(fromDbInstant(s));
      } catch {
        return s;
      }
    }
    case 'person':
      return n.person(s);
    case 'list': {
      try {
        const list = JSON.parse(s) as unknown;
        return Array.isArray(list) ? list.map(String).join('\n') : s;
      } catch {
        return s;
      }
    }
    default:
      return s;
  }
}

export const awardRow = (
  n: ExportNames,
  columns: readonly string[],
  projectCode: string | undefined,
  row: AwardRecord,
): Cell[] => [
  projectCode ?? '',
  n.track(String(row.track_code ?? '')),
  n.unit(String(row.unit_code ?? '')),
  ...columns.map((k) => awardCell(n, awardColumn(k), row[k])),
];

// ── audit log (审计) ──────────────────────────────────────────────────────────────────────────────

export type { AuditRow } from '../../core/audit.repository';

export const auditHeader = (n: ExportNames) => [
  timeHeader(n, '时间', 'At'),
  '操作人 Actor',
  '操作 Action',
  '对象类型 Entity type',
  '对象 Entity',
  '变更前 Before (JSON)',
  '变更后 After (JSON)',
];

export const auditRow = (n: ExportNames, a: AuditRow): Cell[] => [
  at(n, a.at),
  n.person(a.actor),
  a.action,
  a.entityType,
  a.entityId,
  a.before,
  a.after,
];

/**
 * In an export of one track, the audit entries about that track: its projects, their reports, self-evaluations and
 * score sheets (ids start with the project code), its awards, the guidance and attachments of its projects (by id)
 * and its ranking snapshots. Entries about people and chats belong to no track and are left out.
 */
export function auditInTrack(
  a: Pick<AuditRow, 'entityType' | 'entityId'>,
  track: string,
  projectCodes: ReadonlySet<string>,
  awardIds: ReadonlySet<string>,
  guidanceAndFileIds: ReadonlySet<string> = new Set(),
): boolean {
  switch (a.entityType) {
    case 'project':
      return projectCodes.has(a.entityId);
    case 'report':
    case 'self_evaluation':
    case 'score':
      return projectCodes.has(a.entityId.split('/')[0]!);
    case 'guidance_comment':
    case 'guidance_answer':
    case 'attachment':
      return guidanceAndFileIds.has(a.entityId);
    case 'award':
      return awardIds.has(a.entityId);
    case 'ranking_snapshot':
      return a.entityId.split('/')[1] === track;
    default:
      return false;
  }
}

/**
 * What the database can narrow the audit log to before auditInTrack decides (AuditScope: never less than it keeps):
 * the entries about projects, reports, self-evaluations and score sheets whose id starts with what all the track's
 * project codes share (e.g. "2024-T02-"; computed from the codes, so it holds whatever their shape), and every entry of
 * the few kinds kept by id or by track (guidance, attachments, awards, ranking snapshots).
 */
export function auditScopeOfTrack(projectCodes: ReadonlySet<string>): AuditScope {
  let prefix: string | undefined;
  for (const code of projectCodes) {
    if (prefix === undefined) prefix = code;
    let n = 0;
    while (n < prefix.length && n < code.length && prefix[n] === code[n]) n++;
    prefix = prefix.slice(0, n);
  }
  return {
    entityIdPrefix: prefix ?? '',
    prefixedTypes: prefix === undefined ? [] : ['project', 'report', 'self_evaluation', 'score'],
    otherTypes: ['guidance_comment', 'guidance_answer', 'attachment', 'award', 'ranking_snapshot'],
  };
}

// ── the file ──────────────────────────────────────────────────────────────────────────────────────

/** e.g. saidao-shanghai-2024-T02-20241105-0930.xlsx: ASCII, so every client shows and saves it the same way. */
export function exportFileName(c: Competition, track: string | undefined, now: number): string {
  const w = new Date(wallClock(c.timeZone)(now).wallClockMs).toISOString(); // YYYY-MM-DDTHH:MM
  const stamp = `${w.slice(0, 4)}${w.slice(5, 7)}${w.slice(8, 10)}-${w.slice(11, 13)}${w.slice(14, 16)}`;
  const id = c.id.replace(/[^A-Za-z0-9_-]+/g, '-');
  return `saidao-${id}${track ? `-${track}` : ''}-${stamp}.xlsx`;
}

/** "1.2 MB", "830 KB": sizes as people read them. */
export function humanSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
