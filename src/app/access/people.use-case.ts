import { personRoleFor, type PersonRole, type Role } from '../../domain/access/roles.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { UserPatch, UserRecord } from '../../store/ports/users.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { createApiKey } from './api-keys.ts';

/** `orgs` absent (the CLI works on the store alone): a rep link is not checked against the org. */
type Deps = Pick<ServiceContext, 'store' | 'clock' | 'ids'> & { readonly orgs?: ServiceContext['orgs'] };

export interface NewPerson {
  readonly name: string;
  readonly email: string;
  readonly roles: readonly PersonRole[];
  readonly repId?: string | null | undefined;
}

/** What anyone may see of a person: never credentials. */
export const publicUserView = (u: UserRecord) => ({
  id: u.id,
  name: u.name,
  email: u.email,
  status: u.status,
  roles: u.roles,
  repId: u.repId,
  createdAt: u.createdAt,
  createdBy: u.createdBy,
  updatedAt: u.updatedAt,
  version: u.version,
});

function checkRepLink(deps: Deps, roles: readonly PersonRole[], repId: string | null): Result<null, AppFailure> {
  if (repId !== null && deps.orgs && !deps.orgs.current.repsById.has(repId))
    return failure('ARGUMENT_INVALID', `unknown rep ${repId}`, [{ path: '/body/repId', message: `no rep ${repId} in the current org` }]);
  if (roles.includes('rep') && repId === null)
    return failure('ARGUMENT_INVALID', 'a person with the rep role is linked to a rep', [
      { path: '/body/repId', message: 'required for role rep' },
    ]);
  return ok(null);
}

async function recordGrants(tx: UnitOfWork, deps: Deps, userId: string, added: readonly PersonRole[], at: string, by: string) {
  for (const role of added) await tx.users.grantRole({ id: deps.ids.next('grt'), userId, role, grantedAt: at, grantedBy: by });
}

/** Creates a person (docs/access.md); the creator is recorded, so segregation of duties can see who made whom. */
export async function createPerson(
  deps: Deps,
  actor: Principal | { readonly userId: string },
  input: NewPerson,
  inTransaction?: UnitOfWork,
): Promise<Result<UserRecord, AppFailure>> {
  const repId = input.repId ?? null;
  const link = checkRepLink(deps, input.roles, repId);
  if (!link.ok) return link;
  const at = toIso(deps.clock.now());
  const record: UserRecord = {
    id: deps.ids.next('usr'),
    name: input.name,
    email: input.email.trim().toLowerCase(),
    status: 'active',
    roles: [...new Set(input.roles)].sort(),
    repId,
    createdAt: at,
    createdBy: actor.userId,
    updatedAt: at,
    version: 1,
  };
  const run = async (tx: UnitOfWork): Promise<Result<UserRecord, AppFailure>> => {
    if (!(await tx.users.create(record)))
      return failure('CONFLICT', `${record.email} already belongs to a person`, [{ path: '/body/email', message: 'already in use' }]);
    await recordGrants(tx, deps, record.id, record.roles, at, actor.userId);
    await appendAudit(tx, {
      kind: 'access',
      subject: `user:${record.id}`,
      actor: actor.userId,
      at,
      payload: { action: 'user.created', userId: record.id, after: publicUserView(record) },
    });
    return ok(record);
  };
  return inTransaction ? run(inTransaction) : deps.store.transaction(run);
}

/**
 * Changes a person (docs/access.md): name, e-mail, status, roles, rep link. Nobody grants themselves a
 * role or reinstates themselves; roles come and go through recorded grants; suspending a person or
 * marking them left ends their sessions at once (their keys stop working because every request
 * re-checks the person).
 */
export async function updatePerson(
  deps: Deps,
  actor: Principal,
  id: string,
  expectedVersion: number,
  patch: UserPatch & { readonly reason?: string | undefined },
): Promise<Result<UserRecord, AppFailure>> {
  const at = toIso(deps.clock.now());
  return deps.store.transaction(async (tx) => {
    const before = await tx.users.get(id);
    if (!before) return failure('NOT_FOUND', `no person ${id}`);
    if (before.version !== expectedVersion)
      return failure('CONFLICT', `person ${id} is at version ${before.version}, not ${expectedVersion}`, [], {
        current: publicUserView(before),
      });
    const roles = patch.roles ? [...new Set(patch.roles)].sort() : before.roles;
    const added = roles.filter((r) => !before.roles.includes(r));
    const removed = before.roles.filter((r) => !roles.includes(r));
    if (id === actor.userId && (added.length > 0 || (patch.status === 'active' && before.status !== 'active')))
      return failure(
        'SELF_GRANT_FORBIDDEN',
        added.length > 0 ? `you may not grant yourself ${added.join(', ')}` : 'you may not reinstate yourself',
      );
    const repId = patch.repId === undefined ? before.repId : patch.repId;
    const link = checkRepLink(deps, roles, repId);
    if (!link.ok) return link;
    const email = patch.email === undefined ? undefined : patch.email?.trim().toLowerCase();
    if (email && email !== before.email && (await tx.users.findByEmail(email)))
      return failure('CONFLICT', `${email} already belongs to a person`, [{ path: '/body/email', message: 'already in use' }]);
    const { reason, ...fields } = patch;
    const after = await tx.users.update(id, expectedVersion, { ...fields, ...(email === undefined ? {} : { email }), roles, repId }, at);
    if (after === 'not_found') return failure('NOT_FOUND', `no person ${id}`);
    if (after === 'conflict') return failure('CONFLICT', `person ${id} changed meanwhile; reload and retry`);
    await recordGrants(tx, deps, id, added, at, actor.userId);
    for (const role of removed) await tx.users.revokeRole(id, role, at, actor.userId);
    const endedSessions = after.status === 'active' ? 0 : await tx.sessions.deleteForUser(id);
    await appendAudit(tx, {
      kind: 'access',
      subject: `user:${id}`,
      actor: actor.userId,
      at,
      payload: {
        action: 'user.updated',
        userId: id,
        reason: reason ?? null,
        before: publicUserView(before),
        after: publicUserView(after),
        rolesGranted: added,
        rolesRevoked: removed,
        endedSessions,
      },
    });
    return ok(after);
  });
}

/** The first person of a new store (first start): an admin, created by the system, with one admin key. */
export async function bootstrapAdmin(deps: Deps, input: { readonly name: string; readonly email: string; readonly createdBy: string }) {
  return deps.store.transaction(async (tx) => {
    const person = await createPerson(deps, { userId: input.createdBy }, { name: input.name, email: input.email, roles: ['admin'] }, tx);
    if (!person.ok) return person;
    const key = await createApiKey(
      deps,
      { userId: person.value.id, name: 'first admin key', role: 'admin', createdBy: input.createdBy },
      tx,
    );
    if (!key.ok) return key;
    return ok({ person: person.value, token: key.value.token });
  });
}

/**
 * The shorthand `POST /v1/keys { name, role }` (and `remit keys create`): a new person holding that one
 * role, created by the caller, with one key. The person exists so that what the key does is
 * attributed to someone, and so that segregation of duties sees that the caller made them.
 */
export async function createPersonWithKey(
  deps: Deps,
  actor: { readonly userId: string },
  input: { readonly name: string; readonly role: Role; readonly repId: string | null; readonly email?: string },
) {
  return deps.store.transaction(async (tx) => {
    const id = deps.ids.next('kp');
    const person = await createPerson(
      deps,
      actor,
      { name: input.name, email: input.email ?? `${id}@keys.remit.invalid`, roles: [personRoleFor(input.role)], repId: input.repId },
      tx,
    );
    if (!person.ok) return person;
    return createApiKey(
      deps,
      { userId: person.value.id, name: input.name, role: input.role, repId: input.repId, createdBy: actor.userId },
      tx,
    );
  });
}
