import type { Decision } from '../../domain/decision/decision.ts';
import type { LeadAttribution } from '../../domain/outcomes/outcome-report.ts';
import type { DecisionRecord } from '../../store/ports/decisions.port.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';

/**
 * The decision an outcome attaches to and the facts it is reported under (docs/outcomes.md): the lead's latest
 * assignment (else its latest decision) gives rep, team, rule and strategy; the stored lead gives source and segment.
 * An outcome copies them when recorded, so later re-routing or erasure does not move it to another group.
 */
export function leadAttribution(
  lead: LeadRecord,
  decisions: readonly DecisionRecord[],
): { readonly decisionId: string | null; readonly attribution: LeadAttribution } {
  const record = decisions.filter((d) => d.outcome === 'ASSIGNED').at(-1) ?? decisions.at(-1);
  const decision = record ? (JSON.parse(record.documentJson) as Decision) : null;
  const stored = JSON.parse(lead.leadJson) as { readonly source?: string; readonly company?: { readonly segment?: string } };
  return {
    decisionId: record?.decisionId ?? null,
    attribution: {
      rep: record?.repId ?? lead.repId,
      team: record?.teamId ?? lead.teamId,
      rule: decision?.rule?.id ?? null,
      strategy: decision?.strategy?.chosenBy ?? null,
      segment: stored.company?.segment ?? null,
      source: stored.source ?? null,
    },
  };
}
