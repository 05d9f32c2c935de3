// Published org versions (docs/routing.md): immutable, identified by content hash.

export interface OrgVersionRecord {
  /** Content hash (`sha256:…`), the identity. */
  readonly hash: string;
  /** Author-given label (not unique: the same label may be published with new content; the hash tells them apart). */
  readonly version: string;
  /** Canonical config JSON text. */
  readonly configJson: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface OrgVersionRepository {
  /**
   * Publishes a version. Publishing a hash that already exists is a no-op returning the stored
   * record unchanged (`created: false`), whatever label or author the second call gives. There is
   * no update or delete (the database rejects both).
   */
  publish(input: OrgVersionRecord): Promise<{ readonly record: OrgVersionRecord; readonly created: boolean }>;
  getByHash(hash: string): Promise<OrgVersionRecord | undefined>;
  /** The most recently published version with this label. */
  getByVersion(version: string): Promise<OrgVersionRecord | undefined>;
  /** Oldest first. */
  list(): Promise<readonly OrgVersionRecord[]>;
  /** Makes a published version the one in force (appends to the activation history). */
  activate(input: OrgActivation): Promise<void>;
  /**
   * Serialises publications: held until the transaction ends, so a publisher that then reads `current()`
   * knows which version it replaces even when several instances publish at once.
   */
  lockActivations(): Promise<void>;
  /** The version in force: the latest activation; undefined before the first. */
  current(): Promise<OrgActivation | undefined>;
  /** Every activation, oldest first: which version was in force when, and who made it so. */
  activations(): Promise<readonly OrgActivation[]>;
  /**
   * Inside a transaction: waits until no other transaction can activate a version before this one commits
   * (PostgreSQL: a transaction-scoped advisory lock; SQLite: nothing to do, a write transaction already holds
   * the database write lock). A compare-and-set on the version in force (roster changes, If-Match) reads
   * `current()` after this call.
   */
  lockActivations(): Promise<void>;
}

export interface OrgActivation {
  readonly hash: string;
  readonly activatedAt: string;
  readonly activatedBy: string;
  /** Why (roster changes say why; a plain publication may not): null when none was given. */
  readonly reason?: string | null;
}
