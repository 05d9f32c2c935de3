import { isDeadlineTimer } from '../../domain/sla/sla-warning.ts';
import type { Decision } from '../../domain/decision/decision.ts';
import type { LeadStatus } from '../../domain/lead/lead-status.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { ok } from '../../domain/shared/result.ts';
import { seesAllLeads, type Principal } from '../../domain/access/principal.ts';
import { pageOf, unusableCursor } from './cursor-pages.ts';

/** A rep sees only leads assigned to them (docs/operations.md); everyone else with read access sees all. */
export const canSee = (principal: Principal, lead: LeadRecord) =>
  seesAllLeads(principal) || (principal.repId !== null && lead.repId === principal.repId);

export async function leadDetail(store: Store, principal: Principal, id: string) {
  const lead = await store.leads.get(id);
  if (!lead || !canSee(principal, lead)) return undefined;
  const [decisions, events, personal, review] = await Promise.all([
    store.decisions.listForLead(id),
    store.events.listForLead(id),
    store.personalData.get(id),
    store.reviews.openForLead(id),
  ]);
  return {
    id: lead.id,
    status: lead.status,
    teamId: lead.teamId,
    repId: lead.repId,
    duplicateOf: lead.duplicateOf,
    orgHash: lead.orgHash,
    receivedAt: lead.receivedAt,
    updatedAt: lead.updatedAt,
    lead: JSON.parse(lead.leadJson) as unknown,
    contact: personal && !personal.erasedAt ? (JSON.parse(personal.contactJson) as unknown) : null,
    consent: personal?.consentJson ? (JSON.parse(personal.consentJson) as unknown) : null,
    erasedAt: personal?.erasedAt ?? null,
    decision: decisions.length > 0 ? (JSON.parse(decisions.at(-1)!.documentJson) as Decision) : null,
    decisions: decisions.map((d) => ({
      decisionId: d.decisionId,
      outcome: d.outcome,
      teamId: d.teamId,
      repId: d.repId,
      decidedAt: d.decidedAt,
    })),
    openReview: review ? { id: review.id, kind: review.kind, reasonCodes: review.reasonCodes, requestedAt: review.requestedAt } : null,
    history: events.map((e) => ({ seq: e.seq, kind: e.kind, actor: e.actor, at: e.at, data: JSON.parse(e.payloadJson) as unknown })),
  };
}

export async function leadPage(
  store: Store,
  principal: Principal,
  filter: {
    status?: LeadStatus | undefined;
    repId?: string | undefined;
    teamId?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
) {
  const repId = seesAllLeads(principal) ? filter.repId : (principal.repId ?? '\u0000none');
  if (filter.cursor) {
    // The cursor must name a lead this caller may see: a rep learns nothing about other reps' lead ids.
    const at = await store.leads.get(filter.cursor);
    if (!at || !canSee(principal, at)) return unusableCursor();
  }
  const rows = await store.leads.page({
    ...(filter.status ? { status: filter.status } : {}),
    ...(repId ? { repId } : {}),
    ...(filter.teamId ? { teamId: filter.teamId } : {}),
    ...(filter.from ? { receivedFrom: filter.from } : {}),
    ...(filter.to ? { receivedTo: filter.to } : {}),
    ...(filter.cursor ? { after: filter.cursor } : {}),
    limit: filter.limit + 1,
  });
  const page = pageOf(rows, filter.limit);
  // The SLA deadlines still running on each lead (accept, first contact): what a rep's "my leads" sorts their day by.
  const timers = page.items.length > 0 ? await store.slaTimers.listForLeads(page.items.map((l) => l.id)) : [];
  const slaDue = (leadId: string) =>
    timers
      .filter((t) => t.leadId === leadId && t.status === 'PENDING' && isDeadlineTimer(t.kind))
      .map((t) => ({ kind: t.kind, dueAt: t.dueAt, repId: t.repId }));
  return ok({
    items: page.items.map((l) => ({
      id: l.id,
      status: l.status,
      teamId: l.teamId,
      repId: l.repId,
      duplicateOf: l.duplicateOf,
      receivedAt: l.receivedAt,
      updatedAt: l.updatedAt,
      slaDue: slaDue(l.id),
    })),
    nextCursor: page.nextCursor,
  });
}
