import type { Generated } from 'kysely';
import type {
  CrmWritebacksTable,
  NotificationConditionsTable,
  NotificationPreferencesTable,
  NotificationRunsTable,
  NotificationsTable,
} from './outbound-schema.ts';
import type { LeadOutcomesTable, OutcomeModelHeadTable, OutcomeModelsTable } from './outcome-schema.ts';
import type {
  CoverageJobOutcomesTable,
  RescreenJobHoldsTable,
  RescreenJobsTable,
  ScreeningListChecksTable,
  ScreeningListReloadsTable,
  ScreeningListVersionsTable,
} from './screening-schema.ts';

/** Kysely table types for the migrations in ../migrations (snake_case, as in the database). */

export interface RemitMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface OrgVersionsTable {
  hash: string;
  version: string;
  config_json: string;
  created_at: string;
  created_by: string;
}

export interface OrgActivationsTable {
  seq: Generated<number>;
  hash: string;
  activated_at: string;
  activated_by: string;
  /** Why it was put in force (migration 0015); null before, and for publications that gave none. */
  reason: string | null;
}

export interface LeadsTable {
  id: string;
  status: string;
  team_id: string | null;
  rep_id: string | null;
  org_hash: string;
  lead_json: string;
  received_at: string;
  updated_at: string;
  /** 0002: the open original of a DUPLICATE lead. */
  duplicate_of: string | null;
  /** 0044: why the coverage release cannot screen this lead whatever the lists (`no_name`); null: it can. */
  coverage_unscreenable: string | null;
}

export interface DecisionsTable {
  decision_id: string;
  lead_id: string;
  outcome: string;
  team_id: string | null;
  rep_id: string | null;
  org_hash: string;
  document_json: string;
  decided_at: string;
}

/** One row per round-robin pool: the lock anchor of the pool and its sequence number. */
export interface RoutingPoolsTable {
  pool: string;
  seq: number;
}

/** Ledger entries, written only while the pool row is locked. */
export interface RoutingLedgerTable {
  pool: string;
  rep_id: string;
  assigned: number;
  entitled: number;
  last_seq: number;
  /** Declared pools: rep-local day of the member's last lead from the pool (null: undeclared pool, or never). */
  day: string | null;
  /** Declared pools: leads the pool gave the member on `day`. */
  today: Generated<number>;
}

/** One row per rep: the lock anchor of the rep and its load. `day` is null until the first assignment. */
export interface RepStateTable {
  rep_id: string;
  open_count: number;
  day: string | null;
  today: number;
}

// --- 0002-service ---------------------------------------------------------------------------

/** Erasable in place: erase overwrites salt and values (see the CHECK in 0002). */
export interface PersonalDataTable {
  lead_id: string;
  salt: string;
  contact_json: string;
  raw_json: string;
  consent_json: string | null;
  created_at: string;
  erased_at: string | null;
}

/** 0045: a lead's screening key hashes, packed (docs/screening.md "Delta re-screening", packed-key-hashes.ts). */
export interface ScreeningLeadKeysTable {
  lead_id: string;
  /** Unsigned 32-bit hashes, little-endian, 4 bytes each (bytea on PostgreSQL). */
  hashes: Uint8Array;
}

/** One row (id 1): the fingerprint of the key scheme the stored screening name keys were computed with (0032). */
/** Migration 0035: a counter per rarely changing table, bumped by triggers on every change (table-generations.ts). */
export interface TableGenerationsTable {
  name: string;
  generation: number | string;
}

export interface ScreeningNameKeySchemeTable {
  id: number;
  scheme: string;
  set_at: string;
}

export interface DedupeKeysTable {
  key: string;
  lead_id: string;
}

/** Lock anchors of DedupeRepository.lockKeys: first 4 hex digits of SHA-256(key). */
export interface DedupeLocksTable {
  bucket: string;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response_json: string;
  created_at: string;
}

export interface AccountsTable {
  id: string;
  name: string;
  /** JSON array of lower-case domains. */
  domains_json: string;
  owner_rep: string | null;
  tier: string | null;
  updated_at: string;
  /** The parent account's id (migration 0026); null: a top-level account. */
  parent_id: string | null;
}

/** Append-only. seq: SQLite INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL bigint identity (pg returns it as a string). */
export interface LeadEventsTable {
  seq: Generated<number | string>;
  lead_id: string;
  kind: string;
  actor: string;
  at: string;
  payload_json: string;
}

export interface ReviewsTable {
  id: string;
  lead_id: string;
  status: string;
  kind: string;
  reason_codes_json: string;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  resolution_json: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  rep_id: string | null;
  secret_hash: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  /** The person the key belongs to (0009-people; back-filled for older keys). */
  user_id: string | null;
}

export interface WebhookSubscriptionsTable {
  id: string;
  url: string;
  secret: string;
  /** JSON array of event types, or ["*"]. */
  events_json: string;
  /** 0 or 1 (portable boolean). */
  active: number;
  created_at: string;
}

/** Append-only. */
export interface OutboxEventsTable {
  event_id: string;
  event_type: string;
  payload_json: string;
  created_at: string;
}

export interface DeliveriesTable {
  id: string;
  event_id: string;
  subscription_id: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

// --- 0003-suppressions ----------------------------------------------------------------------

/** Do-not-contact entries, keyed by (kind, value). */
export interface SuppressionsTable {
  kind: string;
  value: string;
  reason: string | null;
  source: string;
  created_at: string;
}

// --- 0004-audit ------------------------------------------------------------------------------

export interface AuditInboxTable {
  id: Generated<number>;
  kind: string;
  subject: string;
  actor: string;
  at: string;
  payload_json: string;
  commitments_json: string;
  /** Migration 0030: the decisions row whose document is this entry's `decision` member, and where it goes. */
  decision_ref: string | null;
  decision_ref_at: number | null;
}

export interface AuditLogTable {
  seq: number;
  kind: string;
  subject: string;
  actor: string;
  at: string;
  payload_json: string;
  commitments_json: string;
  prev_hash: string;
  entry_hash: string;
  /** Migration 0049: the `decisions` row whose document is the payload's `decision` member (audit-decision-ref.ts). */
  decision_ref: string | null;
  decision_ref_at: number | null;
}

export interface AuditCheckpointsTable {
  tree_size: number;
  log_id: string;
  root_hash: string;
  chain_head: string;
  at: string;
  key_id: string;
  signature: string;
  frontier_json: string | null;
}

export interface AuditKeysTable {
  key_id: string;
  public_key: string;
  valid_from: string;
  valid_to: string | null;
}

export interface AuditSealerStateTable {
  id: number;
  log_id: string;
  tree_size: number;
  chain_head: string;
  frontier_json: string;
  updated_at: string;
}

// --- 0005-conduct ----------------------------------------------------------------------------

export interface OutreachLogTable {
  id: string;
  lead_id: string;
  channel: string;
  subject: string;
  template_id: string | null;
  phone: string | null;
  rep_id: string | null;
  actor: string;
  at: string;
  decision_json: string;
}

export interface OptOutsTable {
  id: string;
  lead_id: string;
  phone: string | null;
  email: string | null;
  channel: string;
  kind: string;
  at: string;
  actor: string;
  recorded_at: string;
}

export interface ConsentChangesTable {
  id: string;
  lead_id: string;
  channel: string;
  action: string;
  at: string;
  wording: string | null;
  phone: string | null;
  prior_express_written: number;
  condition_of_purchase: number;
  actor: string;
  recorded_at: string;
}

export interface RegistryScrubsTable {
  registry: string;
  scrubbed_at: string;
  source: string;
}

export interface RegistryListingsTable {
  registry: string;
  scrubbed_at: string;
  phone: string;
}

export interface PromotionsTable {
  id: string;
  approver: string;
  jurisdictions_json: string;
  audience: string;
  valid_from: string | null;
  valid_to: string | null;
  updated_at: string;
}

export interface SlaTimersTable {
  id: string;
  lead_id: string;
  kind: string;
  rep_id: string;
  team_id: string | null;
  assigned_at: string;
  due_at: string;
  status: string;
  created_at: string;
  closed_at: string | null;
  closed_by: string | null;
  outcome_json: string | null;
}

// --- 0007-console-sessions -------------------------------------------------------------------

export interface ConsoleSessionsTable {
  id_hash: string;
  user_id: string;
  key_hash: string | null;
  method: string;
  created_at: string;
  expires_at: string;
}

// --- 0009-people -----------------------------------------------------------------------------
// (console_sessions was rebuilt by 0009: ConsoleSessionsTable above is its current shape.)

export interface UsersTable {
  id: string;
  name: string;
  email: string | null;
  status: string;
  roles_json: string;
  rep_id: string | null;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: number;
  failed_sign_ins: number;
  locked_until: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  version: number;
  /** 0012-totp-replay: the last TOTP time step accepted (replay guard); null before the first code. */
  totp_last_step: number | null;
}

export interface UserRoleGrantsTable {
  id: string;
  user_id: string;
  role: string;
  granted_at: string;
  granted_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface SignInLinksTable {
  token_hash: string;
  user_id: string;
  purpose: string;
  created_at: string;
  created_by: string;
  expires_at: string;
  used_at: string | null;
}

export interface OidcLoginsTable {
  state_hash: string;
  code_verifier: string;
  nonce: string;
  return_to: string;
  created_at: string;
  expires_at: string;
}

// --- 0010-org-drafts -------------------------------------------------------------------------

export interface OrgDraftsTable {
  id: string;
  status: string;
  classification: string;
  requested_by: string;
  requested_at: string;
  reason: string | null;
  base_hash: string;
  draft_hash: string;
  version: string;
  config_json: string;
  diff_json: string;
  simulation_json: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
}

// --- 0011-rep-presence -------------------------------------------------------------------------

export interface RepPresenceTable {
  rep_id: string;
  status: string;
  since: string;
  until: string | null;
  set_by: string;
  reason: string | null;
}

// --- 0018-rep-heartbeats ---------------------------------------------------------------------

export interface RepHeartbeatsTable {
  rep_id: string;
  last_seen: string;
}

// --- 0016-reassignments ----------------------------------------------------------------------

export interface ReassignmentsTable {
  id: string;
  from_rep: string;
  requested_by: string;
  reason: string;
  status: string;
  org_hash: string;
  started_at: string;
  finished_at: string | null;
  lead_count: number;
  assigned_count: number;
  queued_count: number;
  refused_count: number;
  held_count: number;
  nurture_count: number;
  skipped_count: number;
}

export interface ReassignmentItemsTable {
  reassignment_id: string;
  seq: number;
  lead_id: string;
  from_rep: string;
  to_rep: string | null;
  to_team: string | null;
  outcome: string;
  decision_id: string | null;
  reason_codes_json: string;
  at: string;
}

// --- 0017-reassignment-jobs -------------------------------------------------------------------

export interface ReassignmentJobsTable {
  id: string;
  kind: string;
  trigger: string;
  rep_id: string | null;
  lead_ids_json: string | null;
  reason: string;
  requested_by: string;
  org_hash: string;
  previous_hash: string | null;
  status: string;
  attempts: number;
  claimed_by: string | null;
  lease_until: string | null;
  created_at: string;
  finished_at: string | null;
  error: string | null;
}

export interface Database {
  remit_migrations: RemitMigrationsTable;
  org_versions: OrgVersionsTable;
  org_activations: OrgActivationsTable;
  leads: LeadsTable;
  decisions: DecisionsTable;
  routing_pools: RoutingPoolsTable;
  routing_ledger: RoutingLedgerTable;
  rep_state: RepStateTable;
  personal_data: PersonalDataTable;
  screening_lead_keys: ScreeningLeadKeysTable;
  screening_name_key_scheme: ScreeningNameKeySchemeTable;
  dedupe_keys: DedupeKeysTable;
  dedupe_locks: DedupeLocksTable;
  idempotency_keys: IdempotencyKeysTable;
  accounts: AccountsTable;
  lead_events: LeadEventsTable;
  reviews: ReviewsTable;
  api_keys: ApiKeysTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  outbox_events: OutboxEventsTable;
  deliveries: DeliveriesTable;
  suppressions: SuppressionsTable;
  console_sessions: ConsoleSessionsTable;
  users: UsersTable;
  user_role_grants: UserRoleGrantsTable;
  sign_in_links: SignInLinksTable;
  oidc_logins: OidcLoginsTable;
  audit_inbox: AuditInboxTable;
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_keys: AuditKeysTable;
  audit_sealer_state: AuditSealerStateTable;
  outreach_log: OutreachLogTable;
  opt_outs: OptOutsTable;
  consent_changes: ConsentChangesTable;
  registry_scrubs: RegistryScrubsTable;
  registry_listings: RegistryListingsTable;
  promotions: PromotionsTable;
  sla_timers: SlaTimersTable;
  screening_list_versions: ScreeningListVersionsTable;
  screening_list_reloads: ScreeningListReloadsTable;
  screening_list_checks: ScreeningListChecksTable;
  org_drafts: OrgDraftsTable;
  rep_presence: RepPresenceTable;
  reassignments: ReassignmentsTable;
  reassignment_items: ReassignmentItemsTable;
  rep_heartbeats: RepHeartbeatsTable;
  reassignment_jobs: ReassignmentJobsTable;
  rescreen_jobs: RescreenJobsTable;
  rescreen_job_holds: RescreenJobHoldsTable;
  coverage_job_outcomes: CoverageJobOutcomesTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  notification_runs: NotificationRunsTable;
  notification_conditions: NotificationConditionsTable;
  crm_writebacks: CrmWritebacksTable;
  lead_outcomes: LeadOutcomesTable;
  outcome_models: OutcomeModelsTable;
  outcome_model_head: OutcomeModelHeadTable;
  table_generations: TableGenerationsTable;
}
