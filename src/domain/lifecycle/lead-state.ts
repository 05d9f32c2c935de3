/** Lifecycle states of a lead (C5). */
export const LEAD_STATES = [
  'NEW',
  'ASSIGNED',
  'ACCEPTED',
  'CONTACTED',
  'QUALIFIED',
  'PROPOSAL',
  'WON',
  'LOST',
  'NURTURE',
  'HELD',
  'REFUSED',
  'QUEUED',
  'ERASED',
] as const;

export type LeadState = (typeof LEAD_STATES)[number];

export const isLeadState = (value: unknown): value is LeadState =>
  typeof value === 'string' && (LEAD_STATES as readonly string[]).includes(value);
