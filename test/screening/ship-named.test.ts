import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';
import { comparedAsShips, isShipTypePrefix } from '../../src/screening/ship-named.ts';

const THRESHOLD = 0.8;
const company = (a: string, b: string) => compareNames('organisation', a, b);

describe('a name written with a ship-type prefix is compared as a ship, whatever schema it is filed under', () => {
  it('marks organisation names with MV, M/V, M.V., MT, M/T, FV or RV, and only those', () => {
    for (const n of [
      'MV Ocean Trader',
      'M/V Ocean Trader',
      'M.V. Ocean Trader',
      'MT Gulf Carrier',
      'M/T Gulf Carrier',
      'FV Sea Hunter',
      'R/V Polar Star',
    ])
      expect(normaliseName(n, 'organisation').ship, n).toBe(true);
    // rigour's "The", Messrs "M/s" and the gang "MS-13" are dropped as prefixes but are no ship marks
    for (const n of ['The Ocean Trader', 'M/s Sharma Traders', 'MS-13', 'Ocean Trader', 'MV Ocean Trader Ltd'])
      expect(normaliseName(n, 'organisation').ship, n).toBeUndefined();
    expect(isShipTypePrefix('mv')).toBe(true);
    expect(isShipTypePrefix('the')).toBe(false);
    expect(isShipTypePrefix('ms')).toBe(false);
  });

  it('one side so written is enough; a vessel is always compared as a ship', () => {
    const org = normaliseName('Ocean Trader', 'organisation');
    const ship = normaliseName('MV Ocean Trader', 'organisation');
    expect(comparedAsShips(org, org)).toBe(false);
    expect(comparedAsShips(org, ship)).toBe(true);
    expect(comparedAsShips(ship, org)).toBe(true);
    expect(comparedAsShips(normaliseName('Ocean Trader', 'vessel'), org)).toBe(true);
  });

  it("a generic word's plural is another ship, as for vessels; a company's stays one word", () => {
    expect(company('MV Ocean Trader', 'MV Ocean Traders').score).toBeLessThan(THRESHOLD);
    expect(company('Ocean Trader', 'MV Ocean Traders').score).toBeLessThan(THRESHOLD);
    expect(company('M/V Asian Bulk Carrier', 'M/V Asian Bulk Carriers').score).toBeLessThan(THRESHOLD);
    expect(company('MV Ocean Trader', 'MV Ocean Traders').score).toBe(compareNames('vessel', 'Ocean Trader', 'Ocean Traders').score);
    expect(company('Ocean Trader', 'Ocean Traders').score).toBe(1);
    expect(company('The Ocean Trader', 'The Ocean Traders').score).toBe(1);
  });

  it('a word extended by a suffix is another word in a ship name filed as a company', () => {
    const r = company('MV Arctic Voyager', 'MV Arctic Voyage');
    expect(r.score).toBeLessThan(THRESHOLD);
    expect(r.explanation.notes).toContain('other words, not a spelling variant: voyager / voyage');
    expect(company('Arctic Voyager', 'Arctic Voyage').score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('a name with a legal form against a ship filed as a company is its owner, not the ship', () => {
    const r = company('MV KAPITAN GUSEYNOV', 'Kapitan Guseynov Shipping Ltd');
    expect(r.score).toBeLessThan(THRESHOLD);
    expect(r.explanation.notes.some((n) => n.startsWith('one side is a company (ltd), not a vessel'))).toBe(true);
    expect(company('MV DENIZ KARTALI', 'Deniz Kartali Denizcilik A.S.').score).toBeLessThan(THRESHOLD);
    expect(company('KAPITAN GUSEYNOV', 'Kapitan Guseynov Shipping Ltd').score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('the same ship with and without its prefix still matches', () => {
    expect(company('MV Ocean Trader', 'Ocean Trader').score).toBe(1);
    expect(company('M/T Gulf Carrier', 'MT GULF CARRIER').score).toBe(1);
  });
});

describe('Hong Kong written HK is a jurisdiction word', () => {
  it('a company with (HK) on one side only is a subsidiary elsewhere, as with (UK)', () => {
    const r = company('Acme Trading Ltd', 'Acme Trading (HK) Ltd');
    expect(r.score).toBeLessThan(THRESHOLD);
    expect(r.explanation.notes).toContain('country on one side only: hk (x0.9)');
    expect(company('Acme Trading (HK) Ltd', 'ACME TRADING (HK) LIMITED').score).toBe(1);
    expect(
      company('Acme Trading (HK) Ltd', 'Acme Trading (UK) Ltd').explanation.notes.some((n) => n.startsWith('country on one side only')),
    ).toBe(false);
  });
});
