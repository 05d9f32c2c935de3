import type { Decision } from '../../src/domain/decision/decision.ts';
import type { Lead } from '../../src/domain/lead/lead.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { canonicalJson } from '../../src/domain/shared/canonical-json.ts';
import type { Clock, IdSource } from '../../src/domain/shared/clock.ts';
import { toIso } from '../../src/domain/shared/zoned-time.ts';
import { holdsRepCapacity } from '../../src/domain/lead/lead-status.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { appendAudit } from '../../src/app/audit/audit-trail.ts';
import { decideAndRecord, ensureOrgPublished, markPublished, withScopeRetry } from '../../src/app/routing/decision-recorder.ts';

/**
 * Test drivers for the routing core without the intake pipeline (no normalisation, dedupe or
 * screening): the store contract, the audit cross-checks and the concurrency workers use them to
 * route a ready-made lead and to free a rep's capacity again.
 */

export interface RouteLeadDeps {
  readonly store: Store;
  /** The published org version to route with (published into the store on first use). */
  readonly org: CompiledOrg;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Recorded as createdBy when this call is the first to publish `org`. Default 'route-lead'. */
  readonly actor?: string;
}

/**
 * Routes one lead in ONE transaction: claim the lead row, then decideAndRecord. Either all of it
 * commits or none of it does. Idempotent per lead id: a lead that already has a decision is not
 * routed again; its latest decision is returned and nothing is written.
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
      publishedHere = await ensureOrgPublished(tx, store, org, toIso(receivedAtMs), actor);

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
    if (publishedHere) markPublished(store, org.hash);
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
 * Closes an assigned lead so its rep's open-leads capacity frees up. Locks the lead, then the rep
 * (the same order routeLead uses), so it cannot race an assignment. Closing a lead that does not
 * hold a rep's capacity changes nothing. (Production ends a lead through the lifecycle: WON/LOST/NURTURE.)
 */
export async function closeLead(deps: { readonly store: Store; readonly clock: Clock }, leadId: string): Promise<CloseLeadResult> {
  return deps.store.transaction(async (tx) => {
    const lead = await tx.leads.lock(leadId);
    if (!lead) return { closed: false, status: null, repId: null };
    if (!holdsRepCapacity(lead.status) || lead.repId === null) return { closed: false, status: lead.status, repId: lead.repId };
    await tx.routingState.lockScope({ pools: [], repIds: [lead.repId] });
    await tx.leads.update(leadId, {
      status: 'CLOSED',
      teamId: lead.teamId,
      repId: lead.repId,
      orgHash: lead.orgHash,
      updatedAt: toIso(deps.clock.now()),
    });
    await tx.routingState.releaseOpen(lead.repId);
    const at = toIso(deps.clock.now());
    await appendAudit(tx, {
      kind: 'lifecycle',
      subject: leadId,
      actor: 'system',
      at,
      payload: { from: lead.status, to: 'CLOSED', repId: lead.repId, teamId: lead.teamId },
    });
    return { closed: true, status: 'CLOSED', repId: lead.repId };
  });
}
