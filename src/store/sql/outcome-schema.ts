/** Kysely table type of migration 0027 (kept apart so schema.ts stays within the file-length limit). */
export interface LeadOutcomesTable {
  id: string;
  lead_id: string;
  seq: number;
  kind: string;
  value: number | null;
  currency: string | null;
  reason_code: string;
  note: string | null;
  closed_at: string;
  recorded_at: string;
  recorded_by: string;
  channel: string;
  decision_id: string | null;
  rep_id: string | null;
  team_id: string | null;
  rule_id: string | null;
  strategy: string | null;
  segment: string | null;
  source: string | null;
}

/** Kysely table types of migration 0028. */
export interface OutcomeModelsTable {
  version: string;
  model_json: string;
  outcome_rows: number;
  built_at: string;
}

export interface OutcomeModelHeadTable {
  id: number;
  version: string;
  outcome_rows: number;
  built_at: string;
}
