import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

let s: TestService;
beforeAll(async () => {
  // A webhook subscription below targets loopback, which needs the allow-list (W15).
  s = await startTestService({ webhookAllow: ['127.0.0.1'] });
});
afterAll(async () => s.close());

const post = (url: string, body: unknown, token: string, headers: Record<string, string> = {}) =>
  s.app.inject({ method: 'POST', url, payload: body as object, headers: { ...auth(token), ...headers } });
const get = (url: string, token: string) => s.app.inject({ method: 'GET', url, headers: auth(token) });
const leadCount = async () => (await s.store.leads.list()).length;

describe('POST /v1/leads — the pipeline', () => {
  it('normalises, routes and records a lead, answering with the decision', async () => {
    const res = await post(
      '/v1/leads',
      ukLead({ person: { firstName: '  Ann ', lastName: 'Lee', email: ' Ann.Lee@Example.CO.UK ', phone: '020 7946 0018' } }),
      s.tokens.integration,
    );
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.status).toBe('ASSIGNED');
    expect(body.decision.outcome).toBe('ASSIGNED');
    expect(body.decision.constraints.jurisdiction).toBe('GB');
    const detail = (await get(`/v1/leads/${body.leadId}`, s.tokens.ops)).json();
    expect(detail.contact).toMatchObject({ firstName: 'Ann', email: 'ann.lee@example.co.uk', phoneE164: '+442079460018' });
    expect(detail.decision.decisionId).toBe(body.decision.decisionId);
    expect(detail.history.map((e: { kind: string }) => e.kind)).toEqual(['intake', 'screening', 'decision']);
    // The raw payload is kept exactly as received.
    const personal = await s.store.personalData.get(body.leadId);
    expect(JSON.parse(personal!.rawJson).person.email).toBe(' Ann.Lee@Example.CO.UK ');
  });

  // Lane alloc: the answer is sent as UTF-8 bytes of its JSON.stringify text, with the content type Fastify gives a
  // serialised object, on the first answer and on an idempotent replay alike.
  it('answers with the JSON text of the answer object, as UTF-8, typed application/json; charset=utf-8', async () => {
    const lead = ukLead({ person: { firstName: 'Zoë', lastName: 'Ångström', email: 'zoe.angstrom@example.co.uk' } });
    const first = await post('/v1/leads', lead, s.tokens.integration, { 'idempotency-key': 'alloc-bytes-1' });
    const replay = await post('/v1/leads', lead, s.tokens.integration, { 'idempotency-key': 'alloc-bytes-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    for (const res of [first, replay]) {
      expect(res.statusCode).toBe(201);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['content-length']).toBe(String(res.rawPayload.length));
      expect(res.rawPayload.equals(Buffer.from(JSON.stringify(res.json()), 'utf8'))).toBe(true);
    }
    expect(replay.body).toBe(first.body);
  });

  it.each([
    [
      'wrong types',
      { ...ukLead(), dealValue: 'lots', person: { firstName: 1, lastName: 'X', email: 'x@y.com' } },
      422,
      'LEAD_INVALID',
      ['/body/dealValue', '/body/person/firstName'],
    ],
    ['unknown country', ukLead({ address: { country: 'Atlantis' } }), 422, 'LEAD_INVALID', ['/body/address/country']],
    ['invalid phone', ukLead({ person: { firstName: 'A', lastName: 'B', phone: '+44 123' } }), 422, 'LEAD_INVALID', ['/body/person/phone']],
    ['no email nor phone', ukLead({ person: { firstName: 'A', lastName: 'B' } }), 422, 'LEAD_INVALID', ['/body/person']],
    ['unknown product', ukLead({ product: 'moon-bonds' }), 422, 'LEAD_INVALID', ['/body/product']],
    ['unknown field', { ...ukLead(), colour: 'red' }, 422, 'LEAD_INVALID', ['/body/colour']],
  ])('rejects %s with field-level errors and stores nothing', async (_name, body, status, code, paths) => {
    const before = await leadCount();
    const res = await post('/v1/leads', body, s.tokens.integration);
    expect(res.statusCode).toBe(status);
    const err = res.json();
    expect(err.code).toBe(code);
    for (const p of paths) expect(err.details.map((d: { path: string }) => d.path)).toContain(p);
    expect(await leadCount()).toBe(before);
  });

  it('rejects malformed JSON (400), an oversize body (413) and a non-JSON content type (415)', async () => {
    const before = await leadCount();
    const malformed = await s.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: '{"source": ',
      headers: { ...auth(s.tokens.integration), 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('INPUT_UNREADABLE');
    const huge = await post('/v1/leads', ukLead({ custom: { notes: 'x'.repeat(300_000) } }), s.tokens.integration);
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('PAYLOAD_TOO_LARGE');
    const text = await s.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: 'hello',
      headers: { ...auth(s.tokens.integration), 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(415);
    expect(await leadCount()).toBe(before);
  });

  it('Idempotency-Key: a retry returns the same answer and creates nothing; another body under the key is refused', async () => {
    const body = ukLead({ person: { firstName: 'Idem', lastName: 'Potent', email: 'idem@example.org' } });
    const first = await post('/v1/leads', body, s.tokens.integration, { 'idempotency-key': 'form-123' });
    const before = await leadCount();
    const retry = await post('/v1/leads', body, s.tokens.integration, { 'idempotency-key': 'form-123' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    expect(await leadCount()).toBe(before);
    const other = await post('/v1/leads', { ...body, dealValue: 5 }, s.tokens.integration, { 'idempotency-key': 'form-123' });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('dedupes against open leads: linked to the original, not routed twice, owner notified', async () => {
    const sub = await post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['lead.duplicate'] }, s.tokens.admin);
    expect(sub.statusCode).toBe(201);
    const original = (
      await post(
        '/v1/leads',
        ukLead({ person: { firstName: 'Dee', lastName: 'Dupe', email: 'dee.dupe@example.org' } }),
        s.tokens.integration,
      )
    ).json();
    const dup = await post(
      '/v1/leads',
      ukLead({ person: { firstName: 'Dee', lastName: 'Dupe', email: 'DEE.DUPE@example.org', phone: '+44 7911 123456' } }),
      s.tokens.integration,
    );
    expect(dup.statusCode).toBe(201);
    expect(dup.json()).toMatchObject({ status: 'DUPLICATE', duplicateOf: original.leadId, decision: null });
    expect((await s.store.decisions.listForLead(dup.json().leadId)).length).toBe(0);
    const deliveries = await s.store.outbox.listDeliveries({ limit: 100 });
    const notice = deliveries.find((d) => d.eventType === 'lead.duplicate' && JSON.parse(d.payloadJson).data.leadId === dup.json().leadId);
    expect(JSON.parse(notice!.payloadJson).data).toMatchObject({ duplicateOf: original.leadId, ownerRep: original.decision.rep.id });
  });

  it('batch: each lead answered in order, bad ones with their errors', async () => {
    const res = await post(
      '/v1/leads:batch',
      {
        leads: [
          ukLead({ person: { firstName: 'B1', lastName: 'X', email: 'b1@example.org' } }),
          { source: 'x' },
          // Another jurisdiction: each item is normalised from its own payload (and its own parse), not a neighbour's.
          ukLead({ address: { country: 'BR' }, person: { firstName: 'B3', lastName: 'X', email: 'b3@example.com.br' } }),
        ],
      },
      s.tokens.integration,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, true]);
    expect(body.results[1].error.code).toBe('LEAD_INVALID');
    expect(body.results[0].status).not.toBe('REFUSED');
    expect(body.results[2]).toMatchObject({ status: 'REFUSED', decision: { reasons: [{ code: 'JURISDICTION_NOT_LICENSED' }] } });
  });
});

describe('review queue — four eyes', () => {
  it('refused leads wait for compliance; an ineligible assignment needs a justification and is flagged', async () => {
    const refused = (
      await post(
        '/v1/leads',
        ukLead({ address: { country: 'BR' }, person: { firstName: 'Rui', lastName: 'Costa', email: 'rui@example.com.br' } }),
        s.tokens.integration,
      )
    ).json();
    expect(refused.status).toBe('REFUSED');
    expect(refused.decision.reasons[0].code).toBe('JURISDICTION_NOT_LICENSED');
    const queue = (await get('/v1/review', s.tokens.compliance)).json();
    const item = queue.items.find((i: { leadId: string }) => i.leadId === refused.leadId);
    expect(item).toMatchObject({ kind: 'REFUSED', reasonCodes: ['JURISDICTION_NOT_LICENSED'], requestedBy: 'system' });
    const org = s.ctx.orgs.current;
    const rep = [...org.repsById.values()].find((r) => r.teamId === org.teams[0]!.id)!;
    const noWhy = await post(`/v1/review/${item.id}/approve`, { teamId: rep.teamId, repId: rep.id }, s.tokens.compliance);
    expect(noWhy.statusCode).toBe(422);
    expect(noWhy.json().code).toBe('JUSTIFICATION_REQUIRED');
    expect(noWhy.json().details[0].message).toMatch(/^JURISDICTION_NOT_LICENSED/);
    const approved = await post(
      `/v1/review/${item.id}/approve`,
      { teamId: rep.teamId, repId: rep.id, justification: 'Existing client relocating; legal confirmed reverse solicitation.' },
      s.tokens.compliance,
    );
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ override: true, review: { status: 'APPROVED' }, eligibility: { eligible: false } });
    const lead = (await get(`/v1/leads/${refused.leadId}`, s.tokens.ops)).json();
    expect(lead).toMatchObject({ status: 'ASSIGNED', repId: rep.id });
    expect(lead.history.map((e: { kind: string }) => e.kind)).toEqual([
      'intake',
      'screening',
      'decision',
      'review.requested',
      'review.approved',
    ]);
    const again = await post(`/v1/review/${item.id}/reject`, { reason: 'too late' }, s.tokens.compliance2);
    expect(again.statusCode).toBe(409);
  });

  it('the requester of an exception may not approve it', async () => {
    const lead = (
      await post('/v1/leads', ukLead({ person: { firstName: 'Ex', lastName: 'Ception', email: 'ex@example.org' } }), s.tokens.integration)
    ).json();
    const requested = await post(
      `/v1/leads/${lead.leadId}/exceptions`,
      { reason: 'Client asked for the Leeds office' },
      s.tokens.compliance,
    );
    expect(requested.statusCode).toBe(201);
    const reviewId = requested.json().review.id;
    const self = await post(
      `/v1/review/${reviewId}/approve`,
      { teamId: lead.decision.team.id, repId: lead.decision.rep.id },
      s.tokens.compliance,
    );
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('FOUR_EYES_VIOLATION');
    const other = await post(`/v1/review/${reviewId}/reject`, { reason: 'Current assignment is correct' }, s.tokens.compliance2);
    expect(other.statusCode).toBe(200);
    expect(other.json().review).toMatchObject({ status: 'REJECTED' });
  });
});

describe('keys, org versions, OpenAPI', () => {
  it('creates a key shown once, which works until revoked', async () => {
    const created = await post('/v1/keys', { name: 'crm', role: 'integration' }, s.tokens.admin);
    expect(created.statusCode).toBe(201);
    const { token, key } = created.json();
    expect(token).toMatch(/^remit_/);
    const list = (await get('/v1/keys', s.tokens.admin)).json();
    expect(JSON.stringify(list)).not.toContain(token);
    expect(
      (await post('/v1/leads', ukLead({ person: { firstName: 'K', lastName: 'Ey', email: 'k@example.org' } }), token)).statusCode,
    ).toBe(201);
    expect((await s.app.inject({ method: 'DELETE', url: `/v1/keys/${key.id}`, headers: auth(s.tokens.admin) })).statusCode).toBe(204);
    const after = await post('/v1/leads', ukLead({ person: { firstName: 'K', lastName: 'Ey2', email: 'k2@example.org' } }), token);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('UNAUTHENTICATED');
  });

  it('publishing an org version validates everything and records who and when', async () => {
    const current = (await get('/v1/org', s.tokens.admin)).json();
    const bad = { ...current.config, reps: [{ ...current.config.reps[0], team: 'nowhere' }] };
    const rejected = await post('/v1/org/versions', bad, s.tokens.admin);
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json().code).toBe('CONFIG_INVALID');
    expect(rejected.json().details).toContainEqual({ path: 'reps[0].team', message: 'unknown team "nowhere"' });
    const changed = {
      ...current.config,
      version: 'bank-v2',
      reps: current.config.reps.map((r: { weight: number }, i: number) => (i === 0 ? { ...r, weight: 3 } : r)),
    };
    s.clock.advance(60_000);
    const published = await post('/v1/org/versions', changed, s.tokens.admin);
    expect(published.statusCode).toBe(201);
    expect(published.json()).toMatchObject({ version: 'bank-v2', created: true, previousHash: current.hash });
    const versions = (await get('/v1/org/versions', s.tokens.compliance)).json();
    expect(versions.current).toBe(published.json().hash);
    expect(versions.versions.at(-1)).toMatchObject({
      hash: published.json().hash,
      createdBy: expect.stringMatching(/^usr-/),
      createdAt: '2026-11-24T11:01:00.000Z',
    });
    expect((await post('/v1/org/versions', changed, s.tokens.ops)).statusCode).toBe(403);
  });

  it('serves the OpenAPI document and docs generated from the zod schemas', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/leads',
        '/v1/leads:batch',
        '/v1/leads/{id}',
        '/v1/review',
        '/v1/review/{id}/approve',
        '/v1/keys',
        '/v1/org/versions',
        '/v1/webhooks',
      ]),
    );
    expect(doc.paths['/v1/leads'].post.requestBody.content['application/json'].schema.properties.person).toBeDefined();
    expect(doc.paths['/v1/leads'].post.responses['422']).toBeDefined();
    const docs = await s.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
