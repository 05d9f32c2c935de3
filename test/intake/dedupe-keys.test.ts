import { describe, expect, it } from 'vitest';
import { companyNameKey } from '../../src/app/intake/company-name.ts';
import { dedupeKeys, sharedKeyKinds } from '../../src/domain/intake/dedupe-keys.ts';
import { normaliseOk, payload } from './intake-fixtures.ts';

const contactOf = (person: Record<string, unknown>, company?: string) =>
  normaliseOk(payload(company ? { company: { name: company } } : {}, person)).contact;

describe('dedupe keys (R9)', () => {
  it('email (dedupe form), E.164 phone, name + company', () => {
    const keys = dedupeKeys(contactOf({ email: 'J.Doe+x@gmail.com', phone: '020 7946 0958' }, 'Acme Ltd'));
    expect(keys).toEqual([
      { kind: 'email', key: 'email:jdoe@gmail.com' },
      { kind: 'phone', key: 'phone:+442079460958' },
      { kind: 'name_company', key: 'name_company:jane doe|acme ltd' },
    ]);
  });

  it('no name key without a company', () => {
    expect(dedupeKeys(contactOf({ email: 'jane@example.com' })).map((k) => k.kind)).toEqual(['email']);
  });

  it('the same person written differently produces the same keys', () => {
    const a = dedupeKeys(
      contactOf({ firstName: 'José', lastName: "O'Neil", email: 'JOSE.ONEIL@gmail.com', phone: '+44 20 7946 0958' }, 'Acme Ltd'),
      {
        normaliseCompany: companyNameKey,
      },
    );
    const b = dedupeKeys(
      contactOf({ firstName: ' jose ', lastName: 'ONeil', email: 'joseoneil+web@googlemail.com', phone: '020 7946 0958' }, 'ACME Limited'),
      {
        normaliseCompany: companyNameKey,
      },
    );
    expect(sharedKeyKinds(a, b)).toEqual(['email', 'phone', 'name_company']);
  });

  it('the injected company normaliser decides what counts as the same company', () => {
    const a = contactOf({ email: 'a@x.com' }, 'Acme Ltd');
    const b = contactOf({ email: 'b@y.com' }, 'ACME Limited');
    expect(sharedKeyKinds(dedupeKeys(a), dedupeKeys(b))).toEqual([]);
    expect(
      sharedKeyKinds(dedupeKeys(a, { normaliseCompany: companyNameKey }), dedupeKeys(b, { normaliseCompany: companyNameKey })),
    ).toEqual(['name_company']);
  });

  it('different people do not share keys', () => {
    const a = dedupeKeys(contactOf({ email: 'jane@example.com', phone: '+44 20 7946 0958' }, 'Acme'));
    const b = dedupeKeys(contactOf({ firstName: 'John', email: 'john@example.com', phone: '+44 20 7946 0959' }, 'Acme'));
    expect(sharedKeyKinds(a, b)).toEqual([]);
  });

  it('a digest replaces values (commitments instead of PII), kind stays readable', () => {
    const keys = dedupeKeys(contactOf({ email: 'jane@example.com' }), { digest: (v) => `h(${v.length})` });
    expect(keys).toEqual([{ kind: 'email', key: 'email:h(16)' }]);
  });
});
