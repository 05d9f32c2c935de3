import { describe, expect, it } from 'vitest';
import { normaliseErrors, normaliseOk, payload } from './intake-fixtures.ts';

/** Vessels and company identifiers on a lead (docs/intake.md "Vessels and company identifiers"). */
describe('vessel and company identifier fields', () => {
  it('are normalised for screening: IMO and MMSI digits, call sign, flag as ISO code, former names, LEI upper case', () => {
    const n = normaliseOk(
      payload({
        vessel: {
          name: '  Sea   Lark ',
          imo: 'IMO 9187629',
          mmsi: '538 000 001',
          callSign: 'v7-ab3',
          flag: 'Marshall Islands',
          formerNames: ['Arctic Tern', 'Arctic  Tern'],
        },
        company: { name: 'Blue Meadow Trading', lei: '529900t8bm49aursdo55', registrationNumber: ' 01234567 ' },
      }),
    );
    expect(n.vessel).toEqual({
      name: 'Sea Lark',
      imo: '9187629',
      mmsi: '538000001',
      callSign: 'V7AB3',
      flag: 'MH',
      formerNames: ['Arctic Tern'],
    });
    expect(n.company).toMatchObject({ name: 'Blue Meadow Trading', lei: '529900T8BM49AURSDO55', registrationNumber: '01234567' });
  });

  it('a bad IMO check digit, an MMSI not of nine digits, a bad LEI and an unknown flag are field errors with stable codes', () => {
    const errors = normaliseErrors(
      payload({
        vessel: { name: 'Sea Lark', imo: '9187628', mmsi: '12345', flag: 'Atlantis' },
        company: { name: 'X', lei: '529900T8BM49AURSDO56' },
      }),
    );
    expect(errors.map((e) => [e.path, e.code]).sort()).toEqual([
      ['/company/lei', 'invalid_lei'],
      ['/vessel/flag', 'unknown_country'],
      ['/vessel/imo', 'invalid_imo'],
      ['/vessel/mmsi', 'invalid_mmsi'],
    ]);
  });

  it("an IMO company number is read in the company scheme, with or without its label; a ship's number is not one", () => {
    for (const written of ['5571322', 'IMO company 5571322', 'imo company number: 557 1322'])
      expect(normaliseOk(payload({ company: { name: 'Kestrel Ocean Shipping', imoCompanyNumber: written } })).company).toMatchObject({
        imoCompanyNumber: '5571322',
      });
    // 9187629 is a valid ship number (check digit 9 under 7..2 mod 10) but fails the company check (8,6,4,2,9,7 mod 11)
    const errors = normaliseErrors(payload({ company: { name: 'Kestrel Ocean Shipping', imoCompanyNumber: 'IMO 9187629' } }));
    expect(errors.map((e) => [e.path, e.code])).toEqual([['/company/imoCompanyNumber', 'invalid_imo_company_number']]);
    expect(errors[0]!.message).toContain('check digit');
  });

  it('unknown vessel fields are shape errors at their paths', () => {
    expect(normaliseErrors(payload({ vessel: { name: 'Sea Lark', tonnage: 5000 } }))).toEqual([
      expect.objectContaining({ path: '/vessel/tonnage', code: 'unrecognized_keys' }),
    ]);
  });
});
