import { accountHeirs } from '../../domain/org/accounts-on-leave.ts';
import type { OrgConfig } from '../../domain/org/org-config.schema.ts';
import { rosterPolicyOf } from '../../domain/org/roster-policy.schema.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';

export interface AccountHandover {
  readonly accountId: string;
  readonly before: string;
  readonly after: string | null;
}

/**
 * docs/operations.md "Account owners": when a rep leaves, the accounts they own get the owner the org's rule names
 * (`roster.accountsOnLeave`), in the transaction that publishes the leave, one audit entry per account (who, why,
 * before, after). `next` is the version being put in force: the heir must be active in it.
 */
export async function handOverAccounts(
  tx: UnitOfWork,
  input: { readonly next: OrgConfig; readonly leaver: string; readonly actor: string; readonly reason: string; readonly at: string },
): Promise<readonly AccountHandover[]> {
  const rule = rosterPolicyOf(input.next.roster).accountsOnLeave;
  if (rule.kind === 'none') return [];
  const accounts = await tx.accounts.list();
  const theirs = accounts.filter((a) => a.ownerRep === input.leaver);
  if (theirs.length === 0) return [];
  const owned = new Map<string, number>();
  for (const a of accounts) if (a.ownerRep) owned.set(a.ownerRep, (owned.get(a.ownerRep) ?? 0) + 1);
  const heirs = accountHeirs(
    input.next,
    input.leaver,
    rule,
    theirs.map((a) => a.id),
    owned,
  );
  await tx.accounts.upsert(theirs.map((a) => ({ ...a, ownerRep: heirs.get(a.id) ?? null, updatedAt: input.at })));
  const done = theirs.map((a) => ({ accountId: a.id, before: input.leaver, after: heirs.get(a.id) ?? null }));
  for (const h of done)
    await appendAudit(tx, {
      kind: 'org_change',
      subject: `account:${h.accountId}`,
      actor: input.actor,
      at: input.at,
      payload: { action: 'account.owner_changed', rule: rule.kind, before: h.before, after: h.after, reason: input.reason },
    });
  return done;
}
