import { classifyDiff, diffOrgConfigs } from '../../domain/org/org-config-diff.ts';
import type { ConfigProblem } from '../../config/load-config.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { ErrorDetail } from '../../domain/errors/error-catalogue.ts';
import { pointer } from '../../domain/errors/detail-path.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import type { OrgConfig } from '../../domain/org/org-config.schema.ts';
import { accessPolicyOf } from '../../domain/org/access-policy.schema.ts';
import {
  applyRosterChangeTo,
  changeSensitivity,
  changeSubject,
  SUBJECT_SECTION,
  subjectList,
  type RosterChange,
  type RosterSubject,
} from '../../domain/org/roster-change.ts';
import { rosterDiff, type FieldChange } from '../../domain/org/roster-diff.ts';
import { err, ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { AuditRecord } from '../audit/audit-trail.ts';
import type { PublishHook, PublishRefusal } from '../routing/org-registry.ts';
import { createOrgDraft, type DraftView } from '../routing/org-drafts.use-case.ts';
import { handOverAccounts, type AccountHandover } from '../intake/account-handover.use-case.ts';
import { queueRepJob, statusTrigger, type QueuedReassignment } from '../routing/reassignment-jobs.ts';
import { randomIds } from '../shared/random-ids.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

export interface RosterChangeOptions {
  /** Why (required): kept on the activation, in the audit entry and in `GET /v1/org/versions`. */
  readonly reason: string;
  /** The version hash the client read (`If-Match` / `expectedVersion`): another change in force since → 409 CONFLICT. */
  readonly expectedVersionHash?: string | undefined;
}

export interface RosterChangeResult {
  /** The version in force after the change. */
  readonly hash: string;
  readonly previousHash: string;
  readonly version: string;
  /** false: the change changed nothing (the version in force already said so); no version was published. */
  readonly changed: boolean;
  readonly diff: readonly FieldChange[];
  readonly subject: RosterSubject;
  /** published: in force now; pending_approval: a maker-checker draft waits for a second person (nothing changed yet). */
  readonly status: 'published' | 'pending_approval';
  /** The draft, when the change went through maker-checker (sensitive, or the policy in force wants a second person). */
  readonly draft: DraftView | null;
  /** The background job the change started (a rep paused or set to left, docs/operations.md "Automatic reassignment"). */
  readonly reassignment: QueuedReassignment | null;
  /** The accounts a rep who left handed over (`roster.accountsOnLeave`). */
  readonly accounts: readonly AccountHandover[];
}

type RosterContext = Pick<ServiceContext, 'orgs' | 'clock' | 'store' | 'ids'> & Partial<Pick<ServiceContext, 'accounts'>>;

interface FollowUps {
  reassignment: QueuedReassignment | null;
  accounts: readonly AccountHandover[];
}

/**
 * What a rep's change of status starts, in the publication's transaction (so neither is lost if the process dies):
 * the job moving their open leads (if the org's switch is on) and, when they left, the hand-over of their accounts.
 */
function followUpsOf(
  ctx: RosterContext,
  principal: Principal,
  input: { base: CompiledOrg; next: OrgConfig; change: RosterChange; reason: string },
  out: FollowUps,
): PublishHook {
  return async (tx, published) => {
    if (input.change.kind !== 'rep.update') return;
    const repId = input.change.repId;
    const at = toIso(ctx.clock.now());
    const trigger = statusTrigger(input.base.config, input.next, repId);
    const ids = ctx.ids ?? randomIds(() => ctx.clock.now());
    const reason = `automatic (${trigger}): ${input.reason}`;
    if (trigger)
      out.reassignment = await queueRepJob(tx, {
        ...{ id: ids.next('rea'), trigger, repId, leadIds: null, reason, requestedBy: principal.userId },
        ...{ orgHash: published.hash, createdAt: at },
      });
    const was = input.base.config.reps.find((r) => r.id === repId)?.status;
    if (input.change.patch.status === 'left' && was !== 'left')
      out.accounts = await handOverAccounts(tx, { next: input.next, leaver: repId, actor: principal.userId, reason: input.reason, at });
  };
}

/** How often a change without `expectedVersionHash` is re-applied onto a version another instance put in force meanwhile. */
const MAX_ATTEMPTS = 5;

/** The path of a compile problem, relative to the changed rep or team when it is about them (`reps[3].team` → `/team`). */
function changeDetail(problem: ConfigProblem, base: OrgConfig, subject: RosterSubject): ErrorDetail {
  const segments = problem.path.match(/[^.[\]]+/g) ?? [];
  const section = SUBJECT_SECTION[subject.kind];
  const list = subjectList(base, subject.kind);
  const known = list.findIndex((e) => e.id === subject.id);
  const index = known >= 0 ? known : list.length; // a joiner (or a new grant) is appended
  if (segments[0] === section && segments[1] === String(index)) return { path: pointer(segments.slice(2)), message: problem.message };
  return { path: pointer(segments), message: `${problem.path}: ${problem.message}` };
}

const NO_FOLLOW_UPS: FollowUps = { reassignment: null, accounts: [] };

const conflict = (current: string) =>
  failure('CONFLICT', `the org changed since you read it: version ${current} is in force; read it and apply your change again`, [], {
    currentVersion: current,
  });

/** What publishing a roster change came to: in force now, or a maker-checker draft waiting for a second person. */
export type RosterPublication =
  | ({
      readonly kind: 'published';
      readonly org: CompiledOrg;
      readonly diff: FieldChange[];
      readonly previousHash: string;
      readonly created: boolean;
    } & FollowUps)
  | { readonly kind: 'pending'; readonly draft: DraftView; readonly diff: FieldChange[] };

/**
 * Whether a change must wait for a second person: it is sensitive, the policy in force says roster edits need one too,
 * or the config diff it makes is one `POST /v1/org/drafts` would hold (classifyDiff: a rep joining, a team move, a
 * change of experience…) — so no roster path publishes alone what the draft path would not.
 */
export const needsSecondPerson = (base: CompiledOrg, next: OrgConfig, change: RosterChange): boolean =>
  changeSensitivity(change) === 'sensitive' ||
  !accessPolicyOf(base.config).makerChecker.rosterEditsSinglePerson ||
  classifyDiff(diffOrgConfigs(base.config, next)).kind === 'sensitive';

/**
 * The one place a roster change becomes the version in force (docs/operations.md "Roster changes"). A change one
 * person may make (`changeSensitivity` roster, and `access.makerChecker.rosterEditsSinglePerson` in force) is
 * published on top of `base` (a compare-and-set: if another change was put in force meanwhile, `conflict`),
 * attributed to the person with their reason, audited in the same transaction with the readable diff. Any
 * other change (licence grants; every change when the policy wants a second person) becomes a maker-checker
 * draft (createOrgDraft, on the same base): nothing is published until someone else approves it.
 */
export async function publishRosterVersion(
  ctx: RosterContext,
  principal: Principal,
  input: { base: CompiledOrg; next: OrgConfig; change: RosterChange; reason: string },
): Promise<Result<RosterPublication, PublishRefusal>> {
  const subject = changeSubject(input.change);
  const sensitivity = changeSensitivity(input.change);
  if (needsSecondPerson(input.base, input.next, input.change)) return draftRosterChange(ctx, principal, input);
  const followUps: FollowUps = { reassignment: null, accounts: [] };
  let diff: FieldChange[] = [];
  const audit = (outcome: { org: CompiledOrg; previousHash: string }): AuditRecord[] => {
    diff = rosterDiff(input.base.config, outcome.org.config, subject);
    return [
      {
        kind: 'org_change',
        subject: `${subject.kind}:${subject.id}`,
        actor: principal.userId,
        at: toIso(ctx.clock.now()),
        payload: {
          action: 'roster.changed',
          change: input.change.kind,
          sensitivity,
          reason: input.reason,
          before: outcome.previousHash,
          after: outcome.org.hash,
          diff,
        },
      },
    ];
  };
  const alongside = followUpsOf(ctx, principal, input, followUps);
  const published = await ctx.orgs.publish(input.next, principal.userId, {
    expectedCurrent: input.base.hash,
    reason: input.reason,
    audit,
    alongside,
  });
  if (!published.ok) return published;
  if (followUps.accounts.length > 0) await ctx.accounts?.refresh();
  const { org, previousHash, created } = published.value;
  return ok({ kind: 'published', org, diff, previousHash, created, ...followUps });
}

/** A change that needs a second person: a pending draft on `base`, its audit entry naming the roster change, who and why. */
async function draftRosterChange(
  ctx: RosterContext,
  principal: Principal,
  input: { base: CompiledOrg; next: OrgConfig; change: RosterChange; reason: string },
): Promise<Result<RosterPublication, PublishRefusal>> {
  const subject = changeSubject(input.change);
  const diff = rosterDiff(input.base.config, input.next, subject);
  const drafted = await createOrgDraft(ctx, principal, {
    config: input.next,
    reason: input.reason,
    expectedBaseHash: input.base.hash,
    audit: {
      rosterChange: input.change.kind,
      subject: `${subject.kind}:${subject.id}`,
      changeSensitivity: changeSensitivity(input.change),
      reason: input.reason,
      diff,
    },
  });
  if (drafted.ok) return ok({ kind: 'pending', draft: drafted.value.draft, diff });
  const f = drafted.error;
  if (f.code === 'CONFLICT') return err({ kind: 'conflict', current: String(f.extra?.currentVersion ?? '') });
  return err({ kind: 'invalid', problems: f.details.map((d) => ({ file: 'config', path: d.path, message: d.message })) });
}

/**
 * Applies one roster change (pause a rep, add out-of-office, move team, join, team calendar, calendar import):
 * loads the version in force, applies the change to a copy, validates it by compiling, and publishes the next
 * version through `publishRosterVersion`. A change that changes nothing publishes nothing.
 */
export async function applyRosterChange(
  ctx: RosterContext,
  principal: Principal,
  change: RosterChange,
  options: RosterChangeOptions,
): Promise<Result<RosterChangeResult, AppFailure>> {
  const subject = changeSubject(change);
  for (let attempt = 1; ; attempt++) {
    // Build on what is in force in the store now (another instance may have published since this one last looked).
    await ctx.orgs.sync(true);
    const base = ctx.orgs.current;
    if (options.expectedVersionHash !== undefined && options.expectedVersionHash !== base.hash) return conflict(base.hash);
    const applied = applyRosterChangeTo(base.config, change);
    if (!applied.ok) {
      const refusal = applied.error;
      return refusal.kind === 'not-found'
        ? failure('NOT_FOUND', refusal.message)
        : failure('ROSTER_CHANGE_INVALID', `${refusal.details.length} invalid field(s)`, refusal.details);
    }
    const unchanged = {
      ...{ hash: base.hash, previousHash: base.hash, version: base.version, changed: false, diff: [], subject },
      ...{ status: 'published' as const, draft: null },
      ...NO_FOLLOW_UPS,
    };
    if (rosterDiff(base.config, applied.value, subject).length === 0) return ok(unchanged);
    const published = await publishRosterVersion(ctx, principal, { base, next: applied.value, change, reason: options.reason });
    if (published.ok) {
      const p = published.value;
      if (p.kind === 'pending') return ok({ ...unchanged, diff: p.diff, status: 'pending_approval', draft: p.draft });
      const { org, diff, previousHash, reassignment, accounts } = p;
      return ok({
        ...{ hash: org.hash, previousHash, version: org.version, changed: diff.length > 0, diff, subject },
        ...{ status: 'published' as const, draft: null, reassignment, accounts },
      });
    }
    if (published.error.kind === 'invalid') {
      const details = published.error.problems.map((p) => changeDetail(p, base.config, subject));
      return failure('ROSTER_CHANGE_INVALID', `${details.length} problem(s): the change would make the org invalid`, details);
    }
    // Someone else's change went in first: with If-Match that is the client's conflict; without, apply ours on top of theirs.
    if (options.expectedVersionHash !== undefined || attempt >= MAX_ATTEMPTS) return conflict(published.error.current);
  }
}
