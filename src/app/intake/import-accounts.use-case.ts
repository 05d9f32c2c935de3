import { pointer } from '../../domain/errors/detail-path.ts';
import type { ErrorDetail } from '../../domain/errors/error-catalogue.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { AccountRecord } from '../../store/ports/accounts.port.ts';
import { ownerRepProblem } from './account-owner.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * docs/intake.md, docs/operations.md: accounts and their owners are org data. An import inserts or replaces by id and is
 * audited in the same transaction with who, when, and each account as it was before and after.
 * Every owner must be a rep of the org in force; one that is not refuses the whole import, naming each item.
 */
export async function importAccounts(
  ctx: Pick<ServiceContext, 'store' | 'clock' | 'accounts' | 'orgs'>,
  principal: Pick<Principal, 'userId'>,
  accounts: readonly Omit<AccountRecord, 'updatedAt'>[],
): Promise<Result<{ imported: number }, AppFailure>> {
  const org = ctx.orgs.current;
  const problems: ErrorDetail[] = accounts.flatMap((a, i) => {
    const problem = ownerRepProblem(org, a.ownerRep);
    return problem === null
      ? []
      : [{ path: pointer(['body', 'accounts', i, 'ownerRep']), message: `${problem}: not a rep of the org in force` }];
  });
  if (problems.length > 0)
    return failure('ACCOUNTS_INVALID', `${problems.length} account(s) name an unknown owner; nothing was imported`, problems);
  const updatedAt = toIso(ctx.clock.now());
  const result = await ctx.store.transaction(async (tx): Promise<Result<{ imported: number }, AppFailure>> => {
    const before = new Map((await tx.accounts.list()).map((a) => [a.id, a]));
    const parents = parentProblems(before, accounts);
    if (parents.length > 0)
      return failure('ACCOUNTS_INVALID', `${parents.length} account(s) name an unknown or circular parent; nothing was imported`, parents);
    const records = accounts.map((a) => ({ ...a, updatedAt }));
    await tx.accounts.upsert(records);
    const view = (a: AccountRecord | undefined) =>
      a ? { name: a.name, domains: a.domains, ownerRep: a.ownerRep, tier: a.tier, parentId: a.parentId ?? null } : null;
    await appendAudit(tx, {
      kind: 'org_change',
      subject: 'accounts',
      actor: principal.userId,
      at: updatedAt,
      payload: {
        action: 'accounts.imported',
        count: records.length,
        changes: records.map((a) => ({ id: a.id, before: view(before.get(a.id)), after: view(a) })),
      },
    });
    return ok({ imported: accounts.length });
  });
  // After the commit: the index reads through the store, not the transaction.
  if (result.ok) await ctx.accounts.refresh();
  return result;
}

/**
 * docs/intake.md "Account hierarchies": a parent must exist (in this import or already stored) and the parent
 * links, after the import, must not loop (a loop has no top, so "nearest owned ancestor" would be meaningless).
 */
function parentProblems(stored: ReadonlyMap<string, AccountRecord>, accounts: readonly Omit<AccountRecord, 'updatedAt'>[]): ErrorDetail[] {
  const parentOf = new Map<string, string | undefined>([...stored.values()].map((a) => [a.id, a.parentId]));
  for (const a of accounts) parentOf.set(a.id, a.parentId);
  return accounts.flatMap((a, i) => {
    const path = pointer(['body', 'accounts', i, 'parentId']);
    if (a.parentId === undefined) return [];
    if (!parentOf.has(a.parentId)) return [{ path, message: `unknown parent account "${a.parentId}"` }];
    const seen = new Set<string>([a.id]);
    for (let p: string | undefined = a.parentId; p !== undefined; p = parentOf.get(p)) {
      if (seen.has(p)) return [{ path, message: `parent "${a.parentId}" leads back to "${a.id}": accounts may not form a loop` }];
      seen.add(p);
    }
    return [];
  });
}
