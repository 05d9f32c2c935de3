import { outcomeReport, type OutcomeGrouping, type OutcomeGroupRow, type ReportedLead } from '../../domain/outcomes/outcome-report.ts';
import type { LeadOutcomeRecord } from '../../store/ports/lead-outcomes.port.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { recordedFacts } from '../conduct/lead-conduct-view.ts';
import { leadAttribution } from '../outcomes/lead-attribution.ts';
import { matchingLeads, type SpeedFilter } from './speed-to-lead.query.ts';

export interface OutcomeReport {
  readonly from: string | null;
  readonly to: string | null;
  readonly groupBy: OutcomeGrouping;
  readonly groups: readonly OutcomeGroupRow[];
  readonly overall: OutcomeGroupRow;
  /** true when more leads matched than the report covers (the first `maxLeads`, as speed to lead). */
  readonly truncated: boolean;
}

/** One lead as the report sees it: a recorded outcome keeps the facts it was recorded with; an open lead its decision's. */
async function reportedLead(store: Store, lead: LeadRecord, outcome: LeadOutcomeRecord | undefined): Promise<ReportedLead> {
  const [decisions, events] = await Promise.all([store.decisions.listForLead(lead.id), store.events.listForLead(lead.id)]);
  const contact = recordedFacts(events).events.first_contact;
  const stored = JSON.parse(lead.leadJson) as { readonly dealValue?: number; readonly currency?: string };
  return {
    leadId: lead.id,
    receivedAt: lead.receivedAt,
    firstContactAt: contact === undefined ? null : new Date(contact).toISOString(),
    attribution: outcome ? outcome.attribution : leadAttribution(lead, decisions).attribution,
    outcome: outcome ? { kind: outcome.kind, value: outcome.value, currency: outcome.currency, closedAt: outcome.closedAt } : null,
    openValue: stored.dealValue === undefined ? null : { value: stored.dealValue, currency: stored.currency ?? null },
  };
}

/** GET /v1/metrics/outcomes (SPEC O3, docs/outcomes.md): leads received in [from, to), grouped, with their current outcomes. */
export async function outcomesReport(store: Store, filter: SpeedFilter & { readonly groupBy: OutcomeGrouping }): Promise<OutcomeReport> {
  const { leads, truncated } = await matchingLeads(store, filter);
  const outcomes = await store.outcomes.currentFor(leads.map((l) => l.id));
  const reported: ReportedLead[] = [];
  for (const l of leads) reported.push(await reportedLead(store, l, outcomes.get(l.id)));
  return { from: filter.from ?? null, to: filter.to ?? null, ...outcomeReport(reported, filter.groupBy), truncated };
}
