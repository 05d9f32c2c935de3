import type { Lead } from '../lead/lead.schema.ts';
import type { CompiledOrg } from '../org/compiled-org.ts';
import { REASON_CODES, type ReasonCategory } from '../eligibility/reason-codes.ts';
import type { RoutingStateView } from '../strategies/routing-state.ts';
import { checkAssignment } from './decide.ts';

/** Whether a lead's holder may still lawfully serve it; `reasons`: the lawfulness codes that say not. */
export interface HolderLawfulness {
  readonly lawful: boolean;
  readonly reasons: readonly string[];
}

/** Who may serve a lead at all (licence and suitability), as against who is free now (availability, caps, hours). */
const LAWFULNESS: readonly ReasonCategory[] = ['licence', 'suitability', 'pre-screen'];

const isLawfulnessCode = (code: string): boolean => {
  const entry = (REASON_CODES as Record<string, { category: ReasonCategory }>)[code];
  return entry !== undefined && LAWFULNESS.includes(entry.category);
};

/** Availability does not matter here: the holder's own load must not make them look ineligible for a lead they hold. */
const NO_LOAD: RoutingStateView = { poolSeq: () => 0, ledgerEntry: () => undefined, load: () => undefined };

/**
 * docs/operations.md "Automatic reassignment": the same re-check as manual reassignment (checkAssignment) for the rep
 * who holds the lead, in their team of this org version, at `at` — keeping only the verdicts about lawfulness
 * (licences, appointments, suitability, the firm's licences). A paused rep, one out of office or at a cap is still
 * lawful; a rep whose grant ended, lapsed or was suspended is not. A rep missing from the org is not lawful.
 */
export function holderLawfulness(org: CompiledOrg, lead: Lead, at: number, repId: string): HolderLawfulness {
  const rep = org.repsById.get(repId);
  if (!rep) return { lawful: false, reasons: ['REP_NOT_IN_ORG'] };
  // No licence governs an unregulated lead, so no licence change can make its holder unlawful (a fallback owner
  // may even sit outside every candidate team's mandate).
  const lines = org.products.get(lead.product)?.productLines ?? [];
  if (org.regulation.licensing(lines, lead.jurisdiction).status === 'not_applicable') return { lawful: true, reasons: [] };
  const check = checkAssignment(org, lead, at, NO_LOAD, rep.teamId, repId);
  const codes = [
    ...(check.gate ? [check.gate.code] : []),
    ...(check.team?.reasons.map((r) => r.code) ?? []),
    ...(check.rep?.reasons.map((r) => r.code) ?? []),
  ].filter(isLawfulnessCode);
  const reasons = [...new Set(codes)];
  return { lawful: reasons.length === 0, reasons };
}
