import { toIso } from '../domain/shared/zoned-time.ts';
import type { AccountRecord } from '../store/store-port.ts';
import type { Principal } from './api-keys.ts';
import { appendAudit } from './audit-trail.ts';
import type { ServiceContext } from './service-context.ts';

/**
 * SPEC R8 / C9: accounts and their owners are org data. An import inserts or replaces by id and is
 * audited in the same transaction with who, when, and each account as it was before and after.
 */
export async function importAccounts(ctx: Pick<ServiceContext, 'store' | 'clock' | 'accounts'>, principal: Pick<Principal, 'keyId'>, accounts: readonly Omit<AccountRecord, 'updatedAt'>[]): Promise<{ imported: number }> {
  const updatedAt = toIso(ctx.clock.now());
  await ctx.store.transaction(async (tx) => {
    const before = new Map((await tx.accounts.list()).map((a) => [a.id, a]));
    const records = accounts.map((a) => ({ ...a, updatedAt }));
    await tx.accounts.upsert(records);
    const view = (a: AccountRecord | undefined) => (a ? { name: a.name, domains: a.domains, ownerRep: a.ownerRep, tier: a.tier } : null);
    await appendAudit(tx, {
      kind: 'org_change',
      subject: 'accounts',
      actor: principal.keyId,
      at: updatedAt,
      payload: { action: 'accounts.imported', count: records.length, changes: records.map((a) => ({ id: a.id, before: view(before.get(a.id)), after: view(a) })) },
    });
  });
  await ctx.accounts.refresh();
  return { imported: accounts.length };
}
