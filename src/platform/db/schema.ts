// The tables, as Kysely sees them. Instants are epoch milliseconds (UTC);
// JSON columns are text. Each table belongs to the feature named beside it,
// and only that feature's store.ts queries it.
import type { Generated, Kysely, Transaction } from 'kysely';

export interface Database {
  // people/
  orgs: OrgsTable;
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  tokens: TokensTable;
  // accounts/
  invitations: InvitationsTable;
  password_resets: PasswordResetsTable;
  account_throttle: AccountThrottleTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodesTable;
  sso_providers: SsoProvidersTable;
  sso_logins: SsoLoginsTable;
  pending_logins: PendingLoginsTable;
  auth_epochs: AuthEpochsTable;
  // tasks/
  tasks: TasksTable;
  task_links: TaskLinksTable;
  task_history: TaskHistoryTable;
  task_comments: TaskCommentsTable;
  attachments: AttachmentsTable;
  // platform/files/
  file_blobs: FileBlobsTable;
  file_chunks: FileChunksTable;
  // records/
  pipelines: PipelinesTable;
  contacts: ContactsTable;
  clients: ClientsTable;
  leads: LeadsTable;
  lead_history: LeadHistoryTable;
  jobs: JobsTable;
  services: ServicesTable;
  external_refs: ExternalRefsTable;
  // automation/
  rules: RulesTable;
  automation_runs: AutomationRunsTable;
  rule_stats: RuleStatsTable;
  automation_timers: AutomationTimersTable;
  automation_turns: AutomationTurnsTable;
  task_dependencies: TaskDependenciesTable;
  // reports/
  report_status_flows: ReportStatusFlowsTable;
  // audit/
  audit_log: AuditLogTable;
  login_throttle: LoginThrottleTable;
  login_address_throttle: LoginAddressThrottleTable;
  // intake/
  lead_form_throttle: LeadFormThrottleTable;
  // notifications/
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  notification_digests: NotificationDigestsTable;
  weekly_summaries: WeeklySummariesTable;
  // platform/
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;

  // recurrence/, plans/, calendar/
  task_series: TaskSeriesTable;
  service_plans: ServicePlansTable;
  calendar_feeds: CalendarFeedsTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface OrgsTable {
  id: string;
  name: string;
  /** The organisation's public name in addresses (its lead form is /f/<slug>): unique, lower-case letters, digits and -. */
  slug: string;
  timezone: string;
  business_hours: string;
  holidays: string;
  /** Minutes before a task's due date that task.due_soon fires; null: the server's default (FINISHLINE_DUE_SOON_MINUTES). */
  due_soon_minutes: number | null;
  /** Minutes after a job's scheduled start before it is a missed appointment; null: the server's default (FINISHLINE_MISSED_GRACE_MINUTES). */
  missed_grace_minutes: number | null;
  task_seq: number;
  created_at: number;
  updated_at: number;
  version: number;
  /** Who must sign in with a second factor: 'none', or 'managers' (managers, admins and the owner). */
  require_two_factor: Generated<string>;
  /** 0 when people of the organisation sign in only through its single sign-on. */
  password_sign_in: Generated<number>;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  working_hours: string | null;
  time_off: string;
  /** The person's own IANA time zone; null: the organisation's. */
  time_zone: string | null;
  active: number;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface TeamsTable {
  id: string;
  org_id: string;
  name: string;
  manager_id: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface TeamMembersTable {
  org_id: string;
  team_id: string;
  user_id: string;
}

export interface TokensTable {
  id: string;
  org_id: string;
  user_id: string;
  kind: string;
  name: string;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  /** The browser or client that signed in (User-Agent), for the person's list of sessions. */
  user_agent: Generated<string | null>;
  /** The client address it signed in from. */
  address: Generated<string | null>;
}

/** An invitation to join an organisation; the token in its link is stored only as a hash. */
export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  name: string | null;
  role: string;
  /** JSON array of team ids the person joins on accepting. */
  team_ids: string;
  token_hash: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  /** When the last link was emailed; null while email is off. */
  sent_at: number | null;
  accepted_at: number | null;
  accepted_user_id: string | null;
  revoked_at: number | null;
}

export interface PasswordResetsTable {
  id: string;
  org_id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AccountThrottleTable {
  key: string;
  attempts: number;
  window_start: number;
}

/** A person's TOTP secret (base32); two-factor is on once confirmed_at is set. last_step: the newest 30-second step whose code was used. */
export interface TwoFactorTable {
  user_id: string;
  org_id: string;
  secret: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number | null;
}

export interface RecoveryCodesTable {
  id: string;
  org_id: string;
  user_id: string;
  code_hash: string;
  used_at: number | null;
}

export interface SsoProvidersTable {
  org_id: string;
  name: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  /** JSON array of lower-case email domains whose people may sign in. */
  allowed_domains: string;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface SsoLoginsTable {
  state: string;
  org_id: string;
  code_verifier: string;
  nonce: string;
  created_at: number;
  expires_at: number;
}

/** A sign-in whose password was right, waiting for its second step: 'code' (a two-factor code) or 'setup' (two-factor is required and not yet set up). */
export interface PendingLoginsTable {
  id: string;
  org_id: string;
  user_id: string;
  token_hash: string;
  purpose: string;
  attempts: number;
  user_agent: string | null;
  address: string | null;
  created_at: number;
  expires_at: number;
}

/** Counts every change that can end a sign-in (revocation, log-out, role or deactivation) per organisation, so cached sign-ins are checked cheaply. */
export interface AuthEpochsTable {
  org_id: string;
  epoch: number;
}

export interface TasksTable {
  id: string;
  org_id: string;
  number: number;
  title: string;
  description: string;
  status: string;
  /** 1 while the status is not final (done/cancelled): the lists' index leads with it. */
  active: number;
  priority: string;
  priority_rank: number;
  due_at: number | null;
  /** due_at, or a far-future sentinel when there is none, so "sort by due" is one index range. */
  due_sort: number;
  assignee_id: string | null;
  team_id: string | null;
  links: string;
  checklist: string;
  waiting_on: string | null;
  blocked_reason: string | null;
  source_kind: string;
  source_rule_id: string | null;
  source_event_id: string | null;
  recurrence: string | null;
  created_by_id: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  version: number;
  /** A waiting task returns to open at this instant. */
  waiting_until: number | null;
  /** When the task entered waiting: its SLA clock is paused since then. */
  waiting_since: number | null;
  /** JSON array of the task ids this one waits for. */
  blocked_by: string;
  /** "ruleId#step|type:id" for a task a rule created for a record. */
  automation_key: string | null;
  /** automation_key while the task is open and its rule allows one open task per record; null otherwise (unique). */
  dedupe_key: string | null;
}

export interface TaskDependenciesTable {
  org_id: string;
  task_id: string;
  blocked_by_id: string;
}

export interface RulesTable {
  id: string;
  org_id: string;
  name: string;
  enabled: number;
  event_type: string;
  /** JSON: { trigger, actions }. */
  definition: string;
  /** "playbook/rule" for a rule a playbook installed, so installing twice adds nothing. */
  playbook_key: string | null;
  created_by_id: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface AutomationRunsTable {
  id: string;
  org_id: string;
  rule_id: string;
  event_id: string;
  event_type: string;
  depth: number;
  outcome: string;
  at: number;
  duration_ms: number;
  created_task_ids: string;
  changed_task_ids: string;
  error: string | null;
  detail: string | null;
}

/** Per-rule counters, added to once per worker batch in the transaction that marks the batch processed. */
export interface RuleStatsTable {
  org_id: string;
  rule_id: string;
  /** Events of the rule's trigger type it was checked against. */
  evaluated: number;
  /** Of those, how many did not meet its conditions (no run logged). */
  missed: number;
  last_evaluated_at: number | null;
  last_fired_at: number | null;
}

export interface AutomationTimersTable {
  id: string;
  org_id: string;
  /** Unique: what the timer is for, so re-planning it replaces it. */
  key: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  rule_id: string | null;
  event_id: string | null;
  /** The subject's value the timer was planned from (e.g. the due date): a changed value re-arms it. */
  basis: number | null;
  fire_at: number;
  fired_at: number | null;
}

export interface AutomationTurnsTable {
  org_id: string;
  team_id: string;
  turn: number;
}

export interface TaskLinksTable {
  org_id: string;
  task_id: string;
  record_type: string;
  record_id: string;
}

/**
 * Status changes summed per organisation, UTC day, the task's team and linked
 * record type, and (from, to): kept in the same transaction as task_history.
 * link_type '' is every task once; a type is each task linked to it once.
 * '' also stands for no team and for the from of a task's first status.
 */
export interface ReportStatusFlowsTable {
  org_id: string;
  /** floor(at / 86,400,000): the UTC day of the changes. */
  day: number;
  team_key: string;
  /** The task's source kind (manual, api, rule, recurrence). */
  source_key: string;
  link_type: string;
  from_status: string;
  to_status: string;
  changes: number;
  /** Σ (at − day × 86,400,000): each change's instant inside its day. */
  offset_ms: number;
}

export interface TaskHistoryTable {
  id: string;
  org_id: string;
  task_id: string;
  actor_id: string | null;
  at: number;
  field: string;
  from_value: string | null;
  to_value: string | null;
}

export interface TaskCommentsTable {
  id: string;
  org_id: string;
  task_id: string;
  author_id: string;
  body: string;
  created_at: number;
}

/** Columns every CRM record table has (records/). */
export interface RecordColumns {
  id: string;
  org_id: string;
  owner_id: string;
  created_at: number;
  updated_at: number;
  version: number;
  /** Set when the record is archived (soft-deleted); tasks keep linking to it. */
  archived_at: number | null;
}

/** Columns of the records a task may link to: their references in other systems. */
export interface LinkableColumns extends RecordColumns {
  /** JSON: [{ source, id, url? }], a copy of the record's external_refs rows. */
  external_refs: Generated<string>;
}

/** A record's id in another system: unique per organisation, record type, source and id; one per record and source. */
export interface ExternalRefsTable {
  org_id: string;
  record_type: string;
  source: string;
  external_id: string;
  record_id: string;
  url: string | null;
  created_at: number;
}

export interface PipelinesTable extends RecordColumns {
  name: string;
  /** JSON: [{ key, name }] in order. */
  stages: string;
  /** 1 for the organisation's default pipeline, null otherwise (a partial unique index allows one). */
  is_default: number | null;
}

export interface ContactsTable extends LinkableColumns {
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  notes: string;
}

export interface ClientsTable extends LinkableColumns {
  name: string;
  /** JSON array of contact ids. */
  contact_ids: string;
  address: string | null;
  notes: string;
}

export interface LeadsTable extends LinkableColumns {
  title: string;
  contact_id: string | null;
  pipeline_id: string;
  stage: string;
  value: number | null;
  source: string | null;
}

export interface LeadHistoryTable {
  id: string;
  org_id: string;
  lead_id: string;
  actor_id: string | null;
  at: number;
  field: string;
  from_value: string | null;
  to_value: string | null;
}

export interface JobsTable extends LinkableColumns {
  title: string;
  client_id: string | null;
  address: string | null;
  scheduled_start: number | null;
  scheduled_end: number | null;
  /** scheduled_start, or a far-future sentinel, so "by start" is one index range. */
  start_sort: number;
  status: string;
  /** JSON array of user ids. */
  technician_ids: string;
}

export interface ServicesTable extends LinkableColumns {
  title: string;
  client_id: string | null;
  job_id: string | null;
  kind: string;
  next_due_at: number | null;
  /** next_due_at, or a far-future sentinel, so "by due date" is one index range. */
  due_sort: number;
  /** The next_due_at that service.due was last emitted for, so it fires once per due date. */
  due_signalled_for: number | null;
}

export interface EventsTable {
  seq: Generated<number>;
  id: string;
  org_id: string;
  type: string;
  subject_type: string;
  subject_id: string;
  data: string;
  actor_id: string | null;
  occurred_at: number;
  processed_at: number | null;
  claimed_by: string | null;
  claimed_until: number | null;
  /** How many automated steps led to this event (0 for a person's change); bounds rule chains. */
  depth: Generated<number>;
  /** JSON: [{ type, id }], records the event concerns besides its subject (null: none). */
  links: Generated<string | null>;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: number;
}

/** audit/: append-only; never updated or deleted. */
export interface AuditLogTable {
  id: string;
  org_id: string;
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  data: string;
  ip: string | null;
  at: number;
}

/** people/: failed logins per account and client address (email, known or not, and the address), so guessing is slowed across processes. */
export interface LoginThrottleTable {
  /** The email and the address the failures came from (people/loginLimits accountKey). */
  email: string;
  failures: number;
  window_start: number;
}

/** people/: failed log-ins from one client address (or its sign-ups, keyed `signup <address>`) in the window that began at `window_start`. */
export interface LoginAddressThrottleTable {
  ip: string;
  attempts: number;
  window_start: number;
}

/** intake/: lead-form submissions from one client address in the window that began at `window_start`. */
export interface LeadFormThrottleTable {
  ip: string;
  attempts: number;
  window_start: number;
}

/** webhooks/: an organisation's subscriptions; the secret signs every delivery, so it is kept as given out. */
export interface WebhooksTable {
  id: string;
  org_id: string;
  url: string;
  description: string;
  /** JSON list of event types, or ["*"]. */
  events: string;
  secret: string;
  active: number;
  /** Deliveries that used up every attempt since the last success; the subscription is disabled at the limit. */
  dead_in_a_row: number;
  disabled_at: number | null;
  disabled_reason: string | null;
  created_by_id: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

/** webhooks/: the delivery log, and the queue of what is still to send (status pending). */
export interface WebhookDeliveriesTable {
  id: string;
  org_id: string;
  webhook_id: string;
  /** The event id for a subscription's delivery; event id, rule and step for a rule's; unique per webhook. */
  dedupe_key: string;
  event_id: string;
  /** Deliveries of one webhook go out in this order. */
  event_seq: number;
  event_type: string;
  rule_id: string | null;
  /** The exact JSON body sent (and signed) on every attempt. */
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  leased_by: string | null;
  leased_until: number | null;
  response_status: number | null;
  error: string | null;
  duration_ms: number | null;
  created_at: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
}

export interface NotificationsTable {
  id: string;
  org_id: string;
  user_id: string;
  kind: string;
  /** What caused it (an event id, or event and rule): with user and kind, unique. */
  source_key: string;
  task_id: string | null;
  task_key: string | null;
  actor_id: string | null;
  message: string;
  /** 0: the person turned this kind off in the app, and it is kept only for its email. */
  in_app: Generated<number>;
  created_at: number;
  read_at: number | null;
  /** null: no email; pending, sent, or expired (mail was off too long). */
  email_state: string | null;
  email_attempts: Generated<number>;
  email_next_at: number | null;
  email_claimed_until: number | null;
  email_sent_at: number | null;
  email_error: string | null;
  /** The due date a notice about the task's deadline (overdue, due soon) was about. */
  due_at: number | null;
  /** When a notice about the task's deadline stopped being true (done, given to someone else, due date moved), and why. */
  resolved_at: number | null;
  resolved_reason: string | null;
}

export interface NotificationPreferencesTable {
  org_id: string;
  user_id: string;
  kind: string;
  in_app: number;
  email: number;
  updated_at: number;
}

export interface NotificationDigestsTable {
  org_id: string;
  user_id: string;
  /** The calendar date the digest is for (YYYY-MM-DD), in the zone the person lives by: their own, else the organisation's. */
  local_date: string;
  /** pending, sent, skipped (turned off) or empty (nothing to tell). */
  state: string;
  attempts: number;
  next_at: number;
  claimed_until: number | null;
  sent_at: number | null;
  error: string | null;
  created_at: number;
}

/** Where a recurring task stands in its series: (series, occurrence) is unique, so each next occurrence is made once. */
export interface TaskSeriesTable {
  task_id: string;
  org_id: string;
  /** The id of the series' first task. */
  series_id: string;
  /** The occurrence whose completion made this one. */
  previous_id: string | null;
  /** The due date this occurrence was made for (null for a first task without one). */
  occurrence_at: number | null;
  /** The series' start (its DTSTART): COUNT counts from it. */
  anchor_at: number;
  /** When the next occurrence will be due; null when the rule has none left. */
  next_at: number | null;
}

/** A service's maintenance plan: its task is made lead_time before each next_due_at, once per date (task_for). */
export interface ServicePlansTable {
  service_id: string;
  org_id: string;
  recurrence: string;
  lead_time: string;
  anchor_at: number;
  title: string | null;
  assignee_id: string | null;
  team_id: string | null;
  /** The service's next_due_at the plan last made a task for. */
  task_for: number | null;
  task_id: string | null;
  created_at: number;
  updated_at: number;
}

/** A person's secret iCal address: only the SHA-256 of its token is kept. */
export interface CalendarFeedsTable {
  user_id: string;
  org_id: string;
  token_hash: string;
  created_at: number;
}

/** A file of a task (or of one of its comments, or proof for one of its checklist items). */
export interface AttachmentsTable {
  id: string;
  org_id: string;
  task_id: string;
  comment_id: string | null;
  checklist_item_id: string | null;
  name: string;
  /** Found from the bytes, never the client's claim. */
  content_type: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  /** Images: the copy at most 2048 px on its longer side, and the thumbnail at most 320 px. */
  display_sha256: string | null;
  thumb_sha256: string | null;
  created_by_id: string;
  created_at: number;
}

/** One stored content, named by its SHA-256 (shared by every attachment with the same bytes). */
export interface FileBlobsTable {
  sha256: string;
  size: number;
  created_at: number;
}

/** The bytes of a blob on PostgreSQL, in order, 256 KB a row. */
export interface FileChunksTable {
  sha256: string;
  n: number;
  data: Buffer;
}

export interface WeeklySummariesTable {
  org_id: string;
  user_id: string;
  /** The ISO week it is sent in, in the person's zone (e.g. 2026-W10): one summary per person per week. */
  week: string;
  /** The week it tells of: the previous Monday 00:00 to this Monday 00:00 in the person's zone. */
  period_from: number;
  period_to: number;
  /** The zone those Mondays were read in. */
  time_zone: string;
  /** pending, sent, skipped (turned off, or no longer a manager) or empty (nothing happened). */
  state: string;
  attempts: number;
  next_at: number;
  claimed_until: number | null;
  sent_at: number | null;
  error: string | null;
  created_at: number;
}
