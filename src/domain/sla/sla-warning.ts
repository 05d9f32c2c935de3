/**
 * SLA warning before breach (docs/conduct.md "SLA warning"): with `sla.warnBeforeMinutes`, an assignment also gets
 * one warning timer, due that many minutes (elapsed time) before its first deadline. It is a timer like the
 * deadlines (durable, fired once, cancelled when the lead is worked) but its firing only tells the rep and their
 * team lead: it is never a miss and never moves the lead.
 */

export type SlaDeadlineKind = 'accept' | 'first_contact';
export type SlaWarningKind = `${SlaDeadlineKind}_warning`;
export type SlaTimerKind = SlaDeadlineKind | SlaWarningKind;

export interface PlannedSlaTimer {
  readonly kind: SlaTimerKind;
  /** Epoch ms. */
  readonly dueAt: number;
}

const WARNED: { readonly [K in SlaTimerKind]: SlaDeadlineKind | null } = {
  accept: null,
  first_contact: null,
  accept_warning: 'accept',
  first_contact_warning: 'first_contact',
};

/** The deadline a warning timer announces; null for a deadline timer. */
export const warnedDeadline = (kind: SlaTimerKind): SlaDeadlineKind | null => WARNED[kind];

/** Deadline timers only: a fired warning is not a miss (the ladder and the breach counts skip it). */
export const isDeadlineTimer = (kind: SlaTimerKind): kind is SlaDeadlineKind => WARNED[kind] === null;

/** The kinds a worked lead stops: the deadlines named and the warnings before them. */
export const withWarnings = (kinds: readonly SlaDeadlineKind[]): SlaTimerKind[] => kinds.flatMap((k) => [k, `${k}_warning` as const]);

/**
 * The warning for an assignment made at `assignedAt` whose deadlines are `deadlines`: before the earliest one, or
 * none when no warning is configured, there is no deadline, or the window is too short to warn inside it.
 */
export function planSlaWarning(
  warnBeforeMinutes: number | undefined,
  deadlines: readonly PlannedSlaTimer[],
  assignedAt: number,
): PlannedSlaTimer | null {
  if (warnBeforeMinutes === undefined) return null;
  const first = deadlines
    .filter((d) => isDeadlineTimer(d.kind))
    .reduce<PlannedSlaTimer | null>((a, d) => (a && a.dueAt <= d.dueAt ? a : d), null);
  if (!first) return null;
  const dueAt = first.dueAt - warnBeforeMinutes * 60_000;
  return dueAt > assignedAt ? { kind: `${first.kind as SlaDeadlineKind}_warning`, dueAt } : null;
}
