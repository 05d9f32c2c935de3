import type { Store } from '../../store/unit-of-work.ts';
import { buildAccountIndex, matchAccount, type AccountIndex, type AccountMatch, type AccountMatchSubject } from './account-match.ts';

/**
 * The account index (docs/intake.md) built from the store and rebuilt after an import, or when older than
 * `maxAgeMs` so instances pick up imports made elsewhere.
 */
export class AccountDirectory {
  private index: AccountIndex | null = null;
  private builtAt = 0;
  private readonly store: Store;
  private readonly now: () => number;
  private readonly maxAgeMs: number;

  constructor(store: Store, now: () => number, maxAgeMs = 30_000) {
    this.store = store;
    this.now = now;
    this.maxAgeMs = maxAgeMs;
  }

  async refresh(): Promise<void> {
    const accounts = await this.store.accounts.list();
    this.index = buildAccountIndex(
      accounts.map((a) => ({
        id: a.id,
        name: a.name,
        domains: a.domains,
        ...(a.ownerRep ? { ownerRep: a.ownerRep } : {}),
        ...(a.tier ? { tier: a.tier } : {}),
        ...(a.parentId ? { parentId: a.parentId } : {}),
      })),
    );
    this.builtAt = this.now();
  }

  async match(subject: AccountMatchSubject, options: { readonly fuzzyThreshold?: number | undefined } = {}): Promise<AccountMatch | null> {
    if (!this.index || this.now() - this.builtAt > this.maxAgeMs) await this.refresh();
    return this.index!.size === 0 ? null : matchAccount(this.index!, subject, options);
  }
}
