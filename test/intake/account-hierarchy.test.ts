import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountOwner, buildAccountIndex, matchAccount, type ImportedAccount } from '../../src/app/intake/account-match.ts';
import { compareNames } from '../../src/screening/index.ts';
import { normaliseOk, payload } from './intake-fixtures.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };

/** A group, an owned regional holding, an unowned subsidiary under it, and an unowned one straight under the group. */
const ACCOUNTS: ImportedAccount[] = [
  { id: 'grp', name: 'Globex Group', domains: ['globex.com'], ownerRep: 'rep-global' },
  { id: 'emea', name: 'Globex EMEA Holdings', domains: [], ownerRep: 'rep-emea', parentId: 'grp' },
  { id: 'uk', name: 'Globex UK', domains: ['globex.co.uk'], parentId: 'emea' },
  { id: 'us', name: 'Globex Americas Inc', domains: ['globex.us'], parentId: 'grp' },
  { id: 'solo', name: 'Solo Ltd', domains: ['solo.io'], parentId: 'missing' },
  { id: 'loop-a', name: 'Loop A', domains: ['loop-a.io'], parentId: 'loop-b' },
  { id: 'loop-b', name: 'Loop B', domains: [], parentId: 'loop-a' },
];
const index = buildAccountIndex(ACCOUNTS);
const byId = (id: string) => ACCOUNTS.find((a) => a.id === id)!;

describe('account hierarchies (docs/intake.md "Account hierarchies")', () => {
  it('an unowned account routes to its nearest owned ancestor, naming it; an owned one to its own owner', () => {
    expect(accountOwner(index, byId('uk'))).toEqual({ ownerRep: 'rep-emea', from: 'emea' });
    expect(accountOwner(index, byId('us'))).toEqual({ ownerRep: 'rep-global', from: 'grp' });
    expect(accountOwner(index, byId('emea'))).toEqual({ ownerRep: 'rep-emea' });
    expect(accountOwner(index, byId('grp'))).toEqual({ ownerRep: 'rep-global' });
  });
  it('a missing parent or a loop ends the walk without an owner', () => {
    expect(accountOwner(index, byId('solo'))).toBeNull();
    expect(accountOwner(index, byId('loop-a'))).toBeNull();
  });
  it('a match carries the resolved owner', () => {
    const m = matchAccount(index, normaliseOk(payload({}, { email: 'jo@globex.co.uk' })));
    expect(m).toMatchObject({ account: { id: 'uk' }, matchedBy: 'domain', score: 1, owner: { ownerRep: 'rep-emea', from: 'emea' } });
  });
});

describe('fuzzy company-name matching', () => {
  const names = fc.constantFrom(
    'Stark Industries',
    'Stark Indstries Inc',
    'Globex Corporation',
    'Globex Corp',
    'Acme Ltd',
    'ACME Limited',
    'Acme Bank plc',
    'Wayne Enterprises',
    'Initech GmbH',
    'Initrode',
  );
  const noisy = fc.oneof(names, fc.string({ minLength: 1, maxLength: 20 }));
  it('the name score is symmetric', () => {
    fc.assert(
      fc.property(noisy, noisy, (a, b) => {
        expect(compareNames('Company', a, b).score).toBeCloseTo(compareNames('Company', b, a).score, 12);
      }),
      RUNS,
    );
  });
  it('a fuzzy match respects the threshold: its score reaches it, and a higher threshold never adds a match', () => {
    const accounts = [
      { id: 'stark', name: 'Stark Industries', domains: [] },
      { id: 'globex', name: 'Globex Corporation', domains: [] },
      { id: 'acme', name: 'Acme Bank plc', domains: [] },
    ];
    const idx = buildAccountIndex(accounts);
    fc.assert(
      fc.property(names, fc.double({ min: 0.5, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), (name, t, bump) => {
        const subject = normaliseOk(payload({ company: { name } }, { email: 'x@gmail.com' }));
        const low = matchAccount(idx, subject, { fuzzyThreshold: t });
        const high = matchAccount(idx, subject, { fuzzyThreshold: Math.min(1, t + bump) });
        if (low?.matchedBy === 'company_fuzzy') expect(low.score).toBeGreaterThanOrEqual(t);
        if (high !== null) expect(low).not.toBeNull();
        if (high?.matchedBy === 'company_fuzzy') expect(high.score).toBeGreaterThanOrEqual(Math.min(1, t + bump));
      }),
      RUNS,
    );
    // The org's threshold decides: "Stark Indstries Inc" matches at 0.9, not at 0.999.
    const typo = normaliseOk(payload({ company: { name: 'Stark Indstries Inc' } }, { email: 'x@gmail.com' }));
    expect(matchAccount(idx, typo, { fuzzyThreshold: 0.9 })).toMatchObject({ account: { id: 'stark' }, matchedBy: 'company_fuzzy' });
    expect(matchAccount(idx, typo, { fuzzyThreshold: 0.999 })).toBeNull();
  });
});
