import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import type { OrgConfig } from '../../src/domain/org/org-config.schema.ts';
import {
  classifyDiff,
  diffOrgConfigs,
  diffSummary,
  ENTITY_COLLECTIONS,
  isEmptyDiff,
  POLICY_SECTIONS,
  ROSTER_FIELDS,
  type EntityCollection,
  type OrgConfigDiff,
} from '../../src/domain/org/org-config-diff.ts';

/** The example bank's parsed config (defaults filled in, as the registry holds it): 17 teams, 49 reps, 85 grants, 19 rules. */
let bank: OrgConfig;
beforeAll(async () => {
  const loaded = await loadConfig('examples/bank');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  bank = loaded.value.org.config;
});

type Cfg = Record<string, unknown>;
const clone = (c: OrgConfig): Cfg => structuredClone(c) as unknown as Cfg;
const list = (c: Cfg, k: EntityCollection) => c[k] as Record<string, unknown>[];
const keyOf = (k: EntityCollection, e: Record<string, unknown>) => String(k === 'customFields' ? e.name : e.id);
const nonEmpty = () => ENTITY_COLLECTIONS.filter((k) => ((bank[k] ?? []) as unknown[]).length > 0);

/** Every change listed in a diff, as `collection key change` lines, plus changed sections. */
function changeLines(d: OrgConfigDiff): string[] {
  return [
    ...ENTITY_COLLECTIONS.flatMap((k) => d.entities[k].changes.map((c) => `${k} ${c.key} ${c.change}`)),
    ...ENTITY_COLLECTIONS.filter((k) => d.entities[k].reordered).map((k) => `${k} reordered`),
    ...POLICY_SECTIONS.filter((s) => d.sections[s].length > 0).map((s) => `${s} changed`),
  ];
}

describe('org config diff', () => {
  it('a config against itself (or a copy) has no change and is classified unchanged', () => {
    const d = diffOrgConfigs(bank, clone(bank));
    expect(changeLines(d)).toEqual([]);
    expect(d.label).toBeNull();
    expect(isEmptyDiff(d)).toBe(true);
    expect(classifyDiff(d)).toEqual({ kind: 'unchanged', sensitive: [] });
  });

  it('removing any one entity shows exactly that entity removed (with its before), and the reverse shows it added', () => {
    fc.assert(
      fc.property(fc.constantFrom(...nonEmpty()), fc.nat(), (k, n) => {
        const after = clone(bank);
        const items = list(after, k);
        const [removed] = items.splice(n % items.length, 1);
        const d = diffOrgConfigs(bank, after);
        expect(changeLines(d)).toEqual([`${k} ${keyOf(k, removed!)} removed`]);
        expect(d.entities[k].changes[0]).toEqual({ change: 'removed', key: keyOf(k, removed!), before: removed });
        expect(changeLines(diffOrgConfigs(after, bank))).toEqual([`${k} ${keyOf(k, removed!)} added`]);
        expect(classifyDiff(d).kind).toBe('sensitive');
      }),
      { numRuns: 60 },
    );
  });

  it('adding a copy of any entity under a new key shows exactly that entity added', () => {
    fc.assert(
      fc.property(fc.constantFrom(...nonEmpty()), fc.nat(), (k, n) => {
        const after = clone(bank);
        const items = list(after, k);
        const copy = { ...items[n % items.length]!, [k === 'customFields' ? 'name' : 'id']: 'zzNewEntity' };
        items.push(copy);
        const d = diffOrgConfigs(bank, after);
        expect(changeLines(d)).toEqual([`${k} zzNewEntity added`]);
        expect(d.entities[k].changes[0]).toEqual({ change: 'added', key: 'zzNewEntity', after: copy });
      }),
      { numRuns: 60 },
    );
  });

  it('any change to roster fields of existing reps is roster-only, field by field before → after', () => {
    const rosterEdit = fc.record({
      weight: fc.integer({ min: 1, max: 1000 }),
      status: fc.constantFrom('active', 'paused', 'inactive'),
      capacity: fc.record({ maxOpenLeads: fc.integer({ min: 1, max: 500 }) }),
      languages: fc.uniqueArray(fc.constantFrom('en', 'de', 'fr', 'ar'), { maxLength: 3 }),
      outOfOffice: fc.constant([{ from: '2026-12-24', to: '2026-12-31' }]),
    });
    fc.assert(
      fc.property(
        fc.nat(),
        fc.subarray(['weight', 'status', 'capacity', 'languages', 'outOfOffice'] as const, { minLength: 1 }),
        rosterEdit,
        (n, fields, edit) => {
          const after = clone(bank);
          const reps = list(after, 'reps');
          const rep = reps[n % reps.length]!;
          const before = { ...rep };
          for (const f of fields) rep[f] = edit[f];
          const d = diffOrgConfigs(bank, after);
          const changed = fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(edit[f]));
          const c = classifyDiff(d);
          if (changed.length === 0) {
            expect(c.kind).toBe('unchanged');
            return;
          }
          expect(c).toEqual({ kind: 'roster-only', sensitive: [] });
          expect(d.entities.reps.changes).toEqual([
            {
              change: 'changed',
              key: rep.id,
              fields: [...changed].sort().map((f) => ({ path: f, before: before[f] ?? null, after: edit[f] })),
            },
          ]);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a rep field outside the roster list (team, experience, capabilities, massMarketOnly, territory) is sensitive', () => {
    const outside = {
      team: 'uk-hnw',
      experience: 'expert',
      capabilities: ['senior_approval'],
      massMarketOnly: true,
      territory: { jurisdictions: ['GB'], postalPrefixes: [], timeZones: [] },
    };
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...(Object.keys(outside) as (keyof typeof outside)[])), (n, field) => {
        const after = clone(bank);
        const rep = list(after, 'reps')[n % bank.reps.length]!;
        if (JSON.stringify(rep[field]) === JSON.stringify(outside[field])) return;
        rep[field] = outside[field];
        rep.weight = 7; // a roster edit alongside does not make it roster-only
        const c = classifyDiff(diffOrgConfigs(bank, after));
        expect(c.kind).toBe('sensitive');
        expect(c.sensitive).toEqual([`reps ${String(rep.id)} changed: ${field}`]);
      }),
      { numRuns: 40 },
    );
  });

  it('the roster list is exactly the documented one', () => {
    expect(ROSTER_FIELDS).toEqual({
      reps: ['name', 'email', 'timeZone', 'workingHours', 'outOfOffice', 'status', 'capacity', 'weight', 'skills', 'languages'],
      teams: ['name', 'calendar'],
      pools: ['name', 'description', 'members'],
    });
  });

  it('pool membership is a roster edit; a new or removed pool, and the roster policy section, are sensitive', () => {
    const withPools = (pools: unknown[]) => ({ ...bank, pools }) as unknown as Cfg;
    const open = withPools([{ id: 'p1', name: 'P1' }]);
    const closed = withPools([{ id: 'p1', name: 'P1', members: [{ rep: bank.reps[0]!.id, weight: 2 }] }]);
    expect(classifyDiff(diffOrgConfigs(open, closed))).toEqual({ kind: 'roster-only', sensitive: [] });
    expect(classifyDiff(diffOrgConfigs(open, withPools([])))).toEqual({ kind: 'sensitive', sensitive: ['pools p1 removed'] });
    expect(
      classifyDiff(diffOrgConfigs(bank as unknown as Cfg, { ...bank, roster: { autoAwayAfterMinutes: 15 } } as unknown as Cfg)),
    ).toEqual({
      kind: 'sensitive',
      sensitive: ['roster changed'],
    });
  });

  it('licence, appointment, product, rule and firm changes, rule order and every policy section are sensitive', () => {
    const cases: [string, (c: Cfg) => void, string][] = [
      ['licence validTo', (c) => (list(c, 'licences')[0]!.validTo = '2027-01-01'), `licences ${bank.licences[0]!.id} changed: validTo`],
      [
        'appointment status',
        (c) => (list(c, 'appointments')[0]!.status = 'suspended'),
        `appointments ${bank.appointments[0]!.id} changed: status`,
      ],
      ['product', (c) => (list(c, 'products')[0]!.massMarket = false), `products ${bank.products[0]!.id} changed: massMarket`],
      ['rule order', (c) => list(c, 'rules').reverse(), 'rules reordered'],
      ['firm name', (c) => ((c.firm as Cfg).name = 'Other'), 'firm changed'],
      ['suitability', (c) => ((c.suitability as Cfg).classificationEvidenceValidityMonths = 6), 'suitability changed'],
      ['access', (c) => (c.access = { makerChecker: { approverRoles: ['admin'], rosterEditsSinglePerson: true } }), 'access changed'],
      ['conduct', (c) => (c.conduct = { factBackdatingHours: 72 }), 'conduct changed'],
    ];
    for (const [what, edit, reason] of cases) {
      const after = clone(bank);
      edit(after);
      const c = classifyDiff(diffOrgConfigs(bank, after));
      expect(c.kind, what).toBe('sensitive');
      expect(c.sensitive, what).toContain(reason);
    }
  });

  it('a policy section shows its leaf fields before → after; a new label alone is no change', () => {
    const after = clone(bank);
    (after.suitability as { electiveProfessional: Cfg }).electiveProfessional.minCriteria = 3;
    after.version = 'bank-v9';
    const d = diffOrgConfigs(bank, after);
    expect(d.sections.suitability).toEqual([{ path: 'electiveProfessional.minCriteria', before: 2, after: 3 }]);
    expect(d.label).toEqual({ before: bank.version ?? null, after: 'bank-v9' });
    expect(diffSummary(d)).toEqual({ suitability: 1 });
    const relabelled = clone(bank);
    relabelled.version = 'bank-v9';
    expect(classifyDiff(diffOrgConfigs(bank, relabelled)).kind).toBe('unchanged');
  });
});
