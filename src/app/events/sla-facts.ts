/**
 * What the SLA worker records about a lead (docs/conduct.md): the facts of the sla.* kinds of lead-events.ts, kept
 * here so lead-events.ts stays one readable table.
 */

export interface SlaMissFacts {
  readonly timerId: string;
  readonly missed: 'accept' | 'first_contact';
  readonly reasonCode: string;
  readonly repId: string;
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly attempt: number;
  readonly worker: string;
}

/** A warning timer fired before its deadline (sla.warnBeforeMinutes): the rep can still act. */
export interface SlaWarningFacts {
  readonly timerId: string;
  readonly deadline: 'accept' | 'first_contact';
  readonly repId: string;
  readonly teamId: string | null;
  /** The deadline warned about. */
  readonly dueAt: string;
  readonly minutesLeft: number;
  readonly worker: string;
}

export interface HandOver {
  readonly fromRep: string;
  readonly toRep: string | null;
  readonly toTeam: string | null;
  readonly missed: 'accept' | 'first_contact';
  readonly reasonCode: string;
  readonly attempt: number;
  readonly excluded: readonly string[];
  readonly fellBackToMissed: boolean;
  readonly decisionId: string;
  readonly outcome: string;
  /** SLA_SOLE_LAWFUL_REP when the lead went back to the rep who just missed (nobody else was lawful). */
  readonly sameRepReasonCode?: string;
}

/** The ladder's last step (docs/conduct.md): the lead is parked in the review queue and its SLA timers stop. */
export interface SlaParking {
  readonly leadId: string;
  readonly attempt: number;
  readonly missed: 'accept' | 'first_contact';
  readonly missedBy: readonly string[];
  readonly reasonCode: string;
  readonly currentRep: string;
  readonly reviewId: string;
  /** The review the lead waits in: a new SLA_EXHAUSTED one, or the one already open (a lead has one open review). */
  readonly reviewKind: string;
  readonly timersStopped: number;
}

export interface Escalation {
  readonly leadId: string;
  readonly attempt: number;
  readonly missed: 'accept' | 'first_contact';
  readonly missedBy: readonly string[];
  readonly escalateTo: unknown;
  readonly currentRep: string | null;
  readonly reviewId: string | null;
}
