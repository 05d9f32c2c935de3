import { COOLING_OFF_STEPS } from '../conduct/rule-pack.schema.ts';
import { toIso } from '../shared/zoned-time.ts';
import {
  checkCoolingOff,
  type CoolingOffCitation,
  type CoolingOffFacts,
  type CoolingOffStep,
  type CoolingOffTable,
} from './cooling-off.ts';
import type { LifecycleReasonCode } from './lifecycle-reason-codes.ts';
import { isLeadState, type LeadState } from './lead-state.ts';
import { allowedFrom, TRANSITIONS } from './transitions.ts';

export interface TransitionContext {
  /** Epoch ms of the attempt. */
  readonly at: number;
  readonly actor: string;
  readonly reason?: string | undefined;
  readonly coolingOff: { readonly table: CoolingOffTable; readonly facts: CoolingOffFacts };
}

/** Why a move was refused: a code of the lifecycle catalogue. */
export type TransitionFailureCode = LifecycleReasonCode;

export type LifecycleEvent =
  | {
      readonly kind: 'lead_transitioned';
      readonly from: LeadState;
      readonly to: LeadState;
      readonly at: string;
      readonly actor: string;
      readonly reason?: string | undefined;
      readonly coolingOff: readonly CoolingOffCitation[];
    }
  | {
      readonly kind: 'transition_blocked';
      readonly from: string;
      readonly to: string;
      readonly at: string;
      readonly actor: string;
      readonly code: TransitionFailureCode;
      readonly detail: string;
      readonly earliestAllowedAt?: string | null | undefined;
      readonly coolingOff?: CoolingOffCitation | undefined;
    };

export type TransitionResult =
  | { readonly ok: true; readonly next: LeadState; readonly event: LifecycleEvent }
  | {
      readonly ok: false;
      readonly code: TransitionFailureCode;
      readonly detail: string;
      /** INVALID_TRANSITION: states from which the target may be entered. */
      readonly allowedFrom?: readonly LeadState[] | undefined;
      /** INVALID_TRANSITION: where the lead may go from its current state. */
      readonly allowedTargets?: readonly LeadState[] | undefined;
      /** Cooling-off: earliest allowed time, ISO (null when not yet knowable). */
      readonly earliestAllowedAt?: string | null | undefined;
      /** Cooling-off: the pack entry (id + source) that blocks. */
      readonly coolingOff?: CoolingOffCitation | undefined;
      /** Record this: blocked attempts are audited (C5). */
      readonly event: LifecycleEvent;
    };

const isStep = (s: LeadState): s is LeadState & CoolingOffStep => (COOLING_OFF_STEPS as readonly string[]).includes(s);

/** Server-side lifecycle move (C5): the transition table first, then any cooling-off window guarding the target. */
export function transition(current: LeadState, target: LeadState, context: TransitionContext): TransitionResult {
  const at = toIso(context.at);
  const blocked = (
    code: TransitionFailureCode,
    detail: string,
    extra: Partial<Extract<TransitionResult, { ok: false }>> = {},
  ): TransitionResult => ({
    ok: false,
    code,
    detail,
    ...extra,
    event: {
      kind: 'transition_blocked',
      from: current,
      to: target,
      at,
      actor: context.actor,
      code,
      detail,
      ...(extra.earliestAllowedAt !== undefined ? { earliestAllowedAt: extra.earliestAllowedAt } : {}),
      ...(extra.coolingOff ? { coolingOff: extra.coolingOff } : {}),
    },
  });
  if (!isLeadState(current) || !isLeadState(target))
    return blocked('UNKNOWN_STATE', `unknown state ${!isLeadState(current) ? String(current) : String(target)}`);
  if (!TRANSITIONS[current].includes(target)) {
    return blocked('INVALID_TRANSITION', `${current} → ${target} is not allowed`, {
      allowedFrom: allowedFrom(target),
      allowedTargets: TRANSITIONS[current],
    });
  }
  let checked: readonly CoolingOffCitation[] = [];
  if (isStep(target)) {
    const check = checkCoolingOff(context.coolingOff.table, target, context.coolingOff.facts, context.at);
    if (check.blocked) return blocked(check.code, check.detail, { earliestAllowedAt: check.earliestAllowedAt, coolingOff: check.entry });
    checked = check.checked;
  }
  return {
    ok: true,
    next: target,
    event: {
      kind: 'lead_transitioned',
      from: current,
      to: target,
      at,
      actor: context.actor,
      ...(context.reason ? { reason: context.reason } : {}),
      coolingOff: checked,
    },
  };
}

/** Steps outside the state machine that a pack may guard (e.g. the Medicare sales appointment). */
export const checkAppointment = (table: CoolingOffTable, facts: CoolingOffFacts, at: number) =>
  checkCoolingOff(table, 'APPOINTMENT', facts, at);
