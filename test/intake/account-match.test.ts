import { describe, expect, it } from 'vitest';
import { buildAccountIndex, matchAccount } from '../../src/app/intake/account-match.ts';
import type { ImportedAccount } from '../../src/app/intake/account-match.ts';
import { companyNameKey } from '../../src/app/intake/company-name.ts';
import { FREE_MAIL_DOMAINS } from '../../src/domain/intake/free-mail-domains.ts';
import { normaliseOk, payload } from './intake-fixtures.ts';

const ACCOUNTS: ImportedAccount[] = [
  { id: 'acc-acme', name: 'ACME Limited', domains: ['acme.co.uk', 'https://www.acme-group.com/'], ownerRep: 'rep-1', tier: 'gold' },
  { id: 'acc-globex', name: 'Globex Corporation', domains: ['globex.com'], ownerRep: 'rep-2' },
  { id: 'acc-stark', name: 'Stark Industries Inc', domains: ['stark.com'] },
  { id: 'acc-wayne', name: 'Wayne Enterprises', domains: ['gmail.com', 'wayne.com'] },
  { id: 'acc-initech', name: 'Initech GmbH', domains: [] },
  { id: 'acc-acme-bank', name: 'Acme Bank plc', domains: ['acmebank.com'] },
];

const index = buildAccountIndex(ACCOUNTS);
const lead = (email: string | undefined, company?: string, website?: string) =>
  normaliseOk(
    payload(
      company ? { company: { name: company, ...(website ? { website } : {}) } } : {},
      email ? { email } : { email: undefined, phone: '+44 20 7946 0958' },
    ),
  );

describe('company names through the screening normaliser', () => {
  it('legal forms and case do not matter', () => {
    expect(companyNameKey('Acme Ltd')).toBe(companyNameKey('ACME Limited'));
    expect(companyNameKey('Initech GmbH')).toBe(companyNameKey('initech'));
    expect(companyNameKey('Globex Corporation')).toBe(companyNameKey('Globex Corp.'));
    expect(companyNameKey('Acme Ltd')).not.toBe(companyNameKey('Acme Bank'));
  });
});

describe('account matching (R8)', () => {
  it('by email domain', () => {
    expect(matchAccount(index, lead('jane@globex.com', 'Something Else'))).toMatchObject({
      account: { id: 'acc-globex', ownerRep: 'rep-2' },
      matchedBy: 'domain',
      score: 1,
      matchedOn: 'globex.com',
    });
  });

  it('by a parent of the email domain, and by account domains given as URLs', () => {
    expect(matchAccount(index, lead('jane@mail.uk.acme.co.uk'))).toMatchObject({
      account: { id: 'acc-acme' },
      matchedBy: 'domain',
      matchedOn: 'acme.co.uk',
    });
    expect(matchAccount(index, lead('jane@acme-group.com'))).toMatchObject({ account: { id: 'acc-acme' }, matchedBy: 'domain' });
  });

  it('by the company website when the email is free-mail', () => {
    expect(matchAccount(index, lead('jane@gmail.com', 'Unknown Co', 'https://stark.com'))).toMatchObject({
      account: { id: 'acc-stark' },
      matchedBy: 'domain',
      matchedOn: 'stark.com',
    });
  });

  it('free-mail domains never match, even when an account lists one', () => {
    expect(FREE_MAIL_DOMAINS.has('gmail.com')).toBe(true);
    expect(matchAccount(index, lead('bruce@gmail.com'))).toBeNull();
    expect(index.ignoredDomains).toEqual([{ accountId: 'acc-wayne', domain: 'gmail.com' }]);
  });

  it('by exact normalised company name: "Acme Ltd" = "ACME Limited"', () => {
    expect(matchAccount(index, lead('jane@gmail.com', 'Acme Ltd'))).toMatchObject({
      account: { id: 'acc-acme', tier: 'gold' },
      matchedBy: 'company_name',
      score: 1,
    });
    expect(matchAccount(index, lead('jane@hotmail.com', 'INITECH'))).toMatchObject({
      account: { id: 'acc-initech' },
      matchedBy: 'company_name',
    });
  });

  it('by fuzzy company name above the threshold', () => {
    const m = matchAccount(index, lead('tony@gmail.com', 'Stark Indstries'));
    expect(m).toMatchObject({ account: { id: 'acc-stark' }, matchedBy: 'company_fuzzy' });
    expect(m!.score).toBeGreaterThanOrEqual(0.9);
    expect(m!.score).toBeLessThan(1);
  });

  it("a lead leaving out what the firm does is the same account (screening's activity-word rule is off here)", () => {
    const accounts = buildAccountIndex([{ id: 'acc-qorvex', name: 'Zyxwv Qorvex Plendar Trading Ltd', domains: [] }]);
    const m = matchAccount(accounts, lead('q@gmail.com', 'Zyxwv Qorvex Plendar Ltd'));
    expect(m).toMatchObject({ account: { id: 'acc-qorvex' }, matchedBy: 'company_fuzzy' });
  });

  it('no match: a shared word is not enough, unknown names and domains', () => {
    expect(matchAccount(index, lead('jane@acme-insurance.com', 'Acme Insurance'))).toBeNull();
    expect(matchAccount(index, lead('x@umbrella.com', 'Umbrella Corp'))).toBeNull();
    expect(matchAccount(index, lead(undefined))).toBeNull();
  });

  it('domain wins over name', () => {
    expect(matchAccount(index, lead('jane@globex.com', 'Acme Ltd'))).toMatchObject({ account: { id: 'acc-globex' }, matchedBy: 'domain' });
  });

  it('several accounts matching equally: the first imported wins, the others are listed', () => {
    const dup = buildAccountIndex([
      { id: 'a1', name: 'Hooli Inc', domains: ['hooli.com'] },
      { id: 'a2', name: 'Hooli LLC', domains: ['hooli.com'] },
    ]);
    expect(matchAccount(dup, lead('g@hooli.com'))).toMatchObject({ account: { id: 'a1' }, alternatives: ['a2'] });
    expect(matchAccount(dup, lead('g@gmail.com', 'Hooli'))).toMatchObject({
      account: { id: 'a1' },
      matchedBy: 'company_name',
      alternatives: ['a2'],
    });
  });

  it('fuzzy matching scores only candidates sharing a token (no full scan)', () => {
    const many: ImportedAccount[] = Array.from({ length: 5000 }, (_, i) => ({ id: `n${i}`, name: `Company Number ${i} Ltd`, domains: [] }));
    many.push({ id: 'target', name: 'Zyxwv Analytics Ltd', domains: [] });
    const big = buildAccountIndex(many);
    const started = performance.now();
    expect(matchAccount(big, lead('q@gmail.com', 'Zyxwv Analytic'))).toMatchObject({
      account: { id: 'target' },
      matchedBy: 'company_fuzzy',
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
