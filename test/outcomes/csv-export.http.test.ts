import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { csvText } from '../../src/domain/shared/csv-text.ts';
import type { TestService } from '../http/service-harness.ts';
import { get, ingest, nyLead, startUsService } from '../conduct-service/conduct-fixtures.ts';

/** `?format=csv` on the speed-to-lead, fairness and review-queue tables: the same rows as the JSON answer. */
let s: TestService;
afterEach(async () => s?.close());

async function csvOf(svc: TestService, url: string) {
  const res = await svc.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${svc.tokens.ops}` } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+\.csv"$/);
  return { rows: parse(res.body, { columns: true }) as Record<string, string>[], headers: res.headers };
}

describe('CSV export', () => {
  it('csvText quotes RFC 4180 style and defuses spreadsheet formulas', () => {
    expect(
      csvText(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['=SUM(A1)', null],
          [-3, 'line\nbreak'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),\r\n-3,"line\nbreak"\r\n');
  });

  it('speed to lead, fairness and the review queue answer the JSON rows as CSV', async () => {
    s = await startUsService('michael-oconnor');
    for (const i of [1, 2, 3]) await ingest(s, nyLead(`c${i}`, `+1 212 555 020${i}`));
    await ingest(s, { ...nyLead('refused', '+1 212 555 0299'), address: { country: 'BR' } });

    const speed = await get(s, s.tokens.ops, '/v1/metrics/speed-to-lead');
    const speedCsv = await csvOf(s, '/v1/metrics/speed-to-lead?format=csv');
    expect(speedCsv.rows.map((r) => [r.lead_id, r.rep_id, r.capture_to_assignment_ms])).toEqual(
      speed.body.leads.map((l: Record<string, unknown>) => [l.leadId, l.repId ?? '', String(l.captureToAssignmentMs ?? '')]),
    );
    expect(speedCsv.rows).toHaveLength(4);

    const fairness = await get(s, s.tokens.ops, '/v1/metrics/fairness');
    const fairnessCsv = await csvOf(s, '/v1/metrics/fairness?format=csv');
    const expected = fairness.body.pools.flatMap((p: { pool: string; reps: { repId: string; assigned: number }[] }) =>
      p.reps.map((r) => [p.pool, r.repId, String(r.assigned)]),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(fairnessCsv.rows.map((r) => [r.pool, r.rep_id, r.assigned])).toEqual(expected);

    const queue = await get(s, s.tokens.ops, '/v1/review?limit=1');
    expect(queue.body.items.length).toBe(1);
    const queueCsv = await csvOf(s, '/v1/review?limit=1&format=csv');
    expect(queueCsv.rows.map((r) => [r.review_id, r.lead_id, r.status])).toEqual(
      queue.body.items.map((r: Record<string, string>) => [r.id, r.leadId, r.status]),
    );
    expect(queueCsv.headers['x-remit-next-cursor'] ?? null).toBe(queue.body.nextCursor);
  });
});
