import type { SlaConfig } from '../org/sla.schema.ts';
import { slaDeadline } from './sla-deadline.ts';
import type { SlaPolicy } from './sla-action.ts';
import type { WorkingCalendar } from './working-calendar.ts';

import { planSlaWarning, type PlannedSlaTimer } from './sla-warning.ts';

export type { PlannedSlaTimer } from './sla-warning.ts';

/** The windows that apply to a lead routed by `ruleId` (a per-rule override wins field by field). */
export function slaWindowsFor(
  sla: SlaConfig,
  ruleId: string | null,
): { accept: number | null; firstContact: number | null; workingTime: boolean } {
  const o = ruleId === null ? undefined : sla.rules.find((r) => r.ruleId === ruleId);
  return {
    accept: o?.acceptMinutes !== undefined ? o.acceptMinutes : sla.acceptMinutes,
    firstContact: o?.firstContactMinutes !== undefined ? o.firstContactMinutes : sla.firstContactMinutes,
    workingTime: o?.workingTime ?? sla.workingTime,
  };
}

/**
 * Timers to schedule when a lead is assigned at `assignedAt` to a rep with `calendar` (R12):
 * acceptance and first contact, each counted from the assignment (in the rep's working time when
 * configured), and the warning before the first of them when `warnBeforeMinutes` is set. A window with no
 * working time within the horizon gets no timer.
 */
export function planSlaTimers(sla: SlaConfig, ruleId: string | null, calendar: WorkingCalendar, assignedAt: number): PlannedSlaTimer[] {
  if (!sla.enabled) return [];
  const w = slaWindowsFor(sla, ruleId);
  const out: PlannedSlaTimer[] = [];
  for (const [kind, minutes] of [
    ['accept', w.accept],
    ['first_contact', w.firstContact],
  ] as const) {
    if (minutes === null) continue;
    const dueAt = slaDeadline(assignedAt, { minutes, workingTime: w.workingTime }, calendar);
    if (dueAt !== null) out.push({ kind, dueAt: Math.ceil(dueAt) });
  }
  const warning = planSlaWarning(sla.warnBeforeMinutes, out, assignedAt);
  return warning ? [...out, warning] : out;
}

export const slaPolicyOf = (sla: SlaConfig): SlaPolicy => ({
  escalateAfterMisses: sla.escalateAfterMisses,
  escalateTo: sla.escalateTo,
  rerouteOnEscalation: sla.rerouteOnEscalation,
});
