import type { LeadState } from './lead-state.ts';
import { TRANSITIONS } from './transitions.ts';

/** Targets a user may ask for; the other states are reached by routing, review, screening or erasure. */
export const LIFECYCLE_TARGETS = ['ACCEPTED', 'CONTACTED', 'QUALIFIED', 'PROPOSAL', 'WON', 'LOST', 'NURTURE'] as const;
export type LifecycleTarget = (typeof LIFECYCLE_TARGETS)[number];

/** The moves a user may ask for from `status` (the console's buttons); cooling-off may still hold one back. */
export const userTargetsFrom = (status: string): LifecycleTarget[] =>
  status in TRANSITIONS ? LIFECYCLE_TARGETS.filter((t) => TRANSITIONS[status as LeadState].includes(t)) : [];
