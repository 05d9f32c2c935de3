import type { Principal } from '../../domain/access/principal.ts';
import { type Result } from '../../domain/shared/result.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { WebhookTargetPolicy } from '../webhooks/webhook-target-policy.ts';
import { fetchCalendar } from './calendar-feed.ts';
import { busyPeriods } from './ics-busy-periods.ts';
import { applyRosterChange, type RosterChangeResult } from './roster-change.use-case.ts';

/** Days ahead imported when the caller does not say. */
export const DEFAULT_IMPORT_DAYS = 30;

export type CalendarInput =
  { readonly kind: 'ics'; readonly text: string; readonly source: string } | { readonly kind: 'url'; readonly url: string };

/**
 * Where a feed came from, as recorded on its periods and in the reason. A URL is reduced to its host: private
 * calendar URLs carry a secret in their path, and the org version is read by many.
 */
const sourceOf = (input: CalendarInput): string => (input.kind === 'ics' ? input.source : `url:${new URL(input.url).host}`);

/**
 * Imports a rep's calendar (docs/operations.md "Calendar feeds"): the busy and out-of-office events of the next
 * `days` days become out-of-office periods through `applyRosterChange` (reason "calendar import <source>"),
 * replacing the periods of the previous import; manual periods stay. A bad .ics or an unreachable URL changes nothing.
 */
export async function importRepCalendar(
  ctx: Pick<ServiceContext, 'orgs' | 'clock' | 'store' | 'ids' | 'webhookTargets'>,
  principal: Principal,
  input: { repId: string; calendar: CalendarInput; days?: number; expectedVersionHash?: string },
): Promise<Result<RosterChangeResult & { periods: number }, AppFailure>> {
  if (!ctx.orgs.current.repsById.has(input.repId)) return failure('NOT_FOUND', `no rep ${input.repId} in the version in force`);
  let text: string;
  if (input.calendar.kind === 'url') {
    const fetched = await fetchCalendar(input.calendar.url, ctx.webhookTargets ?? new WebhookTargetPolicy([]));
    if (!fetched.ok) return failure('CALENDAR_UNREACHABLE', `${input.calendar.url}: ${fetched.error}`);
    text = fetched.value;
  } else text = input.calendar.text;
  const periods = busyPeriods(text, { now: ctx.clock.now(), days: input.days ?? DEFAULT_IMPORT_DAYS });
  if (!periods.ok) return failure('CALENDAR_INVALID', `${periods.error.length} problem(s) in the calendar`, periods.error);
  const source = sourceOf(input.calendar);
  const changed = await applyRosterChange(
    ctx,
    principal,
    { kind: 'rep.calendar-import', repId: input.repId, source, periods: periods.value },
    { reason: `calendar import ${source}`, expectedVersionHash: input.expectedVersionHash },
  );
  return changed.ok ? { ok: true, value: { ...changed.value, periods: periods.value.length } } : changed;
}
