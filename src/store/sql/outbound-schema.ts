// Row types of the outbound tables (Kysely): notification deliveries and preferences (0020–0023) and CRM
// write-backs (0024), kept beside schema.ts, which holds the rest and the Database interface.

// --- 0020-notifications ----------------------------------------------------------------------

export interface NotificationsTable {
  id: string;
  event_id: string;
  channel: string;
  recipient: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** 0022: rows of one digest share it (with channel and recipient); null for a row sent on its own. */
  digest_key: string | null;
  /** 0021: when the owner read an inbox row; null = unread (other channels: always null). */
  read_at: string | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  preferences_json: string;
  updated_at: string;
}

// --- 0023-notification-runs ------------------------------------------------------------------

export interface NotificationRunsTable {
  job: string;
  day: string;
  taken_at: string;
  taken_by: string;
  events: number;
}

export interface NotificationConditionsTable {
  key: string;
  raised_at: string;
}

// --- 0024-crm-writebacks --------------------------------------------------------------------

export interface CrmWritebacksTable {
  id: string;
  lead_id: string;
  target_id: string;
  record_id: string;
  event_id: string;
  update_json: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  superseded_by: string | null;
}
