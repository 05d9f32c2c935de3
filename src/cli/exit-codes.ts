import type { DecisionOutcome } from '../domain/decision/decision.ts';

/** Documented in README "CLI": scripts branch on these. */
export const EXIT = { ok: 0, unexpected: 1, invalidInput: 2, auditTampered: 7, storageFault: 8 } as const;

export const OUTCOME_EXIT_CODES: Readonly<Record<DecisionOutcome, number>> = {
  ASSIGNED: 0,
  REFUSED: 3,
  HELD: 4,
  QUEUED: 5,
  NURTURE: 6,
};
