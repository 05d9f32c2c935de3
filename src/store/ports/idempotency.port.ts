// Idempotency (docs/intake.md): a retried request with the same key returns the stored response.

export interface IdempotencyRecord {
  /** Who may replay it: e.g. the API key id. Keys are unique per scope. */
  readonly scope: string;
  readonly key: string;
  /** SHA-256 of the canonical request; a different body under the same key is a client error. */
  readonly requestHash: string;
  readonly statusCode: number;
  readonly responseJson: string;
  readonly createdAt: string;
}

export interface IdempotencyRepository {
  get(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Inserts; when (scope, key) already exists, returns the existing record instead (first writer wins). */
  put(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /**
   * Erasure (docs/audit.md): replaces the stored answer of every record that answered with this lead
   * (`"leadId":"<id>"` in the response) by `responseJson`; the key and request hash stay, so a retry
   * still creates nothing. Returns how many records were rewritten.
   */
  replaceResponsesForLead(leadId: string, responseJson: string): Promise<number>;
  /** Retention: deletes the records created before `before` (ISO instant), or only counts them (dryRun); returns how many. */
  pruneCreatedBefore(before: string, opts: { readonly dryRun: boolean }): Promise<number>;
}
