import { describe, expect, it } from 'vitest';
import { SlaSchema } from '../../src/domain/org/sla.schema.ts';
import { planSlaTimers } from '../../src/domain/sla/sla-plan.ts';
import { isDeadlineTimer, planSlaWarning, warnedDeadline, withWarnings } from '../../src/domain/sla/sla-warning.ts';

/** SLA warning before breach (pure): one warning per assignment, before its first deadline. */
const T0 = Date.parse('2026-11-24T11:00:00Z');
const MIN = 60_000;
const always = { timeZone: 'Europe/London', workingMinutes: null, outOfOffice: [] };

describe('SLA warning', () => {
  it('warns warnBeforeMinutes before the earliest deadline; none without the setting, a deadline, or room to warn', () => {
    const deadlines = [
      { kind: 'first_contact', dueAt: T0 + 120 * MIN },
      { kind: 'accept', dueAt: T0 + 15 * MIN },
    ] as const;
    expect(planSlaWarning(5, deadlines, T0)).toEqual({ kind: 'accept_warning', dueAt: T0 + 10 * MIN });
    expect(planSlaWarning(undefined, deadlines, T0)).toBeNull();
    expect(planSlaWarning(5, [], T0)).toBeNull();
    expect(planSlaWarning(15, deadlines, T0)).toBeNull(); // the warning would be at the assignment itself
    expect(planSlaWarning(30, [deadlines[0]], T0)).toEqual({ kind: 'first_contact_warning', dueAt: T0 + 90 * MIN });
  });

  it('planSlaTimers adds the warning only when configured; the org default has none', () => {
    const plain = planSlaTimers(SlaSchema.parse({}), null, always, T0);
    expect(plain.map((t) => t.kind)).toEqual(['accept', 'first_contact']);
    const warned = planSlaTimers(SlaSchema.parse({ warnBeforeMinutes: 3, acceptMinutes: null }), null, always, T0);
    expect(warned).toEqual([
      { kind: 'first_contact', dueAt: T0 + 120 * MIN },
      { kind: 'first_contact_warning', dueAt: T0 + 117 * MIN },
    ]);
    expect(SlaSchema.parse({})).not.toHaveProperty('warnBeforeMinutes');
  });

  it('a warning names its deadline and is never a deadline; working a deadline stops its warning too', () => {
    expect(['accept', 'first_contact', 'accept_warning', 'first_contact_warning'].map((k) => warnedDeadline(k as never))).toEqual([
      null,
      null,
      'accept',
      'first_contact',
    ]);
    expect(isDeadlineTimer('accept')).toBe(true);
    expect(isDeadlineTimer('accept_warning')).toBe(false);
    expect(withWarnings(['accept'])).toEqual(['accept', 'accept_warning']);
  });
});
