import type { Store } from '../../store/unit-of-work.ts';

interface RecordedHit {
  readonly listId: string;
  readonly entryId: string;
  readonly matchedName: string;
  readonly disposition?: {
    readonly kind: string;
    readonly reasonCode: string;
    readonly priority: string;
    readonly nameScore: number;
    readonly priorityScore: number;
  };
}
interface RecordedEffect {
  readonly field: string;
  readonly outcome: string;
  readonly query: string;
  readonly listed: string;
  readonly effect: number;
  readonly hard?: boolean;
  readonly mayClear?: boolean;
}

/**
 * The latest screening of a lead as compliance reviews it (docs/screening.md): the policy used, and per hit the name
 * score, each corroborating fact with the lead's value and the listed value, its effect, whether it was allowed
 * to take the hit below review, and the disposition with its reason code. The history holds the list side; the
 * lead's values come from the erasable contact record, so after erasure they read as null.
 */
export async function latestScreeningView(store: Store, leadId: string) {
  const events = await store.events.listForLead(leadId);
  const last = events.filter((e) => e.kind === 'screening' || e.kind === 'screening.rescreen').at(-1);
  if (!last) return null;
  const recorded = JSON.parse(last.payloadJson) as { status: string; policy?: unknown; hits: readonly RecordedHit[] };
  const personal = await store.personalData.get(leadId);
  type Contact = { screeningEvidence?: readonly { corroboration?: readonly RecordedEffect[] }[] };
  const contact = personal && !personal.erasedAt ? (JSON.parse(personal.contactJson) as Contact) : null;
  return {
    at: last.at,
    status: recorded.status,
    policy: recorded.policy ?? null,
    hits: recorded.hits.map((h, i) => ({
      listId: h.listId,
      entryId: h.entryId,
      matchedName: h.matchedName,
      nameScore: h.disposition?.nameScore ?? null,
      priorityScore: h.disposition?.priorityScore ?? null,
      disposition: h.disposition?.kind ?? null,
      reasonCode: h.disposition?.reasonCode ?? null,
      priority: h.disposition?.priority ?? null,
      effects:
        contact?.screeningEvidence?.[i]?.corroboration?.map((f) => ({
          fact: f.field,
          leadValue: f.query,
          listValue: f.listed,
          outcome: f.outcome,
          effect: f.effect,
          hard: f.hard ?? false,
          mayClear: f.mayClear ?? false,
        })) ?? null,
    })),
  };
}
