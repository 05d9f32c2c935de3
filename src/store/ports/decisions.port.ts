import type { DecisionOutcome } from '../../domain/decision/decision.ts';

// Decisions: append-only (no update or delete, enforced by database triggers as well).

export interface DecisionRecord {
  readonly decisionId: string;
  readonly leadId: string;
  readonly outcome: DecisionOutcome;
  readonly teamId: string | null;
  readonly repId: string | null;
  readonly orgHash: string;
  /**
   * The full Decision document as JSON text; its decisionId, leadId, outcome and ruleSet.hash must match the columns.
   * The routing core writes canonicalDataJson(decision) (issue 18): the same bytes are the `decision` member of the
   * decision's sealed audit entry, which references this row.
   */
  readonly documentJson: string;
  readonly decidedAt: string;
  /**
   * The value documentJson was serialised from by the app itself (canonicalDataJson(document) === documentJson): the
   * store checks the columns against it instead of parsing the text again (issue 18). Absent: the text is parsed.
   */
  readonly document?: object;
}

export interface DecisionRepository {
  /**
   * Fails with StoreInputError when the document disagrees with the columns; with a constraint error
   * when the lead or org version is missing.
   */
  append(record: DecisionRecord): Promise<void>;
  get(decisionId: string): Promise<DecisionRecord | undefined>;
  /** Oldest first. */
  listForLead(leadId: string): Promise<readonly DecisionRecord[]>;
  /** Oldest first (decidedAt, then decisionId). */
  list(filter?: { readonly outcome?: DecisionOutcome; readonly repId?: string }): Promise<readonly DecisionRecord[]>;
}
