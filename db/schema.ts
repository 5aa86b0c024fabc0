/**
 * The database as kysely sees it. Row types stay inside repositories; services see domain objects.
 * Instants are UTC strings (see src/platform/instant.ts); booleans are 0/1; JSON is stored as text.
 */
import type { Generated } from 'kysely';

type Instant = string;
type Flag = number;

export interface CompetitionsTable {
  id: string;
  name: string;
  name_en: string;
  time_zone: string;
  /** The validated competition file, normalised, as JSON. */
  definition: string;
  definition_hash: string;
  created_at: Instant;
  updated_at: Instant;
}

export interface StagesTable {
  competition_id: string;
  code: string;
  seq: number;
  name: string;
  name_en: string;
  starts_on: string;
  ends_on: string;
  /** First instant of `starts_on` in the competition's time zone. */
  starts_at: Instant;
  /** First instant after `ends_on` (the stage is the half-open interval [starts_at, ends_at)). */
  ends_at: Instant;
}

export interface TracksTable {
  competition_id: string;
  code: string;
  seq: number;
  name: string;
  name_en: string;
  aspects: string;
  department: string;
  quota_collectives: number;
  quota_individuals: number;
}

export interface UnitsTable {
  competition_id: string;
  code: string;
  seq: number;
  name: string;
  short_name: string;
  aliases: string;
}

export interface PeopleTable {
  open_id: string;
  name: string | null;
  email: string | null;
  mobile: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface RoleGrantsTable {
  id: string;
  competition_id: string;
  open_id: string;
  /** office | contact | judge | leader */
  role: string;
  /** '' for competition-wide roles, a unit code for contacts, a track code for judges. */
  scope: string;
  /** env | file | chat */
  source: string;
  granted_by: string | null;
  created_at: Instant;
}

export interface ChatsTable {
  chat_id: string;
  competition_id: string | null;
  name: string | null;
  chat_type: string;
  /** '' | unit | announcement */
  purpose: string;
  unit_code: string | null;
  bot_present: Flag;
  created_at: Instant;
  updated_at: Instant;
}

export interface ProjectsTable {
  id: string;
  competition_id: string;
  code: string;
  unit_code: string;
  track_code: string;
  /** Running number of the unit's projects in the track, never reused (it is part of the code). */
  seq: number;
  /** 1..limit while active, NULL once withdrawn: the unique key on it enforces the per-track limit. */
  slot: number | null;
  /** The name while active, NULL once withdrawn: the unique key on it forbids same-named projects. */
  active_name: string | null;
  name: string;
  lead_name: string;
  summary: string;
  goals: string;
  phone: string;
  /** active | withdrawn */
  status: string;
  created_by: string;
  created_at: Instant;
  updated_at: Instant;
  withdrawn_at: Instant | null;
}

export interface ReportsTable {
  id: string;
  competition_id: string;
  project_id: string;
  period_code: string;
  revision: number;
  work_done: string;
  results: string;
  completion: number;
  evidence: string;
  problems: string;
  late: Flag;
  submitted_by: string;
  submitted_at: Instant;
}

export interface SelfEvaluationsTable {
  id: string;
  competition_id: string;
  project_id: string;
  period_code: string;
  revision: number;
  /** JSON: { criterionCode: score } */
  scores: string;
  justification: string;
  late: Flag;
  submitted_by: string;
  submitted_at: Instant;
}

export interface ScoresTable {
  id: string;
  competition_id: string;
  project_id: string;
  judge_open_id: string;
  /** JSON: { criterionCode: score } */
  criteria: string;
  comment: string;
  recused: Flag;
  recusal_reason: string;
  created_at: Instant;
  updated_at: Instant;
}

export interface AwardsTable {
  id: string;
  competition_id: string;
  track_code: string;
  /** collective | individual */
  kind: string;
  project_id: string | null;
  nominee_name: string;
  unit_code: string;
  /** nominated | allocated | materials_submitted | approved | rejected | withdrawn | declined (awards.rules.ts) */
  status: string;
  nominated_by: string;
  decided_by: string | null;
  created_at: Instant;
  updated_at: Instant;
  /** The quota place (1..quota) a live nomination holds; NULL once withdrawn, declined or rejected. */
  slot: number | null;
  /** kind|project[|person]: unique while live, NULL after. */
  active_key: string | null;
  /** An individual's position (职务). */
  nominee_title: string | null;
  /** The judge's recommendation (推荐理由). */
  reason: string | null;
  /** The unit's materials (事迹材料) and links, as JSON string[]. */
  materials: string | null;
  materials_links: string | null;
  materials_by: string | null;
  materials_at: Instant | null;
  allocated_by: string | null;
  /** The leadership's note (required when rejecting). */
  decision_note: string | null;
  decided_at: Instant | null;
}

export interface ReceiptsTable {
  /** event | message | card_action */
  kind: string;
  receipt_key: string;
  created_at: Instant;
}

export interface InboxTable {
  event_id: string;
  event_type: string;
  /** The event body as Lark sent it (decrypted), JSON. */
  payload: string;
  /** pending | done | failed */
  status: string;
  /** The Lark app the event came through ('default': LARK_APP_ID). */
  app: Generated<string>;
  attempts: Generated<number>;
  lease_until: Instant;
  last_error: string | null;
  received_at: Instant;
  finished_at: Instant | null;
}

export interface OutboxTable {
  id: string;
  /** Deterministic per logical message; Lark drops repeats of a uuid within an hour. */
  uuid: string;
  competition_id: string | null;
  /** The Lark app the message is sent with ('default': LARK_APP_ID); each app's sender drains only its rows. */
  app: Generated<string>;
  /** 0 a reply or card update to a person's own action, 1 an announcement or notice, 2 a bulk send (reminders). */
  priority: Generated<number>;
  /** What kind of message this is (help, welcome, reminder, failure-notice…): for operators and loop guards. */
  purpose: string;
  /** send | reply | patch | card_update */
  op: string;
  receive_id_type: string;
  receive_id: string;
  /** The rate-limit bucket this message counts against (a chat or a user). */
  rate_key: string;
  msg_type: string;
  content: string;
  /** pending | sending | sent | failed */
  status: string;
  attempts: number;
  next_attempt_at: Instant;
  lease_owner: string | null;
  lease_until: Instant | null;
  last_error: string | null;
  message_id: string | null;
  created_at: Instant;
  sent_at: Instant | null;
}

export interface ReminderOccurrencesTable {
  id: string;
  competition_id: string;
  rule: string;
  deadline_key: string;
  unit_code: string;
  step: string;
  due_at: Instant;
  /** planned | sent | skipped | snoozed */
  status: string;
  outbox_uuid: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface ReminderPausesTable {
  competition_id: string;
  /** '' pauses the whole competition. */
  unit_code: string;
  paused_by: string;
  paused_at: Instant;
}

export interface AuditLogTable {
  id: string;
  competition_id: string | null;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
  at: Instant;
}

export interface LeasesTable {
  name: string;
  owner: string;
  expires_at: Instant;
}

export interface CronRunsTable {
  slot: string;
  owner: string;
  at: Instant;
}

export interface Database {
  competitions: CompetitionsTable;
  stages: StagesTable;
  tracks: TracksTable;
  units: UnitsTable;
  people: PeopleTable;
  role_grants: RoleGrantsTable;
  chats: ChatsTable;
  projects: ProjectsTable;
  reports: ReportsTable;
  self_evaluations: SelfEvaluationsTable;
  scores: ScoresTable;
  awards: AwardsTable;
  receipts: ReceiptsTable;
  inbox: InboxTable;
  outbox: OutboxTable;
  reminder_occurrences: ReminderOccurrencesTable;
  reminder_pauses: ReminderPausesTable;
  audit_log: AuditLogTable;
  leases: LeasesTable;
  cron_runs: CronRunsTable;
  ranking_snapshots: RankingSnapshotsTable;
  summary_runs: SummaryRunsTable;
  award_announcements: AwardAnnouncementsTable;
  guidance_comments: GuidanceCommentsTable;
  guidance_answers: GuidanceAnswersTable;
  attachments: AttachmentsTable;
  attach_targets: AttachTargetsTable;
  judge_digests: JudgeDigestsTable;
  conversation_choices: ConversationChoicesTable;
}

/** The competition a person chose for a conversation, when the app serves several competitions. */
export interface ConversationChoicesTable {
  app: string;
  chat_id: string;
  competition_id: string;
  chosen_by: string;
  chosen_at: Instant;
}

export type { Generated };

export interface RankingSnapshotsTable {
  id: string;
  competition_id: string;
  /** The publication: one version number per 发布排行, shared by the tracks it froze. */
  version: number;
  track_code: string;
  method: string;
  seed: number | string;
  /** SHA-256 of the snapshot's canonical JSON (also in the audit log). */
  hash: string;
  ranked: number;
  /** JSON: the RankingSnapshot (inputs, parameters, results, hash). */
  snapshot: string;
  published_by: string;
  published_at: Instant;
}

export interface SummaryRunsTable {
  competition_id: string;
  /** Local date and time of the scheduled slot, e.g. 2024-11-04T09:00. */
  slot: string;
  chat_id: string;
  /** What was posted: participation | rankings. */
  kind: string;
  created_at: Instant;
}

export interface AwardAnnouncementsTable {
  competition_id: string;
  /** The first 16 hex digits of the SHA-256 of the sorted approved ids. */
  list_hash: string;
  /** JSON array of the announced awards' ids, sorted. */
  award_ids: string;
  /** JSON array of the chats the list went to. */
  chats: string;
  announced_by: string;
  announced_at: Instant;
}

/** A track judge's comment (指导意见) on a project's report or self-evaluation of one period. */
export interface GuidanceCommentsTable {
  id: string;
  competition_id: string;
  project_id: string;
  period_code: string;
  /** report | self_evaluation */
  subject: string;
  author_open_id: string;
  body: string;
  /** 1 when the judge asked the unit to answer (请回复). */
  needs_answer: Flag;
  /** The form's key: a second submission of the same form is the same comment. */
  form_key: string;
  created_at: Instant;
  /** When the unit first answered. */
  answered_at: Instant | null;
}

/** A unit contact's answer, threaded under a comment. */
export interface GuidanceAnswersTable {
  id: string;
  competition_id: string;
  comment_id: string;
  author_open_id: string;
  body: string;
  form_key: string;
  created_at: Instant;
}

/** A file or image a contact sent in chat, attached to a report, a self-evaluation or award materials. */
export interface AttachmentsTable {
  id: string;
  competition_id: string;
  project_id: string;
  /** report | self_evaluation | award */
  subject: string;
  /** The period code (reports, self-evaluations) or the award id. */
  subject_key: string;
  /** The user's message that holds the resource (for forwarding and download). */
  message_id: string;
  /** file_key or image_key. */
  resource_key: string;
  /** file | image */
  resource_type: string;
  file_name: string;
  size_bytes: number;
  content_type: string;
  added_by: string;
  added_at: Instant;
  removed_by: string | null;
  removed_at: Instant | null;
}

/** A receipt card a contact was shown: files sent right after it, or in reply to it, attach to its subject. */
export interface AttachTargetsTable {
  /** The receipt card's message. */
  message_id: string;
  competition_id: string;
  open_id: string;
  project_id: string;
  subject: string;
  subject_key: string;
  created_at: Instant;
}

/** One judge's daily card of one local day, and the instant it covered up to. */
export interface JudgeDigestsTable {
  competition_id: string;
  open_id: string;
  day: string;
  covered_until: Instant;
  items: number;
  created_at: Instant;
}
