// Suppressions (docs/conduct.md): do-not-contact lists, imported in bulk (`remit import --kind suppression`).

export type SuppressionKind = 'email' | 'phone' | 'domain';
export const SUPPRESSION_KINDS: readonly SuppressionKind[] = ['email', 'phone', 'domain'];

export interface SuppressionRecord {
  readonly kind: SuppressionKind;
  /** Normalised: email lower-case address, phone E.164, domain lower-case. */
  readonly value: string;
  readonly reason: string | null;
  /** Where the entry came from (e.g. `import:dnc.csv`). */
  readonly source: string;
  readonly createdAt: string;
}

export interface SuppressionRepository {
  /** Inserts or replaces by (kind, value); the last record wins when a pair repeats. */
  upsert(records: readonly SuppressionRecord[]): Promise<void>;
  /** The entries matching any of the given (kind, value) pairs, ordered by kind then value. */
  find(keys: readonly { readonly kind: SuppressionKind; readonly value: string }[]): Promise<readonly SuppressionRecord[]>;
  /** Returns false when there was no such entry. */
  remove(kind: SuppressionKind, value: string): Promise<boolean>;
  /** Ordered by (kind, value); `after` is the last (kind, value) of the previous page. */
  page(filter: {
    readonly kind?: SuppressionKind;
    readonly after?: { readonly kind: SuppressionKind; readonly value: string };
    readonly limit: number;
  }): Promise<readonly SuppressionRecord[]>;
  count(): Promise<number>;
}
