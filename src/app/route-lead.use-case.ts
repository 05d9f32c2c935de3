import { decide, routingScope } from '../domain/decision/decide.ts';
import type { Decision } from '../domain/decision/decision.ts';
import type { Lead } from '../domain/lead/lead.ts';
import type { CompiledOrg } from '../domain/org/compiled-org.ts';
import { canonicalJson } from '../domain/shared/canonical-json.ts';
import type { Clock, IdSource } from '../domain/shared/clock.ts';
import { toIso } from '../domain/shared/zoned-time.ts';
import { holdsRepCapacity } from '../domain/lead/lead-status.ts';
import type { RoutingScope } from '../store/ports/routing-state.port.ts';
import type { Store, UnitOfWork } from '../store/unit-of-work.ts';
import { appendAudit } from './audit-trail.ts';
import { decisionAuditPayload, recordingView } from './decision-audit.ts';
import { orgPublishedAudit } from './org-audit.ts';
import { slaTimersForDecision } from './sla-timers.ts';

export interface RouteLeadDeps {
  readonly store: Store;
  /** The published org version to route with (published into the store on first use). */
  readonly org: CompiledOrg;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Recorded as createdBy when this call is the first to publish `org`. Default 'route-lead'. */
  readonly actor?: string;
}

/** Scope computed before the locks no longer covers the scope at decision time: re-run the transaction. */
class ScopeMovedError extends Error {
  override readonly name = 'ScopeMovedError';
}

const covers = (locked: RoutingScope, needed: RoutingScope) =>
  needed.pools.every((p) => locked.pools.includes(p)) && needed.repIds.every((r) => locked.repIds.includes(r));

/** Org hashes known to be published in a store (remembered only after a commit). */
const published = new WeakMap<Store, Set<string>>();

async function ensurePublished(tx: UnitOfWork, store: Store, org: CompiledOrg, createdAt: string, actor: string): Promise<boolean> {
  if (published.get(store)?.has(org.hash)) return false;
  const { created } = await tx.orgVersions.publish({ hash: org.hash, version: org.version, configJson: canonicalJson(org.config), createdAt, createdBy: actor });
  if (created) await appendAudit(tx, orgPublishedAudit({ hash: org.hash, version: org.version, createdAt, createdBy: actor }, null));
  return true;
}

function remember(store: Store, hash: string): void {
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
export async function decideAndRecord(tx: UnitOfWork, deps: Pick<RouteLeadDeps, 'org' | 'clock' | 'ids'>, lead: Lead, lockedAtMs: number, excludeReps: readonly string[] = []): Promise<Decision> {
  const { org, clock, ids } = deps;
  const scope = routingScope(org, lead, lockedAtMs);
  const state = await tx.routingState.lockScope(scope);
  const at = clock.now();
  // Rule selection depends on time (licence validity); if the rule changed while we waited, start again.
  if (!covers(scope, routingScope(org, lead, at))) throw new ScopeMovedError(`routing scope of lead ${lead.id} changed between ${toIso(lockedAtMs)} and ${toIso(at)}`);
  const seen = recordingView(state);
  const { decision, changes } = decide({ org, lead, at, state: seen.view, decisionId: ids.next('dec'), ...(excludeReps.length > 0 ? { excludeReps } : {}) });
  await tx.decisions.append({
    decisionId: decision.decisionId,
    leadId: lead.id,
    outcome: decision.outcome,
    teamId: decision.team?.id ?? null,
    repId: decision.rep?.id ?? null,
    orgHash: org.hash,
    documentJson: JSON.stringify(decision),
    decidedAt: decision.decidedAt,
  });
  await tx.leads.update(lead.id, { status: decision.outcome, teamId: decision.team?.id ?? null, repId: decision.rep?.id ?? null, orgHash: org.hash, updatedAt: decision.decidedAt });
  await tx.routingState.apply(changes);
  // SPEC R12: an assignment (re)starts the rep's SLA timers; any other outcome stops pending ones.
  await slaTimersForDecision(tx, { org }, decision);
  // SPEC C6 / R5: the full decision, the lead it decided on and the routing state it read, so it can be replayed.
  const payload = decisionAuditPayload(decision, lead, seen.snapshot(), changes, org.config.customFields.map((f) => f.name));
  await appendAudit(tx, { kind: 'decision', subject: lead.id, actor: 'system', at: decision.decidedAt, payload });
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

/** Publishes the org version in this transaction unless the store is known to have it; call markPublished after commit. */
export async function ensureOrgPublished(tx: UnitOfWork, store: Store, org: CompiledOrg, createdAt: string, actor: string): Promise<boolean> {
  return ensurePublished(tx, store, org, createdAt, actor);
}

export const markPublished = remember;

/**
 * Routes one lead (SPEC R2–R7, I5) in ONE transaction: claim the lead row, then decideAndRecord.
 * Either all of it commits or none of it does.
 *
 * Idempotent per lead id: a lead that already has a decision is not routed again; its latest
 * decision is returned and nothing is written.
 */
export async function routeLead(deps: RouteLeadDeps, lead: Lead): Promise<Decision> {
  const { store, org, clock } = deps;
  const actor = deps.actor ?? 'route-lead';
  const leadJson = canonicalJson(lead);
  return withScopeRetry(async () => {
    let publishedHere = false;
    const decision = await store.transaction(async (tx) => {
      const receivedAtMs = clock.now();
      const receivedAt = lead.receivedAt ? toIso(Date.parse(lead.receivedAt)) : toIso(receivedAtMs);
      publishedHere = await ensurePublished(tx, store, org, toIso(receivedAtMs), actor);

      // The lead row first: concurrent attempts to route the same lead queue here.
      const claim = await tx.leads.claim({ id: lead.id, orgHash: org.hash, leadJson, receivedAt });
      if (!claim.created) {
        const previous = await tx.decisions.listForLead(lead.id);
        const latest = previous.at(-1);
        if (!latest) throw new Error(`lead ${lead.id} exists without a decision`);
        return JSON.parse(latest.documentJson) as Decision;
      }
      return decideAndRecord(tx, deps, lead, receivedAtMs);
    });
    if (publishedHere) remember(store, org.hash);
    return decision;
  });
}

export interface CloseLeadResult {
  /** true when the lead was ASSIGNED and now is CLOSED (its rep's open load went down by one). */
  readonly closed: boolean;
  readonly status: string | null;
  readonly repId: string | null;
}

/**
 * Closes an assigned lead (won, lost, handed over …) so its rep's open-leads capacity frees up.
 * Locks the lead, then the rep (the same order routeLead uses), so it cannot race an assignment.
 * Closing a lead that does not hold a rep's capacity changes nothing.
 */
export async function closeLead(deps: { readonly store: Store; readonly clock: Clock }, leadId: string): Promise<CloseLeadResult> {
  return deps.store.transaction(async (tx) => {
    const lead = await tx.leads.lock(leadId);
    if (!lead) return { closed: false, status: null, repId: null };
    if (!holdsRepCapacity(lead.status) || lead.repId === null) return { closed: false, status: lead.status, repId: lead.repId };
    await tx.routingState.lockScope({ pools: [], repIds: [lead.repId] });
    await tx.leads.update(leadId, { status: 'CLOSED', teamId: lead.teamId, repId: lead.repId, orgHash: lead.orgHash, updatedAt: toIso(deps.clock.now()) });
    await tx.routingState.releaseOpen(lead.repId);
    await appendAudit(tx, { kind: 'lifecycle', subject: leadId, actor: 'system', at: toIso(deps.clock.now()), payload: { from: lead.status, to: 'CLOSED', repId: lead.repId, teamId: lead.teamId } });
    return { closed: true, status: 'CLOSED', repId: lead.repId };
  });
}
