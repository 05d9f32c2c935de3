import { decide, routingScope, type RepExclusion } from '../../domain/decision/decide.ts';
import type { Decision } from '../../domain/decision/decision.ts';
import type { Lead } from '../../domain/lead/lead.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { canonicalDataJson, canonicalJson } from '../../domain/shared/canonical-json.ts';
import type { Clock, IdSource } from '../../domain/shared/clock.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit, appendDecisionAudit } from '../audit/audit-trail.ts';
import { decisionAuditPayload, recordingView } from '../audit/decision-audit.ts';
import { orgPublishedAudit } from '../audit/org-audit.ts';
import { slaTimersForDecision } from '../sla/sla-timers.ts';
import { lockScopeWithPresence, scopeCovers } from './presence-input.ts';
import type { BatchRoutingLocks } from './batch-routing-locks.ts';
import { presenceRead } from '../../domain/eligibility/rep-presence.ts';
import { modelForDecision } from '../outcomes/conversion-model-store.ts';

/** What recording a decision needs: the org version to route with, the clock (read under the locks) and ids. */
export interface DecisionDeps {
  readonly org: CompiledOrg;
  readonly clock: Clock;
  readonly ids: IdSource;
}

export interface DecideOptions {
  /** Reps the decision may not pick (an SLA re-route away from those who missed). */
  readonly excludeReps?: readonly string[];
  /** Reps an operation takes the lead away from (bulk reassignment), recorded in the decision for replay. */
  readonly exclusion?: RepExclusion;
  /** Store this lead document with the outcome (a re-decision on a lead whose screening changed). */
  readonly storeLead?: boolean;
  /** The caller created the lead row in this transaction: it has no SLA timers yet, so none are cancelled (a statement fewer). */
  readonly leadIsNew?: boolean;
  /** The routing batch's locks (batch-routing-locks.ts): the scope is read there; omitted, it is locked here. */
  readonly batchLocks?: BatchRoutingLocks | undefined;
}

/** Scope computed before the locks no longer covers the scope at decision time: re-run the transaction. */
class ScopeMovedError extends Error {
  override readonly name = 'ScopeMovedError';
}

/** Org hashes known to be published in a store (remembered only after a commit). */
const published = new WeakMap<Store, Set<string>>();

/** Publishes the org version in this transaction unless the store is known to have it; call markPublished after commit. */
export async function ensureOrgPublished(
  tx: UnitOfWork,
  store: Store,
  org: CompiledOrg,
  createdAt: string,
  actor: string,
): Promise<boolean> {
  if (published.get(store)?.has(org.hash)) return false;
  const { created } = await tx.orgVersions.publish({
    hash: org.hash,
    version: org.version,
    configJson: canonicalJson(org.config),
    createdAt,
    createdBy: actor,
  });
  if (created) await appendAudit(tx, orgPublishedAudit({ hash: org.hash, version: org.version, createdAt, createdBy: actor }, null));
  return true;
}

/** Remembers (after the commit) that the store has this org version, so later transactions skip the publish. */
export function markPublished(store: Store, hash: string): void {
  const set = published.get(store) ?? new Set<string>();
  set.add(hash);
  published.set(store, set);
}

/**
 * The routing core, inside the caller's transaction, for a lead row the caller has just claimed:
 * lock what the decision may read and write (round-robin pools, then reps, each in sorted order),
 * read the clock only once the locks are held, decide, then append the decision, record the
 * outcome on the lead and apply the state changes. Throws ScopeMovedError when the rule that
 * applies changed while waiting for the locks; run it under withScopeRetry.
 */
export async function decideAndRecord(
  tx: UnitOfWork,
  deps: DecisionDeps,
  lead: Lead,
  lockedAtMs: number,
  options: DecideOptions = {},
): Promise<Decision> {
  const { org, clock, ids } = deps;
  const excludeReps = options.excludeReps ?? [];
  const scope = routingScope(org, lead, lockedAtMs);
  const { state, presence } = options.batchLocks ? await options.batchLocks.lock(tx, scope) : await lockScopeWithPresence(tx, scope);
  const at = clock.now();
  // Rule selection depends on time (licence validity); if the rule changed while we waited, start again.
  if (!scopeCovers(scope, routingScope(org, lead, at)))
    throw new ScopeMovedError(`routing scope of lead ${lead.id} changed between ${toIso(lockedAtMs)} and ${toIso(at)}`);
  const seen = recordingView(state);
  const outcomeModel = await modelForDecision(tx, org);
  const { decision, changes } = decide({
    org,
    lead,
    at,
    state: seen.view,
    presence,
    decisionId: ids.next('dec'),
    ...(excludeReps.length > 0 ? { excludeReps } : {}),
    ...(options.exclusion ? { exclusion: options.exclusion } : {}),
    ...(outcomeModel ? { outcomeModel } : {}),
  });
  await tx.decisions.append({
    decisionId: decision.decisionId,
    leadId: lead.id,
    outcome: decision.outcome,
    teamId: decision.team?.id ?? null,
    repId: decision.rep?.id ?? null,
    orgHash: org.hash,
    // Canonical (issue 18): the same text is the `decision` member of the decision's sealed audit entry, which
    // references this row instead of holding a second copy (appendDecisionAudit).
    documentJson: canonicalDataJson(decision),
    decidedAt: decision.decidedAt,
    document: decision,
  });
  await tx.leads.update(lead.id, {
    status: decision.outcome,
    teamId: decision.team?.id ?? null,
    repId: decision.rep?.id ?? null,
    orgHash: org.hash,
    updatedAt: decision.decidedAt,
    ...(options.storeLead ? { leadJson: canonicalJson(lead) } : {}),
  });
  await tx.routingState.apply(changes);
  options.batchLocks?.applied(changes);
  // docs/conduct.md: an assignment (re)starts the rep's SLA timers; any other outcome stops pending ones.
  await slaTimersForDecision(tx, { org }, decision, options.leadIsNew ?? false);
  // docs/audit.md, docs/routing.md: the full decision, the lead it decided on and the routing state it read, so it can be replayed.
  const payload = decisionAuditPayload(
    decision,
    lead,
    seen.snapshot(),
    changes,
    org.config.customFields.map((f) => f.name),
    { presence: presenceRead(presence, scope.repIds, at), outcomeModelVersion: outcomeModel?.version },
  );
  await appendDecisionAudit(tx, {
    kind: 'decision',
    subject: lead.id,
    actor: 'system',
    at: decision.decidedAt,
    payload,
    decisionId: decision.decisionId,
  });
  return decision;
}

/** Re-runs a whole transaction (up to 3 times) when the routing scope moved under it. */
export async function withScopeRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (e instanceof ScopeMovedError && attempt < 3) continue;
      throw e;
    }
  }
}
