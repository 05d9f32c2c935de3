import { describe, expect, it } from 'vitest';
import type { DeltaRescreenReport } from '../../src/app/screening/delta-rescreen.use-case.ts';
import { mergeReports, parseDeltaReport, withRecordedHolds } from '../../src/app/screening/rescreen-job-report.ts';

/** A delta job's report, a chunk at a time (docs/screening.md "Re-screen jobs"): chunks added up, completed from the hold records. */
const lists = [{ listId: 'blocklist', added: 3, changed: 0, removed: 0 }];
const part = (over: Partial<DeltaRescreenReport>): DeltaRescreenReport => ({
  lists,
  entries: 1,
  leadsIndexed: 2,
  keysBackfilled: 0,
  keysRekeyed: false,
  candidates: 2,
  newMatches: [],
  newlyHeld: [],
  alreadyHeld: 0,
  failed: 0,
  ...over,
});

describe('re-screen job report', () => {
  it('a report recorded before alreadyHeld existed reads it as 0, and adds up with a new chunk', () => {
    const { alreadyHeld: _, ...old } = part({ newMatches: [{ leadId: 'L1', hits: ['blocklist/E1'] }], newlyHeld: ['L1'] });
    const read = parseDeltaReport(JSON.stringify(old));
    expect(read.alreadyHeld).toBe(0);
    expect(mergeReports(read, part({ alreadyHeld: 2, failed: 1 }))).toMatchObject({
      entries: 2,
      candidates: 4,
      alreadyHeld: 2,
      failed: 1,
      newlyHeld: ['L1'],
    });
  });

  it('chunks add up; a lead matched in two chunks is listed once with every hit', () => {
    const a = part({ newMatches: [{ leadId: 'L1', hits: ['blocklist/E1'] }], newlyHeld: ['L1'], alreadyHeld: 1 });
    const b = part({
      newMatches: [
        { leadId: 'L2', hits: ['blocklist/E2'] },
        { leadId: 'L1', hits: ['blocklist/E3', 'blocklist/E1'] },
      ],
      newlyHeld: ['L2'],
      alreadyHeld: 1,
      keysRekeyed: true,
    });
    expect(mergeReports(null, b)).toBe(b);
    expect(mergeReports(a, b)).toEqual({
      lists,
      entries: 2,
      leadsIndexed: 4,
      keysBackfilled: 0,
      keysRekeyed: true,
      candidates: 4,
      newMatches: [
        { leadId: 'L1', hits: ['blocklist/E1', 'blocklist/E3'] },
        { leadId: 'L2', hits: ['blocklist/E2'] },
      ],
      newlyHeld: ['L1', 'L2'],
      alreadyHeld: 2,
      failed: 0,
    });
  });

  it('completed from the hold records: listed leads keep their place, the others follow in the order held, counts unchanged', () => {
    const report = part({
      newMatches: [
        { leadId: 'L2', hits: ['blocklist/E2'] },
        { leadId: 'L4', hits: ['blocklist/E4'] },
      ],
      newlyHeld: ['L2'],
      alreadyHeld: 1,
    });
    const holds = [
      { leadId: 'L3', hits: ['blocklist/E3'], heldAt: '2026-12-07T10:00:00.000Z' },
      { leadId: 'L2', hits: ['blocklist/E2', 'blocklist/E5'], heldAt: '2026-12-07T10:00:01.000Z' },
      { leadId: 'L1', hits: ['blocklist/E1'], heldAt: '2026-12-07T10:00:02.000Z' },
    ];
    expect(withRecordedHolds(report, holds)).toEqual({
      ...report,
      newMatches: [
        { leadId: 'L2', hits: ['blocklist/E2', 'blocklist/E5'] },
        { leadId: 'L4', hits: ['blocklist/E4'] },
        { leadId: 'L3', hits: ['blocklist/E3'] },
        { leadId: 'L1', hits: ['blocklist/E1'] },
      ],
      newlyHeld: ['L2', 'L3', 'L1'],
    });
    // a lead the report lists already gains the hits of its record; nothing else changes
    expect(withRecordedHolds(report, holds.slice(1, 2))).toEqual({
      ...report,
      newMatches: [
        { leadId: 'L2', hits: ['blocklist/E2', 'blocklist/E5'] },
        { leadId: 'L4', hits: ['blocklist/E4'] },
      ],
    });
    expect(withRecordedHolds(report, [])).toEqual(report);
  });
});
