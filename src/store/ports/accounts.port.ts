// Accounts (docs/intake.md): importable; matched by email domain and normalised company name.

export interface AccountRecord {
  readonly id: string;
  readonly name: string;
  /** Lower-case email domains. */
  readonly domains: readonly string[];
  readonly ownerRep: string | null;
  readonly tier: string | null;
  /** The parent account (docs/intake.md "Account hierarchies"); absent: a top-level account. */
  readonly parentId?: string;
  readonly updatedAt: string;
}

export interface AccountRepository {
  /** Inserts or replaces by id. */
  upsert(accounts: readonly AccountRecord[]): Promise<void>;
  list(): Promise<readonly AccountRecord[]>;
  get(id: string): Promise<AccountRecord | undefined>;
}
