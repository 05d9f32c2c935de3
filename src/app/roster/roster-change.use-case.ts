import type { ConfigProblem } from '../../config/load-config.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { ErrorDetail } from '../../domain/errors/error-catalogue.ts';
import { pointer } from '../../domain/errors/detail-path.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import type { OrgConfig } from '../../domain/org/org-config.schema.ts';
import {
  applyRosterChangeTo,
  changeSensitivity,
  changeSubject,
  type RosterChange,
  type RosterSubject,
} from '../../domain/org/roster-change.ts';
import { rosterDiff, type FieldChange } from '../../domain/org/roster-diff.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { AuditRecord } from '../audit/audit-trail.ts';
import { handOverAccounts, type AccountHandover } from '../intake/account-handover.use-case.ts';
import type { PublishHook, PublishRefusal } from '../routing/org-registry.ts';
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
  /** The background job the change started (a rep paused or set to left, docs/operations.md "Automatic reassignment"). */
  readonly reassignment: QueuedReassignment | null;
  /** The accounts a rep who left handed over (`roster.accountsOnLeave`). */
  readonly accounts: readonly AccountHandover[];
}

type RosterContext = Pick<ServiceContext, 'orgs' | 'clock'> & Partial<Pick<ServiceContext, 'ids' | 'accounts'>>;

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
  const section = subject.kind === 'rep' ? 'reps' : 'teams';
  const list: readonly { id: string }[] = subject.kind === 'rep' ? base.reps : base.teams;
  const known = list.findIndex((e) => e.id === subject.id);
  const index = known >= 0 ? known : list.length; // a joiner is appended
  if (segments[0] === section && segments[1] === String(index)) return { path: pointer(segments.slice(2)), message: problem.message };
  return { path: pointer(segments), message: `${problem.path}: ${problem.message}` };
}

const NO_FOLLOW_UPS: FollowUps = { reassignment: null, accounts: [] };

const conflict = (current: string) =>
  failure('CONFLICT', `the org changed since you read it: version ${current} is in force; read it and apply your change again`, [], {
    currentVersion: current,
  });

/**
 * The one place a roster change becomes the version in force (docs/operations.md "Roster changes"): publishes
 * `next` on top of `base` (a compare-and-set: if another change was put in force meanwhile, `conflict`),
 * attributed to the person with their reason, audited in the same transaction with the readable diff.
 * Every roster change is roster-only (`changeSensitivity`); when licence grants come this way, this is where
 * the integrator routes sensitive changes through maker-checker instead of publishing at once.
 */
export async function publishRosterVersion(
  ctx: RosterContext,
  principal: Principal,
  input: { base: CompiledOrg; next: OrgConfig; change: RosterChange; reason: string },
): Promise<Result<{ org: CompiledOrg; diff: FieldChange[]; previousHash: string; created: boolean } & FollowUps, PublishRefusal>> {
  const subject = changeSubject(input.change);
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
          // Every change today is roster-only (one person publishes it); a sensitive one would go through maker-checker here.
          sensitivity: changeSensitivity(input.change),
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
  return ok({ org, diff, previousHash, created, ...followUps });
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
      hash: base.hash,
      previousHash: base.hash,
      version: base.version,
      changed: false,
      diff: [],
      subject,
      ...NO_FOLLOW_UPS,
    };
    if (rosterDiff(base.config, applied.value, subject).length === 0) return ok(unchanged);
    const published = await publishRosterVersion(ctx, principal, { base, next: applied.value, change, reason: options.reason });
    if (published.ok) {
      const { org, diff, previousHash, reassignment, accounts } = published.value;
      return ok({ hash: org.hash, previousHash, version: org.version, changed: diff.length > 0, diff, subject, reassignment, accounts });
    }
    if (published.error.kind === 'invalid') {
      const details = published.error.problems.map((p) => changeDetail(p, base.config, subject));
      return failure('ROSTER_CHANGE_INVALID', `${details.length} problem(s): the change would make the org invalid`, details);
    }
    // Someone else's change went in first: with If-Match that is the client's conflict; without, apply ours on top of theirs.
    if (options.expectedVersionHash !== undefined || attempt >= MAX_ATTEMPTS) return conflict(published.error.current);
  }
}
