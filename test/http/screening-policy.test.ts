import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { data, HAS_DATA } from '../screening/shared-data.ts';
import { auth, ukLead } from './service-harness.ts';

const dialects = await bothDialects();

/**
 * The screening disposition policy (docs/screening.md) on the real OFAC SDN and UN lists, through the real ingest path: an exact
 * listed name is held for compliance whatever its date of birth or address, and the decision and the review item
 * show the name score, each corroboration effect and the disposition.
 */
describe.skipIf(!HAS_DATA).each(dialects)(
  'screening policy on the real lists (docs/screening.md): $factory.name',
  ({ factory, run: enabled, reason }) => {
    if (!enabled) return declareUnreachable(reason);
    let s: AuditService;
    beforeAll(async () => {
      s = await startAuditService(factory);
      s.ctx.screening!.loadAll([data('ofac/sdn.csv'), data('un/UN_consolidated.xml')]);
    });
    afterAll(async () => s?.close());

    const post = (url: string, body: unknown) =>
      s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(s.tokens.integration) });
    const get = (url: string) => s.app.inject({ method: 'GET', url, headers: auth(s.tokens.compliance) });
    const lead = (firstName: string, lastName: string, email: string, dateOfBirth: string | undefined, country: string) =>
      ukLead({ person: { firstName, lastName, email, ...(dateOfBirth ? { dateOfBirth } : {}) }, address: { country } });
    type Hit = { listId: string; entryId: string; nameScore: number; disposition: string; effects: { fact: string }[] };
    const hitOn = (hits: Hit[], listId: string, entryId: string) => hits.find((h) => h.listId === listId && h.entryId === entryId);

    it('"Ayman Al Zawahiri" with a wrong DOB and a UK address is HELD, and the decision and review item say why', async () => {
      const res = (await post('/v1/leads', lead('Ayman', 'Al Zawahiri', 'a.zawahiri@example.co.uk', '1990-01-01', 'GB'))).json();
      expect(res.status).toBe('HELD');
      expect(res.decision.rep).toBeNull();
      expect(res.decision.reasons[0].code).toBe('SCREENING_POTENTIAL_MATCH');

      const screening = res.decision.constraints.screening;
      expect(screening.status).toBe('potential_match');
      expect(screening.policyHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      // The name decides; the contradicting DOB only lowered the priority (it was not allowed to clear).
      expect(hitOn(screening.hits, 'ofac-sdn', '2676')).toEqual({
        listId: 'ofac-sdn',
        entryId: '2676',
        nameScore: 1,
        priorityScore: 0.75,
        disposition: 'review',
        reasonCode: 'NAME_MATCH',
        priority: 'low',
        effects: [{ fact: 'dob', outcome: 'disagree', effect: -0.2, hard: true, mayClear: false }],
      });
      // The address country is residence, a weak signal, not a nationality mismatch.
      const un = hitOn(screening.hits, 'un-sc', '111923')!;
      expect(un).toMatchObject({ nameScore: 1, disposition: 'review', reasonCode: 'NAME_MATCH' });
      expect(un.effects.map((e) => e.fact)).toEqual(['dob', 'residence']);
      expect(un.effects[1]).toMatchObject({ outcome: 'disagree', effect: -0.01, mayClear: false });

      // The screening record carries the policy values and the same hash.
      const detail = (await get(`/v1/leads/${res.leadId}`)).json();
      const recorded = detail.history.find((e: { kind: string }) => e.kind === 'screening').data;
      expect(recorded.policy.hash).toBe(screening.policyHash);
      expect(recorded.policy.values).toMatchObject({
        reviewThreshold: 0.9,
        corroboration: { dobMismatch: -0.2, residenceMismatch: -0.01 },
        hardContradiction: { dobYearsApart: 10, mayClearLists: [] },
      });

      // The decision replays identically from its sealed audit record, screening detail included.
      await s.seal();
      const replay = (await get(`/v1/decisions/${res.decision.decisionId}/replay`)).json();
      expect(replay).toMatchObject({ identical: true, differences: [] });

      // The review item shows the lead's value next to the listed one for each fact.
      const queue = (await get('/v1/review')).json();
      const item = queue.items.find((i: { leadId: string }) => i.leadId === res.leadId);
      expect(item).toMatchObject({ kind: 'HELD', reasonCodes: ['SCREENING_POTENTIAL_MATCH'] });
      const review = (await get(`/v1/review/${item.id}`)).json();
      expect(review.decision.constraints.screening.hits).toEqual(screening.hits);
      expect(review.screening.policy.hash).toBe(screening.policyHash);
      expect(hitOn(review.screening.hits, 'ofac-sdn', '2676')).toMatchObject({
        nameScore: 1,
        disposition: 'review',
        reasonCode: 'NAME_MATCH',
        effects: [
          { fact: 'dob', leadValue: '1990-01-01', listValue: '1951-06-19', outcome: 'disagree', effect: -0.2, hard: true, mayClear: false },
        ],
      });
    });

    const cases = [
      { name: ['Ayman', 'Al Zawahiri'], dob: undefined, country: 'FR', list: 'ofac-sdn', entry: '2676', disposition: 'review' },
      { name: ['Ayman', 'Al Zawahiri'], dob: '1951-06-19', country: 'US', list: 'ofac-sdn', entry: '2676', disposition: 'escalated' },
      { name: ['Tharwat Salah', 'Shihata'], dob: '1985-02-02', country: 'DE', list: 'un-sc', entry: '111782', disposition: 'review' },
      { name: ['Ko Tae', 'Hun'], dob: '2001-05-25', country: 'FR', list: 'un-sc', entry: '6908512', disposition: 'review' },
      { name: ['Ko Tae', 'Hun'], dob: '1972-05-25', country: 'GB', list: 'ofac-sdn', entry: '18555', disposition: 'escalated' },
      { name: ['Muthanna Harith', 'Al-Dari'], dob: '1999-12-31', country: 'US', list: 'un-sc', entry: '2894441', disposition: 'review' },
    ] as const;
    it.each(cases)('$name with DOB $dob living in $country is HELD ($list $entry: $disposition)', async (c) => {
      const email = `${c.name.join('.').replace(/\W+/g, '.').toLowerCase()}.${c.dob ?? 'nodob'}@example.com`;
      const res = (await post('/v1/leads', lead(c.name[0], c.name[1], email, c.dob, c.country))).json();
      expect(res.status).toBe('HELD');
      expect(res.decision.reasons[0].code).toBe('SCREENING_POTENTIAL_MATCH');
      expect(hitOn(res.decision.constraints.screening.hits, c.list, c.entry)).toMatchObject({ disposition: c.disposition });
    });

    it('an unlisted name is not held by screening', async () => {
      const res = (await post('/v1/leads', lead('Marguerite', 'Quillfeather', 'mq@example.co.uk', '1980-04-02', 'GB'))).json();
      expect(res.decision.constraints.screening).toMatchObject({ status: 'clear', hits: [] });
      expect(res.decision.reasons.map((r: { code: string }) => r.code)).not.toContain('SCREENING_POTENTIAL_MATCH');
    });

    // Last in this block: it publishes a new org version.
    it('a list allowed to clear on a hard contradiction: that hit is on record, not disposed; the other list still holds', async () => {
      const current = s.ctx.orgs.current.config;
      const config = {
        ...current,
        screening: { ...current.screening, hardContradiction: { dobYearsApart: 10, mayClearLists: ['un-sc'] } },
      };
      const published = await s.ctx.orgs.publish(config, 'test');
      expect(published.ok).toBe(true);
      const res = (await post('/v1/leads', lead('Ayman', 'Al Zawahiri', 'ayman.z@example.co.uk', '1990-01-01', 'GB'))).json();
      expect(res.status).toBe('HELD');
      const hits = res.decision.constraints.screening.hits;
      expect(hitOn(hits, 'un-sc', '111923')).toMatchObject({ disposition: 'clear', reasonCode: 'HARD_CONTRADICTION_CLEARED' });
      expect(hitOn(hits, 'ofac-sdn', '2676')).toMatchObject({ disposition: 'review', reasonCode: 'NAME_MATCH' });
      expect(res.decision.constraints.screening.tags).not.toContain('un-sc');

      const url = `/v1/leads/${res.leadId}/screening/dispositions`;
      const headers = auth(s.tokens.compliance);
      const dispose = (dispositions: object[]) => s.app.inject({ method: 'POST', url, payload: { dispositions }, headers });
      const ofac = { listId: 'ofac-sdn', entryId: '2676', verdict: 'false_positive', reason: 'Passport seen: born 1990, not the person' };
      const un = { ...ofac, listId: 'un-sc', entryId: '111923' };
      expect((await dispose([ofac, un])).statusCode).toBe(400);
      const cleared = await dispose([ofac]);
      expect(cleared.statusCode).toBe(200);
      expect(cleared.json().screening.status).toBe('clear');
    });
  },
);
