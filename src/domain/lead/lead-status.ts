import type { DecisionOutcome } from '../decision/decision.ts';

/**
 * NEW exists only inside the transaction that routes the lead; CLOSED frees the rep's capacity.
 * DUPLICATE: linked to an open original (duplicateOf), never routed. ACCEPTED … LOST, ERASED: the
 * lifecycle after assignment (docs/conduct.md).
 */
export type LeadStatus =
  'NEW' | DecisionOutcome | 'CLOSED' | 'DUPLICATE' | 'ACCEPTED' | 'CONTACTED' | 'QUALIFIED' | 'PROPOSAL' | 'WON' | 'LOST' | 'ERASED';
export const LEAD_STATUSES: readonly LeadStatus[] = [
  'NEW',
  'ASSIGNED',
  'QUEUED',
  'REFUSED',
  'HELD',
  'NURTURE',
  'CLOSED',
  'DUPLICATE',
  'ACCEPTED',
  'CONTACTED',
  'QUALIFIED',
  'PROPOSAL',
  'WON',
  'LOST',
  'ERASED',
];
/** Statuses in which a lead occupies its rep's open-lead capacity (assigned and being worked). */
export const HOLDS_REP_CAPACITY: readonly LeadStatus[] = ['ASSIGNED', 'ACCEPTED', 'CONTACTED', 'QUALIFIED', 'PROPOSAL'];
export const holdsRepCapacity = (status: LeadStatus): boolean => HOLDS_REP_CAPACITY.includes(status);
/**
 * Statuses no review or exception may assign (B3): the personal data is gone (ERASED), the lead is a
 * link to its original (DUPLICATE), or its story is over (CLOSED, WON, LOST). A reopened lead is a new lead.
 */
export const NOT_ROUTABLE_STATUSES: readonly LeadStatus[] = ['ERASED', 'DUPLICATE', 'CLOSED', 'WON', 'LOST'];
export const isRoutableStatus = (status: LeadStatus): boolean => !NOT_ROUTABLE_STATUSES.includes(status);
/** Statuses in which a lead counts as open for dedupe. */
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = [
  'ASSIGNED',
  'QUEUED',
  'REFUSED',
  'HELD',
  'NURTURE',
  'ACCEPTED',
  'CONTACTED',
  'QUALIFIED',
  'PROPOSAL',
];
