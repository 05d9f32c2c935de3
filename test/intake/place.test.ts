import { describe, expect, it } from 'vitest';
import { COUNTRIES, resolveCountry } from '../../src/domain/intake/iso-3166.ts';
import { SUBDIVISION_COUNTRIES, resolveSubdivision, subdivisionsOf } from '../../src/domain/intake/iso-3166-2.ts';
import { COUNTRY_TIME_ZONES, SUBDIVISION_TIME_ZONES } from '../../src/domain/intake/principal-time-zones.ts';
import { normaliseErrors, normaliseOk, payload } from './intake-fixtures.ts';

describe('ISO 3166-1 table', () => {
  it('has every officially assigned country once, with distinct alpha-2 and alpha-3 codes', () => {
    expect(COUNTRIES).toHaveLength(249);
    expect(new Set(COUNTRIES.map((c) => c.alpha2)).size).toBe(249);
    expect(new Set(COUNTRIES.map((c) => c.alpha3)).size).toBe(249);
    for (const c of COUNTRIES) {
      expect(c.alpha2).toMatch(/^[A-Z]{2}$/);
      expect(c.alpha3).toMatch(/^[A-Z]{3}$/);
    }
  });

  it('resolves every country from its own codes and names', () => {
    for (const c of COUNTRIES) {
      expect(resolveCountry(c.alpha2)?.alpha2).toBe(c.alpha2);
      expect(resolveCountry(c.alpha3.toLowerCase())?.alpha2).toBe(c.alpha2);
      expect(resolveCountry(c.name)?.alpha2).toBe(c.alpha2);
    }
  });
});

describe('countries', () => {
  it.each([
    ['GB', 'GB'],
    ['gb', 'GB'],
    ['GBR', 'GB'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['great britain', 'GB'],
    ['USA', 'US'],
    ['United States of America', 'US'],
    ['u.s.a.', 'US'],
    ['ARE', 'AE'],
    ['UAE', 'AE'],
    ['United Arab Emirates', 'AE'],
    ['Deutschland', 'DE'],
    ['Holland', 'NL'],
    ['Ivory Coast', 'CI'],
    ["Côte d'Ivoire", 'CI'],
    ['Cote dIvoire', 'CI'],
    ['South Korea', 'KR'],
    ['Korea, Republic of', 'KR'],
    ['Republic of Korea', 'KR'],
    ['Turkey', 'TR'],
    ['Türkiye', 'TR'],
    ['Czech Republic', 'CZ'],
    ['St. Kitts & Nevis', 'KN'],
    ['  the netherlands ', 'NL'],
    ['Viet Nam', 'VN'],
    ['Vietnam', 'VN'],
    ['Russia', 'RU'],
    ['Hong Kong SAR', 'HK'],
    ['DRC', 'CD'],
  ])('%s → %s', (input, alpha2) => {
    expect(resolveCountry(input)?.alpha2).toBe(alpha2);
    expect(normaliseOk(payload({ address: { country: input } })).address.country).toBe(alpha2);
  });

  it('an unknown country is a field error at address.country', () => {
    for (const country of ['Narnia', 'XX', 'ZZZ', 'Unitd Kingdom']) {
      expect(normaliseErrors(payload({ address: { country } }))).toEqual([
        expect.objectContaining({ path: '/address/country', code: 'unknown_country' }),
      ]);
    }
  });

  it('without a country and without a default country, the country is required', () => {
    expect(normaliseErrors(payload({ address: {} }))).toEqual([
      expect.objectContaining({ path: '/address/country', code: 'country_required' }),
    ]);
    expect(normaliseOk(payload({ address: {} }), { defaultCountry: 'IE' }).lead.jurisdiction).toBe('IE');
  });

  it('a UK nation given as the country also gives the subdivision', () => {
    expect(normaliseOk(payload({ address: { country: 'Scotland' } })).lead.jurisdiction).toBe('GB-SCT');
  });
});

describe('subdivisions', () => {
  it.each([
    ['US', 'TX', 'US-TX'],
    ['US', 'US-TX', 'US-TX'],
    ['US', 'us-tx', 'US-TX'],
    ['US', 'Texas', 'US-TX'],
    ['US', 'new york', 'US-NY'],
    ['US', 'District of Columbia', 'US-DC'],
    ['US', 'Washington, D.C.', 'US-DC'],
    ['US', 'DC', 'US-DC'],
    ['US', 'Puerto Rico', 'US-PR'],
    ['US', 'PR', 'US-PR'],
    ['US', 'Georgia', 'US-GA'],
    ['CA', 'ON', 'CA-ON'],
    ['CA', 'Québec', 'CA-QC'],
    ['CA', 'Quebec', 'CA-QC'],
    ['CA', 'PEI', 'CA-PE'],
    ['CA', 'British Columbia', 'CA-BC'],
    ['GB', 'GB-ENG', 'GB-ENG'],
    ['GB', 'Scotland', 'GB-SCT'],
    ['GB', 'Wales', 'GB-WLS'],
    ['GB', 'Northern Ireland', 'GB-NIR'],
    ['GB', 'NIR', 'GB-NIR'],
    ['AE', 'DU', 'AE-DU'],
    ['AE', 'Dubai', 'AE-DU'],
    ['AE', 'Abu Dhabi', 'AE-AZ'],
    ['AE', 'AE-AZ', 'AE-AZ'],
    ['AE', 'Ras Al Khaimah', 'AE-RK'],
    ['AE', 'Sharjah', 'AE-SH'],
    ['AU', 'NSW', 'AU-NSW'],
    ['AU', 'Victoria', 'AU-VIC'],
    ['AU', 'Western Australia', 'AU-WA'],
    ['DE', 'BY', 'DE-BY'],
    ['DE', 'Bayern', 'DE-BY'],
    ['DE', 'Bavaria', 'DE-BY'],
    ['DE', 'Nordrhein-Westfalen', 'DE-NW'],
    ['DE', 'North Rhine-Westphalia', 'DE-NW'],
    ['DE', 'Baden-Württemberg', 'DE-BW'],
    ['DE', 'Baden-Wuerttemberg', 'DE-BW'],
    ['DE', 'Thüringen', 'DE-TH'],
  ])('%s %s → %s', (country, input, code) => {
    const found = resolveSubdivision(country, input);
    expect(found.kind === 'found' && found.entry.code).toBe(code);
    expect(normaliseOk(payload({ address: { country, subdivision: input } })).lead.jurisdiction).toBe(code);
  });

  it('tables cover the required sets', () => {
    expect(SUBDIVISION_COUNTRIES).toEqual(expect.arrayContaining(['US', 'CA', 'GB', 'AE', 'AU', 'DE']));
    // 50 states + DC + PR
    expect(subdivisionsOf('US').filter((s) => !['US-AS', 'US-GU', 'US-MP', 'US-UM', 'US-VI'].includes(s.code))).toHaveLength(52);
    expect(subdivisionsOf('CA')).toHaveLength(13);
    expect(subdivisionsOf('GB').map((s) => s.code)).toEqual(['GB-ENG', 'GB-SCT', 'GB-WLS', 'GB-NIR']);
    expect(subdivisionsOf('AE')).toHaveLength(7);
    expect(subdivisionsOf('AU')).toHaveLength(8);
    expect(subdivisionsOf('DE')).toHaveLength(16);
  });

  it('accepts `state` as an alias of `subdivision`', () => {
    expect(normaliseOk(payload({ address: { country: 'US', state: 'California' } })).lead.jurisdiction).toBe('US-CA');
  });

  it('an unknown subdivision is a field error at the field that carried it', () => {
    expect(normaliseErrors(payload({ address: { country: 'US', state: 'Atlantis' } }))).toEqual([
      expect.objectContaining({ path: '/address/state', code: 'unknown_subdivision' }),
    ]);
    expect(normaliseErrors(payload({ address: { country: 'DE', subdivision: 'DE-XX' } }))).toEqual([
      expect.objectContaining({ path: '/address/subdivision', code: 'unknown_subdivision' }),
    ]);
  });

  it("another country's subdivision code is a mismatch", () => {
    expect(normaliseErrors(payload({ address: { country: 'US', subdivision: 'CA-ON' } }))).toEqual([
      expect.objectContaining({ path: '/address/subdivision', code: 'subdivision_country_mismatch' }),
    ]);
  });

  it('subdivision and state that disagree are a conflict', () => {
    expect(normaliseErrors(payload({ address: { country: 'US', subdivision: 'TX', state: 'CA' } }))).toEqual([
      expect.objectContaining({ path: '/address/state', code: 'conflicting_values' }),
    ]);
  });

  it('the country may come from a full subdivision code', () => {
    expect(normaliseOk(payload({ address: { subdivision: 'US-TX' } })).lead.jurisdiction).toBe('US-TX');
  });

  it('for a country without a table: a well-formed code is kept, a name is kept as text with a warning', () => {
    expect(normaliseOk(payload({ address: { country: 'FR', subdivision: 'fr-idf' } })).lead.jurisdiction).toBe('FR-IDF');
    const n = normaliseOk(payload({ address: { country: 'France', subdivision: 'Île-de-France' } }));
    expect(n.lead.jurisdiction).toBe('FR');
    expect(n.address.subdivisionName).toBe('Île-de-France');
    expect(n.warnings).toEqual([expect.objectContaining({ path: '/address/subdivision', code: 'subdivision_unresolved' })]);
  });

  it('normalises postal codes (UK spacing, upper case)', () => {
    expect(normaliseOk(payload({ address: { country: 'GB', postalCode: ' sw1a1aa ' } })).lead.postalCode).toBe('SW1A 1AA');
    expect(normaliseOk(payload({ address: { country: 'US', state: 'NY', postalCode: '10001-1234' } })).lead.postalCode).toBe('10001-1234');
  });
});

describe('time zones', () => {
  it('keeps a given zone, in canonical spelling', () => {
    const n = normaliseOk(payload({ timeZone: 'europe/london' }));
    expect(n.lead.timeZone).toBe('Europe/London');
    expect(n.timeZoneSource).toBe('given');
  });

  it('rejects an unknown zone and offsets', () => {
    for (const timeZone of ['Mars/Olympus_Mons', '+05:00']) {
      expect(normaliseErrors(payload({ timeZone }))).toEqual([expect.objectContaining({ path: '/timeZone', code: 'invalid_time_zone' })]);
    }
  });

  it.each([
    ['US', 'CA', 'America/Los_Angeles', 'subdivision'],
    ['US', 'TX', 'America/Chicago', 'subdivision'],
    ['US', 'AZ', 'America/Phoenix', 'subdivision'],
    ['US', 'NY', 'America/New_York', 'subdivision'],
    ['US', undefined, 'America/New_York', 'country'],
    ['CA', 'BC', 'America/Vancouver', 'subdivision'],
    ['AU', 'WA', 'Australia/Perth', 'subdivision'],
    ['AE', 'Dubai', 'Asia/Dubai', 'country'],
    ['DE', 'Bayern', 'Europe/Berlin', 'country'],
    ['GB', undefined, 'Europe/London', 'country'],
    ['IN', undefined, 'Asia/Kolkata', 'country'],
  ])('infers %s %s → %s', (country, subdivision, zone, source) => {
    const n = normaliseOk(payload({ address: { country, ...(subdivision ? { subdivision } : {}) } }));
    expect(n.lead.timeZone).toBe(zone);
    expect(n.timeZoneSource).toBe(source);
  });

  it('every zone in the tables is a valid IANA zone, and every US state has one', () => {
    for (const zone of [...Object.values(COUNTRY_TIME_ZONES), ...Object.values(SUBDIVISION_TIME_ZONES)]) {
      expect(() => new Intl.DateTimeFormat('en', { timeZone: zone })).not.toThrow();
    }
    for (const s of subdivisionsOf('US')) expect(SUBDIVISION_TIME_ZONES[s.code], s.code).toBeDefined();
    for (const s of subdivisionsOf('CA')) expect(SUBDIVISION_TIME_ZONES[s.code], s.code).toBeDefined();
    for (const s of subdivisionsOf('AU')) expect(SUBDIVISION_TIME_ZONES[s.code], s.code).toBeDefined();
    expect(Object.keys(COUNTRY_TIME_ZONES).length).toBeGreaterThanOrEqual(246);
  });
});
