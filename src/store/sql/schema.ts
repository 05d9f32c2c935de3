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

export interface LeadsTable {
  id: string;
  status: string;
  team_id: string | null;
  rep_id: string | null;
  org_hash: string;
  lead_json: string;
  received_at: string;
  updated_at: string;
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
}

/** One row per rep: the lock anchor of the rep and its load. `day` is null until the first assignment. */
export interface RepStateTable {
  rep_id: string;
  open_count: number;
  day: string | null;
  today: number;
}

export interface Database {
  remit_migrations: RemitMigrationsTable;
  org_versions: OrgVersionsTable;
  leads: LeadsTable;
  decisions: DecisionsTable;
  routing_pools: RoutingPoolsTable;
  routing_ledger: RoutingLedgerTable;
  rep_state: RepStateTable;
}
