import { toIso } from '../shared/zoned-time.ts';

/** Clock skew tolerated between the caller and the server before a time counts as "in the future". */
export const FUTURE_TOLERANCE_MS = 60_000;

export interface FactTimeInput {
  /** When the caller says the fact happened (epoch ms). */
  readonly at: number;
  readonly now: number;
  /** When Remit received the lead: nothing about it can have happened before. */
  readonly leadReceivedAt: number;
  /** How far back from now a fact may be dated by anyone (the org's `conduct.factBackdatingHours`). */
  readonly maxBackdatingMs: number;
  /** Whether this caller may date a fact further back than the bound (compliance, who answers for it). */
  readonly mayExceedBound: boolean;
}

export type FactTimeCheck =
  | {
      readonly kind: 'accepted';
      /** Set when the fact is dated further back than the bound (allowed to compliance only): recorded with the fact. */
      readonly beyondBound: { readonly backdatedMs: number; readonly boundMs: number } | null;
    }
  | {
      readonly kind: 'refused';
      readonly reasonCode: 'FACT_IN_FUTURE' | 'FACT_BEFORE_LEAD' | 'FACT_BACKDATED_TOO_FAR';
      readonly detail: string;
    };

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 100) / 100} h`;

/**
 * Finding W4: a conduct fact (scope of appointment signed, information provided, a consent grant)
 * starts cooling-off windows and unlocks outreach, so a date far in the past is a way round them.
 * A fact may not be dated in the future, nor before the lead existed, nor further back than the
 * bound unless the caller may exceed it (then the distance is recorded with the fact).
 */
export function checkFactTime(input: FactTimeInput): FactTimeCheck {
  const { at, now, leadReceivedAt, maxBackdatingMs } = input;
  if (at > now + FUTURE_TOLERANCE_MS) return { kind: 'refused', reasonCode: 'FACT_IN_FUTURE', detail: `${toIso(at)} is in the future` };
  if (at < leadReceivedAt) {
    return {
      kind: 'refused',
      reasonCode: 'FACT_BEFORE_LEAD',
      detail: `${toIso(at)} is before the lead was received (${toIso(leadReceivedAt)})`,
    };
  }
  const backdatedMs = now - at;
  if (backdatedMs <= maxBackdatingMs) return { kind: 'accepted', beyondBound: null };
  if (!input.mayExceedBound) {
    return {
      kind: 'refused',
      reasonCode: 'FACT_BACKDATED_TOO_FAR',
      detail:
        `${toIso(at)} is ${hours(backdatedMs)} back; facts may be dated at most ${hours(maxBackdatingMs)} back (further only by ` +
        `compliance)`,
    };
  }
  return { kind: 'accepted', beyondBound: { backdatedMs, boundMs: maxBackdatingMs } };
}
