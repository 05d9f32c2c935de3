import { createPersonWithKey } from '../../src/app/access/people.use-case.ts';
import type { ServiceContext } from '../../src/app/shared/service-context.ts';
import type { Role } from '../../src/domain/access/roles.ts';

type Deps = Pick<ServiceContext, 'store' | 'clock' | 'ids'> & { readonly orgs?: ServiceContext['orgs'] };

/**
 * A new person holding one role, with their key; created by the system (`test`), so no person in a
 * suite made another and segregation of duties sees independent people. Returns the token.
 */
export async function personWithKey(deps: Deps, role: Role, opts: { name?: string; repId?: string | null; createdBy?: string } = {}) {
  const created = await createPersonWithKey(
    deps,
    { userId: opts.createdBy ?? 'test' },
    {
      name: opts.name ?? `test ${role}`,
      role,
      repId: role === 'rep' ? (opts.repId ?? null) : null,
    },
  );
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  return { token: created.value.token, userId: created.value.record.userId, keyId: created.value.record.id };
}

/** The standard set: one person per role plus a second compliance officer, each with a key. */
export async function roleTokens(deps: Deps, repId: string): Promise<Record<Role | 'compliance2', string>> {
  const tokens = {} as Record<Role | 'compliance2', string>;
  for (const role of ['admin', 'ops', 'compliance', 'rep', 'integration'] as const)
    tokens[role] = (await personWithKey(deps, role, { repId })).token;
  tokens.compliance2 = (await personWithKey(deps, 'compliance', { name: 'second compliance officer' })).token;
  return tokens;
}
