/** Kysely table types of the screening lists' migrations (kept apart so schema.ts stays within the file-length limit). */

// --- 0008-screening-lists --------------------------------------------------------------------

export interface ScreeningListVersionsTable {
  source_id: string;
  sha256: string;
  entry_count: number;
  loaded_at: string;
  loaded_by: string;
}

export interface ScreeningListReloadsTable {
  id: string;
  source_id: string;
  status: string;
  requested_by: string;
  requested_at: string;
  old_sha256: string | null;
  old_entry_count: number | null;
  new_sha256: string;
  new_entry_count: number;
  decided_by: string | null;
  decided_at: string | null;
}

// --- 0038-rescreen-jobs -----------------------------------------------------------------------

export interface RescreenJobsTable {
  id: string;
  trigger: string;
  requested_by: string;
  roles_json: string;
  lists_json: string;
  entries: number;
  entries_done: number;
  report_json: string | null;
  status: string;
  attempts: number;
  claimed_by: string | null;
  lease_until: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

// --- 0040-screening-list-checks --------------------------------------------------------------

export interface ScreeningListChecksTable {
  source_id: string;
  next_check_at: string;
  checked_by: string;
  checked_at: string;
}

// --- 0047-rescreen-job-holds -----------------------------------------------------------------

export interface RescreenJobHoldsTable {
  job_id: string;
  lead_id: string;
  /** The hits (`list/entry`) that held the lead, as a JSON array. */
  hits_json: string;
  held_at: string;
}

// --- 0048-coverage-job-outcomes --------------------------------------------------------------

export interface CoverageJobOutcomesTable {
  job_id: string;
  lead_id: string;
  /** `released` | `held_as_match` | `unchanged` (CoverageOutcome). */
  outcome: string;
  at: string;
}
