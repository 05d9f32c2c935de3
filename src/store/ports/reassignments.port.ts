/**
 * Storage port for bulk reassignments (migration 0016; docs/operations.md "Reassignment"): the operation that
 * moved a rep's open leads away, and what became of each lead. Instants are ISO-8601 UTC strings.
 */

export type ReassignmentStatus = 'running' | 'finished';

/** What the operation did, by outcome of the re-decisions; `skipped`: the lead had moved on before its batch ran. */
export interface ReassignmentCounts {
  readonly leads: number;
  readonly assigned: number;
  readonly queued: number;
  readonly refused: number;
  readonly held: number;
  readonly nurture: number;
  readonly skipped: number;
}

export interface ReassignmentRecord {
  readonly id: string;
  readonly fromRep: string;
  /** The person who asked (principal.userId, or `cli:<account>`). */
  readonly requestedBy: string;
  readonly reason: string;
  readonly status: ReassignmentStatus;
  /** The org version in force when the operation started. */
  readonly orgHash: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly counts: ReassignmentCounts;
}

/** One lead of an operation: where it went, as the engine decided (outcome SKIPPED: nothing was decided). */
export interface ReassignmentItemRecord {
  readonly reassignmentId: string;
  /** Position within the operation, from 1. */
  readonly seq: number;
  readonly leadId: string;
  readonly fromRep: string;
  readonly toRep: string | null;
  readonly toTeam: string | null;
  readonly outcome: string;
  readonly decisionId: string | null;
  readonly reasonCodes: readonly string[];
  readonly at: string;
}

export interface ReassignmentRepository {
  /** Records a new running operation with zero counts. */
  start(input: Omit<ReassignmentRecord, 'status' | 'finishedAt' | 'counts'>): Promise<void>;
  addItem(item: ReassignmentItemRecord): Promise<void>;
  /** Marks the operation finished with its counts; false when it was not running. */
  finish(id: string, finishedAt: string, counts: ReassignmentCounts): Promise<boolean>;
  get(id: string): Promise<ReassignmentRecord | undefined>;
  /** The operation's leads in the order they were re-decided. */
  items(id: string): Promise<readonly ReassignmentItemRecord[]>;
}
