import type { RescreenJobHold } from '../../store/ports/rescreen-jobs.port.ts';
import type { DeltaRescreenReport } from './delta-rescreen.use-case.ts';

/**
 * A delta re-screening job's report, built a chunk at a time (docs/screening.md "Re-screen jobs"): the chunks' reports
 * added up, then completed from the job's hold records, the store's account of which leads the job held.
 */

/** A report as recorded (JSON text); one recorded before `alreadyHeld` existed reads it as 0 (a job resumed across an upgrade). */
export function parseDeltaReport(json: string): DeltaRescreenReport {
  return { alreadyHeld: 0, ...(JSON.parse(json) as Partial<DeltaRescreenReport>) } as DeltaRescreenReport;
}

/** Two reports of one job's chunks as one: counts add up, a lead matched in two chunks is listed once with every hit. */
export function mergeReports(a: DeltaRescreenReport | null, b: DeltaRescreenReport): DeltaRescreenReport {
  if (!a) return b;
  return {
    lists: a.lists,
    entries: a.entries + b.entries,
    leadsIndexed: a.leadsIndexed + b.leadsIndexed,
    keysBackfilled: a.keysBackfilled + b.keysBackfilled,
    keysRekeyed: a.keysRekeyed || b.keysRekeyed,
    candidates: a.candidates + b.candidates,
    newMatches: mergeMatches([...a.newMatches, ...b.newMatches]),
    newlyHeld: [...new Set([...a.newlyHeld, ...b.newlyHeld])],
    alreadyHeld: a.alreadyHeld + b.alreadyHeld,
    failed: a.failed + b.failed,
  };
}

/**
 * The report with every lead the job held (its hold records, written in each hold's transaction) in `newMatches`, with
 * the hits that held it, and in `newlyHeld`. A live runner's report has them all already; a lead held in a chunk whose
 * runner died before recording it is HELD when the chunk is screened again, so only its hold record says this job
 * held it. Leads the report lists stay in their place; the others follow in the order they were held.
 */
export function withRecordedHolds(report: DeltaRescreenReport, holds: readonly RescreenJobHold[]): DeltaRescreenReport {
  return {
    ...report,
    newMatches: mergeMatches([...report.newMatches, ...holds.map((h) => ({ leadId: h.leadId, hits: h.hits }))]),
    newlyHeld: [...new Set([...report.newlyHeld, ...holds.map((h) => h.leadId)])],
  };
}

/** One entry per lead, in the order leads first appear, with every hit once. */
function mergeMatches(matches: DeltaRescreenReport['newMatches']): DeltaRescreenReport['newMatches'] {
  const hits = new Map<string, string[]>();
  for (const m of matches) hits.set(m.leadId, [...new Set([...(hits.get(m.leadId) ?? []), ...m.hits])]);
  return [...hits].map(([leadId, h]) => ({ leadId, hits: h }));
}
