import { afterEach, describe, expect, it } from 'vitest';
import { wilson } from '../../src/domain/shared/wilson-interval.ts';
import type { TestService } from '../http/service-harness.ts';
import { get, HOUR, ingest, nyLead, post, startUsService } from '../conduct-service/conduct-fixtures.ts';

/**
 * Issue 17 items 1–2 (docs/outcomes.md): outcomes recorded over the API attach to the lead's decision, supersede with
 * history, appear in the lead story, survive erasure without the note, and are reported per group with Wilson intervals
 * and as CSV.
 */
let s: TestService;
afterEach(async () => s?.close());

const ME = 'michael-oconnor';

async function leadsFor(svc: TestService, n: number) {
  const out: { leadId: string; repId: string | null; decisionId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const { leadId, repId, body } = await ingest(svc, nyLead(`o${i}`, `+1 212 555 01${String(i).padStart(2, '0')}`));
    out.push({ leadId, repId, decisionId: body.decision.decisionId as string });
  }
  return out;
}

describe('outcome capture over the API', () => {
  it('a rep records an outcome for their own lead; it carries the decision facts, supersedes with history, is in the story', async () => {
    s = await startUsService(ME);
    const leads = await leadsFor(s, 4);
    const mine = leads.find((l) => l.repId === ME)!;
    const theirs = leads.find((l) => l.repId !== null && l.repId !== ME)!;
    expect(mine && theirs).toBeTruthy();
    s.clock.advance(2 * HOUR);

    const lost = await post(s, s.tokens.rep, `/v1/leads/${mine.leadId}/outcome`, { kind: 'LOST', reasonCode: 'NO_BUDGET' });
    expect(lost.status, JSON.stringify(lost.body)).toBe(201);
    expect(lost.body).toMatchObject({
      supersedes: null,
      outcome: {
        leadId: mine.leadId,
        seq: 1,
        kind: 'LOST',
        value: null,
        reasonCode: 'NO_BUDGET',
        closedAt: new Date(s.clock.ms).toISOString(),
        recordedBy: expect.stringContaining(''),
        channel: 'api',
        decisionId: mine.decisionId,
        attribution: { rep: ME, source: 'web_form', rule: expect.any(String), strategy: expect.any(String) },
      },
    });
    // A late, better outcome supersedes the first; both stay.
    const won = await post(s, s.tokens.rep, `/v1/leads/${mine.leadId}/outcome`, {
      kind: 'WON',
      value: 2400.5,
      currency: 'USD',
      reasonCode: 'PRICE',
      note: 'Sam Cole signed at the branch',
      closedAt: new Date(s.clock.ms - HOUR).toISOString(),
    });
    expect(won.status, JSON.stringify(won.body)).toBe(201);
    expect(won.body.supersedes).toBe(lost.body.outcome.id);
    // The same statement again (a retried request) records nothing new.
    const retried = await post(s, s.tokens.rep, `/v1/leads/${mine.leadId}/outcome`, {
      kind: 'WON',
      value: 2400.5,
      currency: 'USD',
      reasonCode: 'PRICE',
      note: 'Sam Cole signed at the branch',
      closedAt: new Date(s.clock.ms - HOUR).toISOString(),
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ replayed: true, outcome: { id: won.body.outcome.id, seq: 2 } });
    const history = await get(s, s.tokens.rep, `/v1/leads/${mine.leadId}/outcomes`);
    expect(history.body.outcomes.map((o: { kind: string; seq: number }) => [o.seq, o.kind])).toEqual([
      [1, 'LOST'],
      [2, 'WON'],
    ]);
    const story = await get(s, s.tokens.ops, `/v1/leads/${mine.leadId}`);
    const recorded = story.body.history.filter((h: { kind: string }) => h.kind === 'outcome.recorded');
    expect(recorded.map((h: { data: { kind: string; supersedes: string | null } }) => [h.data.kind, h.data.supersedes])).toEqual([
      ['LOST', null],
      ['WON', lost.body.outcome.id],
    ]);
    expect(JSON.stringify(recorded)).not.toContain('Sam Cole');

    // A rep may not record for another rep's lead (it does not exist for them); ops may.
    expect((await post(s, s.tokens.rep, `/v1/leads/${theirs.leadId}/outcome`, { kind: 'LOST', reasonCode: 'PRICE' })).status).toBe(404);
    expect((await post(s, s.tokens.ops, `/v1/leads/${theirs.leadId}/outcome`, { kind: 'LOST', reasonCode: 'PRICE' })).status).toBe(201);
    expect((await post(s, s.tokens.ops, `/v1/leads/nobody/outcome`, { kind: 'LOST', reasonCode: 'PRICE' })).status).toBe(404);
  });

  it('bad input: field-level errors and nothing written', async () => {
    s = await startUsService(ME);
    const [lead] = await leadsFor(s, 1);
    const url = `/v1/leads/${lead!.leadId}/outcome`;
    const noCurrency = await post(s, s.tokens.ops, url, { kind: 'WON', value: 10, reasonCode: 'PRICE' });
    expect(noCurrency.status).toBe(422);
    expect(noCurrency.body).toMatchObject({ code: 'OUTCOME_INVALID', details: [{ path: '/body/currency' }] });
    const future = await post(s, s.tokens.ops, url, {
      kind: 'LOST',
      reasonCode: 'PRICE',
      closedAt: new Date(s.clock.ms + HOUR).toISOString(),
    });
    expect(future.body).toMatchObject({ code: 'OUTCOME_INVALID', details: [{ path: '/body/closedAt', message: 'in the future' }] });
    const early = await post(s, s.tokens.ops, url, { kind: 'LOST', reasonCode: 'PRICE', closedAt: '2020-01-01T00:00:00Z' });
    expect(early.body.details[0].path).toBe('/body/closedAt');
    const shape = await post(s, s.tokens.ops, url, { kind: 'MAYBE', value: -1, currency: 'USD', reasonCode: 'too dear' });
    expect(shape.status).toBe(400);
    expect(shape.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['/body/kind', '/body/reasonCode', '/body/value']);
    expect((await get(s, s.tokens.ops, `/v1/leads/${lead!.leadId}/outcomes`)).body.outcomes).toEqual([]);
    const story = await get(s, s.tokens.ops, `/v1/leads/${lead!.leadId}`);
    expect(story.body.history.some((h: { kind: string }) => h.kind === 'outcome.recorded')).toBe(false);
  });

  it('erasure keeps the outcome facts for statistics but not the note', async () => {
    s = await startUsService(ME);
    const [lead] = await leadsFor(s, 1);
    const note = 'Sam Cole, call his wife on 212 555 0199';
    const body = { kind: 'WON', value: 500, currency: 'USD', reasonCode: 'PRICE', note };
    expect((await post(s, s.tokens.ops, `/v1/leads/${lead!.leadId}/outcome`, body)).status).toBe(201);
    const erased = await post(s, s.tokens.compliance, `/v1/leads/${lead!.leadId}/erase`, { reason: 'Art. 17 request' });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.removed).toContain('notes on 1 outcome(s)');
    const [kept] = (await get(s, s.tokens.ops, `/v1/leads/${lead!.leadId}/outcomes`)).body.outcomes;
    expect(kept).toMatchObject({ kind: 'WON', value: 500, currency: 'USD', reasonCode: 'PRICE', note: null });
    expect(kept.attribution.rep).toBe(lead!.repId);
    const report = await get(s, s.tokens.ops, '/v1/metrics/outcomes?groupBy=rep');
    expect(report.body.overall).toMatchObject({ leads: 1, outcomes: 1, won: 1, wonValue: { USD: 500 } });
  });
});

describe('GET /v1/metrics/outcomes', () => {
  it('per rep: conversion with its Wilson interval and the small-sample warning; time to close; CSV of the same table', async () => {
    s = await startUsService(ME);
    const leads = await leadsFor(s, 6);
    s.clock.advance(3 * HOUR);
    const kinds = ['WON', 'LOST', 'WON', 'DISQUALIFIED', 'LOST'];
    for (const [i, kind] of kinds.entries()) {
      const value = kind === 'WON' ? { value: 100 * (i + 1), currency: 'USD' } : {};
      const res = await post(s, s.tokens.ops, `/v1/leads/${leads[i]!.leadId}/outcome`, { kind, reasonCode: 'PRICE', ...value });
      expect(res.status).toBe(201);
    }
    const report = await get(s, s.tokens.ops, '/v1/metrics/outcomes?groupBy=rep');
    expect(report.status).toBe(200);
    const byRep = new Map<string, Record<string, any>>(report.body.groups.map((g: { key: string }) => [g.key, g]));
    for (const rep of new Set(leads.map((l) => l.repId ?? '(none)'))) {
      const mine = leads.map((l, i) => ({ ...l, kind: kinds[i] })).filter((l) => (l.repId ?? '(none)') === rep);
      const outcomes = mine.filter((l) => l.kind !== undefined).length;
      const won = mine.filter((l) => l.kind === 'WON').length;
      expect(byRep.get(rep)).toMatchObject({
        leads: mine.length,
        outcomes,
        won,
        smallSample: true,
        conversion: { rate: outcomes ? won / outcomes : null, ...wilson(won, outcomes) },
      });
    }
    expect(report.body.overall).toMatchObject({ leads: 6, outcomes: 5, won: 2, wonValue: { USD: 400 } });
    expect(report.body.overall.timeToClose).toMatchObject({ count: 5, p50: 3 * HOUR, p90: 3 * HOUR });

    const csv = await s.app.inject({
      method: 'GET',
      url: '/v1/metrics/outcomes?groupBy=rep&format=csv',
      headers: { authorization: `Bearer ${s.tokens.ops}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'group,leads,outcomes,won,conversion_rate,conversion_ci95_low,conversion_ci95_high,small_sample,' +
        'first_contact_ms_p50,first_contact_ms_p90,close_ms_p50,close_ms_p90,won_value,open_value',
    );
    expect(lines).toHaveLength(report.body.groups.length + 2);
    const all = wilson(2, 5);
    expect(lines.at(-1)).toBe(`all,6,5,2,0.4,${all.low},${all.high},yes,,,${3 * HOUR},${3 * HOUR},USD 400,`);

    const byPeriod = await get(s, s.tokens.ops, '/v1/metrics/outcomes?groupBy=period');
    expect(byPeriod.body.groups.map((g: { key: string }) => g.key)).toEqual(['2026-11']);
    expect((await get(s, s.tokens.rep, '/v1/metrics/outcomes')).status).toBe(403);
    expect((await get(s, s.tokens.ops, '/v1/metrics/outcomes?groupBy=colour')).status).toBe(400);
  });
});
