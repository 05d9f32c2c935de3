import { LEAD_STATES, type LeadState } from './lead-state.ts';

/**
 * Allowed moves, as data. ASSIGNED → ASSIGNED and ACCEPTED → ASSIGNED are SLA re-routes to another rep.
 * HELD / REFUSED → ASSIGNED is a compliance-approved exception (C3); HELD → NEW releases a cleared lead
 * for routing. ERASED (personal data removed, decision records kept) is reachable from every state and terminal.
 */
export const TRANSITIONS: { readonly [S in LeadState]: readonly LeadState[] } = {
  NEW: ['ASSIGNED', 'QUEUED', 'HELD', 'REFUSED', 'NURTURE', 'ERASED'],
  QUEUED: ['ASSIGNED', 'HELD', 'REFUSED', 'NURTURE', 'ERASED'],
  HELD: ['NEW', 'ASSIGNED', 'REFUSED', 'ERASED'],
  REFUSED: ['ASSIGNED', 'HELD', 'ERASED'],
  ASSIGNED: ['ACCEPTED', 'ASSIGNED', 'QUEUED', 'HELD', 'ERASED'],
  ACCEPTED: ['CONTACTED', 'ASSIGNED', 'LOST', 'NURTURE', 'HELD', 'ERASED'],
  CONTACTED: ['QUALIFIED', 'LOST', 'NURTURE', 'HELD', 'ERASED'],
  QUALIFIED: ['PROPOSAL', 'LOST', 'NURTURE', 'HELD', 'ERASED'],
  PROPOSAL: ['WON', 'LOST', 'NURTURE', 'HELD', 'ERASED'],
  WON: ['ERASED'],
  LOST: ['NURTURE', 'ERASED'],
  NURTURE: ['NEW', 'ASSIGNED', 'QUEUED', 'LOST', 'ERASED'],
  ERASED: [],
};

/** States from which `target` may be entered, in LEAD_STATES order. */
export const allowedFrom = (target: LeadState): LeadState[] => LEAD_STATES.filter((s) => TRANSITIONS[s].includes(target));
