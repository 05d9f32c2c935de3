import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { auth, DEFAULT_TEST_LISTS, startTestService, ukLead, type TestService } from './service-harness.ts';

/**
 * Vessels and company identifiers on leads (docs/intake.md "Vessels and company identifiers", docs/screening.md
 * "Vessels and identifiers"), over HTTP on SQLite and PostgreSQL: a listed ship under a new name is found by its IMO
 * number, a sister ship (similar name, its own IMO number) is not, and bad numbers are field errors.
 */
const dir = mkdtempSync(join(tmpdir(), 'remit-vessels-'));
const vessels = join(dir, 'vessels.ftm.jsonl');
writeFileSync(
  vessels,
  [
    {
      id: 'TEST-VES-1',
      schema: 'Vessel',
      properties: { name: ['Nordic Albatross'], imoNumber: ['9187629'], flag: ['pa'], topics: ['sanction'] },
    },
    {
      id: 'TEST-CO-1',
      schema: 'Company',
      properties: { name: ['Zephyrine Bulk Carriers Ltd'], leiCode: ['529900T8BM49AURSDO55'], topics: ['sanction'] },
    },
    {
      // FtM imoNumber on a Company: its IMO company number (listed-imo-numbers.ts)
      id: 'TEST-CO-2',
      schema: 'Company',
      properties: { name: ['Halcyon Maritime Management Ltd'], imoNumber: ['5571322'], topics: ['sanction'] },
    },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n'),
);

const dialects = await bothDialects();

describe.each(dialects)('vessels and company identifiers on leads: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let h: StoreHarness;
  let s: TestService;
  beforeAll(async () => {
    h = await factory.create();
    s = await startTestService({
      url: h.url,
      ...(h.schema ? { schema: h.schema } : {}),
      lists: [...DEFAULT_TEST_LISTS, `ftm-jsonl:${vessels}`],
    });
  });
  afterAll(async () => {
    await s.close();
    await h.cleanup();
  });
  const post = (body: unknown) =>
    s.app.inject({ method: 'POST', url: '/v1/leads', payload: body as object, headers: auth(s.tokens.integration) });
  const screeningOf = async (leadId: string) => {
    const lead = (await s.app.inject({ method: 'GET', url: `/v1/leads/${leadId}`, headers: auth(s.tokens.compliance) })).json();
    return lead.history.find((e: { kind: string }) => e.kind === 'screening').data as {
      status: string;
      hits: { listId: string; entryId: string; disposition: { kind: string; reasonCode: string } }[];
    };
  };
  const person = (n: number) => ({ firstName: 'Ann', lastName: 'Lee', email: `ann.lee${n}@example.co.uk` });

  it('a listed ship under a new name is held by its IMO number (IDENTIFIER_MATCH)', async () => {
    const res = await post(ukLead({ person: person(1), vessel: { name: 'Sea Lark', imo: 'IMO 9187629', formerNames: ['Arctic Tern'] } }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('HELD');
    const screening = await screeningOf(res.json().leadId);
    expect(screening.status).toBe('potential_match');
    expect(screening.hits[0]).toMatchObject({ entryId: 'TEST-VES-1', disposition: { reasonCode: 'IDENTIFIER_MATCH' } });
  });

  it('a sister ship with a similar name and its own IMO number is not held', async () => {
    const res = await post(ukLead({ person: person(2), vessel: { name: 'Nordic Albatross', imo: '9187631', flag: 'Malta' } }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).not.toBe('HELD');
    const screening = await screeningOf(res.json().leadId);
    expect(screening.status).toBe('clear');
    // The near-identical name is on record, cleared by the different hull number.
    expect(screening.hits).toMatchObject([
      { entryId: 'TEST-VES-1', disposition: { kind: 'clear', reasonCode: 'HARD_CONTRADICTION_CLEARED' } },
    ]);
  });

  it("a company's LEI equal to a listed one holds the lead whatever the company's name", async () => {
    const res = await post(ukLead({ person: person(3), company: { name: 'Blue Meadow Trading', lei: '529900t8bm49aursdo55' } }));
    expect(res.statusCode, res.body).toBe(201);
    const screening = await screeningOf(res.json().leadId);
    expect(screening.hits[0]).toMatchObject({ entryId: 'TEST-CO-1', disposition: { reasonCode: 'IDENTIFIER_MATCH' } });
  });

  it("a company's IMO company number equal to a listed one holds the lead whatever its name; another number does not", async () => {
    const res = await post(
      ukLead({ person: person(5), company: { name: 'Northwind Rope Works', imoCompanyNumber: 'IMO company 5571322' } }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('HELD');
    const screening = await screeningOf(res.json().leadId);
    expect(screening.hits[0]).toMatchObject({ entryId: 'TEST-CO-2', disposition: { reasonCode: 'IDENTIFIER_MATCH' } });
    const other = await post(ukLead({ person: person(6), company: { name: 'Larkspur Freight Agency', imoCompanyNumber: '5878589' } }));
    expect(other.statusCode, other.body).toBe(201);
    expect((await screeningOf(other.json().leadId)).hits.map((h) => h.entryId)).not.toContain('TEST-CO-2');
  });

  it('a bad IMO check digit, an MMSI that is not nine digits and a bad LEI are field errors (LEAD_INVALID)', async () => {
    const res = await post(
      ukLead({ person: person(4), vessel: { name: 'Sea Lark', imo: '9187628', mmsi: '12345' }, company: { lei: '529900T8BM49AURSDO56' } }),
    );
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.code).toBe('LEAD_INVALID');
    expect(body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      '/body/company/lei',
      '/body/vessel/imo',
      '/body/vessel/mmsi',
    ]);
    // nothing was stored: a mistyped number would match nothing and silently weaken screening
    expect(body.details.find((d: { path: string }) => d.path === '/body/vessel/imo').message).toContain('check digit');
  });
});
