import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { screenIntake, type ScreeningSubject } from '../../src/app/intake/screen-intake.ts';
import { leadKeyHashes, type ScreenedNames } from '../../src/app/screening/screening-name-keys.ts';
import { DEFAULT_SCREENING_POLICY } from '../../src/domain/org/screening-policy.schema.ts';
import type { EntityIdentifier, EntityKind, ScreeningEntity } from '../../src/screening/screening-entity.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import {
  deltaCandidates,
  entryIdentifierHashes,
  entryLookupPlans,
  hashesToRead,
  planHashes,
} from '../../src/screening/stored-name-keys.ts';

/**
 * docs/screening.md "Delta re-screening" (issue 19 item 3), over random leads and list entries sharing identifiers from
 * small pools: every lead that intake screening would hold for an identifier of a delta entry (a decisive identifier
 * agreeing) is among the delta's candidates, computed from the keys intake stores (leadKeyHashes) and the store's
 * answers (counts, postings) exactly as the use case reads them; and the identifier path names no lead whose numbers
 * all differ (a sister ship).
 */

const shipImo = (six: string) => {
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(six[i]) * (7 - i);
  return `${six}${sum % 10}`;
};
const companyImo = (six: string) => {
  const w = [8, 6, 4, 2, 9, 7];
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(six[i]) * w[i]!;
  return `${six}${(11 - (sum % 11)) % 10}`;
};
/** 1790183 is valid in both schemes: as a ship's number and as a company's it must never compare. */
const SHIP_IMOS = ['9187629', '9187631', '1790183', shipImo('923456'), shipImo('800001')];
const COMPANY_IMOS = ['5571322', '1790183', companyImo('543435'), companyImo('600012')];
const MMSIS = ['572469210', '572469211', '636012345'];
const LEIS = ['529900T8BM49AURSDO55', '5493001KJTIIGC8Y1R12', '213800D1EI4B9WTWWD28'];
const CALL_SIGNS = ['UBCD7', 'T2EU4'];
const REGISTRATIONS = ['SC123456', '08234561'];
const NAMES = ['Sea Lark', 'Crimson Halyard', 'Blue Meadow Trading', 'Obsidian Petrel Holdings', 'Ann Lee', 'Northwind Rope Works'];

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const vesselArb = fc.record({
  name: maybe(fc.constantFrom(...NAMES)),
  imo: maybe(fc.constantFrom(...SHIP_IMOS)),
  mmsi: maybe(fc.constantFrom(...MMSIS)),
  callSign: maybe(fc.constantFrom(...CALL_SIGNS)),
});
const companyArb = fc.record({
  name: maybe(fc.constantFrom(...NAMES)),
  lei: maybe(fc.constantFrom(...LEIS)),
  imoCompanyNumber: maybe(fc.constantFrom(...COMPANY_IMOS)),
  registrationNumber: maybe(fc.constantFrom(...REGISTRATIONS)),
});
const leadArb = fc.record({
  fullName: maybe(fc.constantFrom(...NAMES)),
  company: fc.option(companyArb, { nil: null }),
  vessel: fc.option(vesselArb, { nil: null }),
});

/** Identifiers as lists publish them: various labels and spellings, strong or not. */
const identifierArb: fc.Arbitrary<EntityIdentifier> = fc.oneof(
  fc.constantFrom(...SHIP_IMOS).map((v) => ({ type: 'IMO', value: v })),
  fc.constantFrom(...SHIP_IMOS).map((v) => ({ type: 'Vessel Registration Identification', value: `IMO ${v}` })),
  fc.constantFrom(...COMPANY_IMOS).map((v) => ({ type: 'IMO Company Number', value: v })),
  fc.constantFrom(...COMPANY_IMOS).map((v) => ({ type: 'Company Number IMO', value: v })),
  fc.constantFrom(...MMSIS).map((v) => ({ type: 'MMSI', value: v })),
  fc.constantFrom(...LEIS).map((v) => ({ type: 'leiCode', value: v.toLowerCase() })),
  fc.constantFrom(...CALL_SIGNS).map((v) => ({ type: 'Call Sign', value: v })),
  fc.constantFrom(...REGISTRATIONS).map((v) => ({ type: 'Registration Number', value: v })),
);
const KINDS: EntityKind[] = ['vessel', 'organisation', 'person', 'unknown'];
const entryArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  name: fc.constantFrom('Zephyrine Quarry', 'Vantablack Consortium', 'Juniper Sextant', ...NAMES),
  identifiers: fc.array(identifierArb, { minLength: 0, maxLength: 3 }),
});

function entities(raw: readonly { kind: EntityKind; name: string; identifiers: EntityIdentifier[] }[]): ScreeningEntity[] {
  return raw.map((r, i) => ({
    listId: 'delta',
    entryId: `E${i}`,
    kind: r.kind,
    names: [{ value: r.name, type: 'primary' }],
    dobs: [],
    birthPlaces: [],
    nationalities: [],
    countries: [],
    identifiers: r.identifiers,
    programs: [],
    topics: ['sanction'],
    isSanctioned: true,
    isPep: false,
    source: { file: 'delta.jsonl', line: i + 1 },
  }));
}

/** What the store answers for the leads' stored keys: counts per hash, and the leads holding each hash read. */
function storeOf(leads: readonly ScreenedNames[]) {
  const postings = new Map<number, string[]>();
  leads.forEach((l, i) => {
    for (const h of new Set(leadKeyHashes(l))) postings.set(h, [...(postings.get(h) ?? []), `L${i}`]);
  });
  return { counts: new Map([...postings].map(([h, ls]) => [h, ls.length])), postings };
}

/** The use case's candidate search (delta-rescreen.use-case.ts candidateLeads) over the in-memory store. */
function candidatesFor(leads: readonly ScreenedNames[], entries: readonly ScreeningEntity[], withNames = true): string[] {
  const { counts, postings } = storeOf(leads);
  const plans = withNames ? entryLookupPlans(entries) : [];
  const ids = entryIdentifierHashes(entries);
  const read = new Set([...hashesToRead(plans, counts), ...ids]);
  expect(hashesToRead(plans, counts).every((h) => planHashes(plans).includes(h))).toBe(true);
  const answered = new Map([...postings].filter(([h]) => read.has(h)));
  return deltaCandidates(plans, ids, counts, answered);
}

const policies = [DEFAULT_SCREENING_POLICY, { ...DEFAULT_SCREENING_POLICY, screenCompanies: false }];

describe('delta candidates by identifier (docs/screening.md "Delta re-screening")', () => {
  it('every lead intake screening would hold for a delta entry by an equal identifier is a candidate', () => {
    let held = 0;
    fc.assert(
      fc.property(fc.array(leadArb, { minLength: 1, maxLength: 8 }), fc.array(entryArb, { minLength: 1, maxLength: 6 }), (leads, raw) => {
        const entries = entities(raw);
        const svc = new ScreeningService({ now: () => new Date('2026-12-06T00:00:00Z') });
        svc.apply({
          add: [
            {
              version: {
                listId: 'delta',
                sourceType: 'ftm-jsonl',
                files: [],
                sha256: '0'.repeat(64),
                entryCount: entries.length,
                loadedAt: '',
              },
              entities: entries,
            },
          ],
        });
        const candidates = new Set(candidatesFor(leads, entries));
        leads.forEach((lead, i) => {
          const subject: ScreeningSubject = {
            contact: { fullName: lead.fullName },
            address: {},
            company: lead.company,
            vessel: lead.vessel,
          };
          for (const policy of policies) {
            const byIdentifier = screenIntake(svc, subject, policy).hits.filter(
              (h) => h.isMatch && h.corroboration.some((f) => f.decisive && f.outcome === 'agree'),
            );
            if (byIdentifier.length === 0) continue;
            held++;
            expect(candidates, `lead ${i} held by ${byIdentifier.map((h) => h.entryId).join(', ')}`).toContain(`L${i}`);
          }
        });
      }),
      { numRuns: 300 },
    );
    expect(held).toBeGreaterThan(50); // not vacuous: identifiers from small pools meet often
  });

  it('by identifier alone, the candidates are exactly the leads sharing a decisive number of the same scheme with an entry', () => {
    const decisive = (ids: readonly EntityIdentifier[]) =>
      ids.flatMap((i) => {
        const t = i.type.toLowerCase();
        const v = i.value.toUpperCase().replace(/^IMO\s*/, '');
        if (t.includes('company')) return [`imo_company:${v}`];
        if (t.includes('imo') || t.includes('vessel registration')) return [`imo:${v}`];
        if (t === 'mmsi') return [`mmsi:${v}`];
        if (t === 'leicode') return [`lei:${v}`];
        return []; // call signs and registration numbers corroborate only
      });
    const held = (l: ScreenedNames) => [
      ...(l.vessel?.imo ? [`imo:${l.vessel.imo}`] : []),
      ...(l.vessel?.mmsi ? [`mmsi:${l.vessel.mmsi}`] : []),
      ...(l.company?.lei ? [`lei:${l.company.lei}`] : []),
      ...(l.company?.imoCompanyNumber ? [`imo_company:${l.company.imoCompanyNumber}`] : []),
    ];
    fc.assert(
      fc.property(fc.array(leadArb, { minLength: 1, maxLength: 8 }), fc.array(entryArb, { minLength: 1, maxLength: 6 }), (leads, raw) => {
        const entries = entities(raw);
        const listed = new Set(entries.flatMap((e) => decisive(e.identifiers)));
        const expected = leads.flatMap((l, i) => (held(l).some((k) => listed.has(k)) ? [`L${i}`] : [])).sort();
        expect(candidatesFor(leads, entries, false)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
