import type { LeadStatus } from '../../domain/lead/lead-status.ts';

// Leads: the lead row and its status (vocabulary in src/domain/lead/lead-status.ts).

export interface LeadRecord {
  readonly id: string;
  readonly status: LeadStatus;
  readonly teamId: string | null;
  readonly repId: string | null;
  /** Org version of the latest decision about this lead. */
  readonly orgHash: string;
  /** The normalised lead (LeadSchema output) as JSON text. */
  readonly leadJson: string;
  readonly receivedAt: string;
  readonly updatedAt: string;
  /** For DUPLICATE leads: the open original it was linked to. */
  readonly duplicateOf: string | null;
}

export interface LeadRepository {
  /**
   * Inserts the lead with status NEW unless a lead with this id exists, and locks its row
   * (PostgreSQL: FOR UPDATE; SQLite: the transaction already holds the write lock). Returns the
   * stored record and whether this call created it. Call inside a transaction.
   */
  claim(input: {
    readonly id: string;
    readonly orgHash: string;
    readonly leadJson: string;
    readonly receivedAt: string;
  }): Promise<{ readonly record: LeadRecord; readonly created: boolean }>;
  /**
   * Inserts a lead with status NEW under an id made for it just now (an intake's: never used before, so there is nothing
   * to claim). Call inside a transaction. The row is written by the time the transaction commits: on SQLite it is held
   * until a statement might need it (one that names `leads`, any other write) or COMMIT, and an `update` of it made
   * meanwhile is folded into it (one INSERT with the final values; docs/storage.md "Writes sent together"). An id that
   * exists fails the transaction with a constraint error (at the latest at COMMIT) and nothing of it is kept.
   */
  insertNew(input: {
    readonly id: string;
    readonly orgHash: string;
    readonly leadJson: string;
    readonly receivedAt: string;
  }): Promise<LeadRecord>;
  /** Reads and locks (PostgreSQL: FOR UPDATE) an existing lead. */
  lock(id: string): Promise<LeadRecord | undefined>;
  get(id: string): Promise<LeadRecord | undefined>;
  /** Records the outcome of a decision on the lead row. Fails if the lead does not exist. */
  update(
    id: string,
    patch: {
      readonly status: LeadStatus;
      readonly teamId: string | null;
      readonly repId: string | null;
      readonly orgHash: string;
      readonly updatedAt: string;
      readonly duplicateOf?: string | null;
      /** Replaces the stored lead when a later decision used a changed lead (e.g. screening cleared by compliance). */
      readonly leadJson?: string;
    },
  ): Promise<void>;
  /** Oldest received first. */
  list(filter?: { readonly status?: LeadStatus; readonly repId?: string }): Promise<readonly LeadRecord[]>;
  /**
   * Cursor pagination in (receivedAt, id) order, oldest first: `after` is the last id of the
   * previous page. Filters combine with AND; `receivedFrom`/`receivedTo` are inclusive/exclusive ISO times.
   */
  page(filter: {
    readonly status?: LeadStatus;
    readonly repId?: string;
    readonly teamId?: string;
    readonly receivedFrom?: string;
    readonly receivedTo?: string;
    /** Only leads with an OPEN review of this kind requested by this actor (the coverage release's leads). */
    readonly openReview?: { readonly kind: string; readonly requestedBy: string };
    /** false: only leads not marked unscreenable (markUnscreenable); true: only marked ones. */
    readonly unscreenable?: boolean;
    readonly after?: string;
    readonly limit: number;
  }): Promise<readonly LeadRecord[]>;
  /**
   * Marks a lead the coverage release cannot screen whatever the lists (`reason`, e.g. `no_name`; migration 0044), so
   * later releases skip it (page with `unscreenable: false`). Nothing else about the lead changes. Fails if the lead
   * does not exist.
   */
  markUnscreenable(id: string, reason: string): Promise<void>;
  /** Retention: ids of leads in one of `statuses` last changed before `before` (ISO), least recently changed first. */
  idleSince(filter: {
    readonly statuses: readonly LeadStatus[];
    readonly before: string;
    readonly limit: number;
  }): Promise<readonly string[]>;
}
