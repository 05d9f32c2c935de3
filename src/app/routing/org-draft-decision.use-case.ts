import type { Principal } from '../../domain/access/principal.ts';
import { accessPolicyOf } from '../../domain/org/access-policy.schema.ts';
import type { OrgConfigDiff } from '../../domain/org/org-config-diff.ts';
import { err, ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { OrgDraftRecord } from '../../store/ports/org-drafts.port.ts';
import { checkIndependentApprover } from '../access/segregation.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { remitError } from '../../domain/errors/error-catalogue.ts';
import { draftAudit, draftView, type DraftDeps, type DraftOutcome } from './org-drafts.use-case.ts';

/**
 * The checker's side of maker-checker for org versions (docs/access.md): approve (publish, attributed to
 * the approver with the maker recorded) or reject a pending draft.
 */

/** Thrown inside the publication's transaction to roll it back; turned into the failure it carries. */
class DraftRefused extends Error {
  readonly failure: AppFailure;
  constructor(f: AppFailure) {
    super(f.message);
    this.failure = f;
  }
}

async function pendingDraft(deps: DraftDeps, id: string): Promise<Result<OrgDraftRecord, AppFailure>> {
  const draft = await deps.store.orgDrafts.get(id);
  if (!draft) return failure('NOT_FOUND', `no org draft ${id}`);
  if (draft.status !== 'pending_approval') return failure('CONFLICT', `org draft ${id} is ${draft.status}`, [], { status: draft.status });
  return ok(draft);
}

const staleBase = (draft: OrgDraftRecord, inForce: string): AppFailure =>
  remitError(
    'CONFLICT',
    `another org version (${inForce}) was put in force after draft ${draft.id} was made against ${draft.baseHash}; ` +
      'the maker must make a new draft so the checker sees what they approve',
    [],
    { baseHash: draft.baseHash, inForce },
  );

/** Who may approve: a role the policy IN FORCE names, a person independent of the maker. */
async function mayApprove(deps: DraftDeps, principal: Principal, draft: OrgDraftRecord): Promise<Result<null, AppFailure>> {
  const approverRoles = accessPolicyOf(deps.orgs.current.config).makerChecker.approverRoles;
  if (!principal.roles.some((r) => (approverRoles as readonly string[]).includes(r)))
    return failure('FORBIDDEN', `approving a draft org version needs one of the roles: ${approverRoles.join(', ')}`, [], {
      approverRoles,
    });
  return deps.store.transaction((tx) => checkIndependentApprover(tx, deps, principal, draft.requestedBy));
}

/**
 * A second person approves a pending draft: it is published through the org registry, attributed to them,
 * in one transaction with the draft's decision and the audit entry naming maker and checker. Refused when
 * another version was put in force since the draft was made (the diff the checker saw is no longer the
 * change that would be made).
 */
export async function approveOrgDraft(deps: DraftDeps, principal: Principal, id: string): Promise<Result<DraftOutcome, AppFailure>> {
  const found = await pendingDraft(deps, id);
  if (!found.ok) return found;
  const draft = found.value;
  await deps.orgs.sync();
  const allowed = await mayApprove(deps, principal, draft);
  if (!allowed.ok) return allowed;
  if (deps.orgs.current.hash !== draft.baseHash) return err(staleBase(draft, deps.orgs.current.hash));
  const at = toIso(deps.clock.now());
  const diff = JSON.parse(draft.diffJson) as OrgConfigDiff;
  try {
    // Compare-and-set on the draft's base: the checker approved exactly this change to exactly that version.
    const published = await deps.orgs.publish(JSON.parse(draft.configJson), principal.userId, {
      expectedCurrent: draft.baseHash,
      alongside: async (tx) => {
        const decided = await tx.orgDrafts.decide(draft.id, { status: 'published', by: principal.userId, at, reason: null });
        if (!decided) throw new DraftRefused(remitError('CONFLICT', `org draft ${draft.id} was decided concurrently`));
        await appendAudit(
          tx,
          draftAudit(draft, diff, 'org_draft.approved', principal.userId, at, { checker: principal.userId, roles: principal.roles }),
        );
      },
    });
    if (!published.ok)
      return published.error.kind === 'conflict'
        ? err(staleBase(draft, published.error.current))
        : failure('CONFIG_INVALID', `org draft ${draft.id} no longer compiles`);
    const { record: v, created, previousHash } = published.value;
    const after = { ...draft, status: 'published' as const, decidedBy: principal.userId, decidedAt: at };
    return ok({
      draft: draftView(after),
      published: { hash: v.hash, version: v.version, createdAt: v.createdAt, createdBy: v.createdBy, created, previousHash },
    });
  } catch (e) {
    if (e instanceof DraftRefused) return err(e.failure);
    throw e;
  }
}

/**
 * A pending draft is rejected, with a reason: by a person holding an approver role, or withdrawn by its
 * maker. Nothing is published; the draft stays for the record.
 */
export async function rejectOrgDraft(
  deps: DraftDeps,
  principal: Principal,
  id: string,
  reason: string,
): Promise<Result<DraftOutcome, AppFailure>> {
  const found = await pendingDraft(deps, id);
  if (!found.ok) return found;
  const draft = found.value;
  await deps.orgs.sync();
  const approverRoles = accessPolicyOf(deps.orgs.current.config).makerChecker.approverRoles as readonly string[];
  const isMaker = principal.userId === draft.requestedBy;
  if (!isMaker && !principal.roles.some((r) => approverRoles.includes(r)))
    return failure('FORBIDDEN', `rejecting another person's draft org version needs one of the roles: ${approverRoles.join(', ')}`);
  const at = toIso(deps.clock.now());
  const diff = JSON.parse(draft.diffJson) as OrgConfigDiff;
  const decided = await deps.store.transaction(async (tx) => {
    if (!(await tx.orgDrafts.decide(draft.id, { status: 'rejected', by: principal.userId, at, reason }))) return false;
    await appendAudit(tx, draftAudit(draft, diff, 'org_draft.rejected', principal.userId, at, { reason, withdrawn: isMaker }));
    return true;
  });
  if (!decided) return failure('CONFLICT', `org draft ${draft.id} was decided concurrently`);
  return ok({
    draft: draftView({ ...draft, status: 'rejected', decidedBy: principal.userId, decidedAt: at, decisionReason: reason }),
    published: null,
  });
}
