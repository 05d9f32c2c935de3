import { countryByAlpha2, placeKey } from './iso-3166.ts';

/**
 * ISO 3166-2 subdivisions for the countries Remit resolves by name as well as by code: US states
 * (+ DC, PR and the other outlying areas), Canadian provinces and territories, the four UK
 * nations, the seven UAE emirates, Australian states and territories and the 16 German Länder.
 *
 * Each entry: the suffix after "CC-" (so "TX" for US-TX), the ISO name, and aliases (English and
 * local spellings, postal abbreviations that differ from the ISO code). Names from the Debian
 * iso-codes package, aliases hand-curated.
 */

export interface SubdivisionEntry {
  /** Full ISO 3166-2 code, e.g. "US-TX". */
  readonly code: string;
  readonly name: string;
  readonly aliases: readonly string[];
}

type Row = readonly [suffix: string, name: string, ...aliases: string[]];

const US: readonly Row[] = [
  ['AL', 'Alabama', 'Ala'],
  ['AK', 'Alaska'],
  ['AZ', 'Arizona', 'Ariz'],
  ['AR', 'Arkansas', 'Ark'],
  ['CA', 'California', 'Calif', 'Cal'],
  ['CO', 'Colorado', 'Colo'],
  ['CT', 'Connecticut', 'Conn'],
  ['DE', 'Delaware', 'Del'],
  ['DC', 'District of Columbia', 'Washington DC', 'Washington D.C.', 'D.C.'],
  ['FL', 'Florida', 'Fla'],
  ['GA', 'Georgia'],
  ['HI', 'Hawaii', "Hawai'i"],
  ['ID', 'Idaho'],
  ['IL', 'Illinois', 'Ill'],
  ['IN', 'Indiana', 'Ind'],
  ['IA', 'Iowa'],
  ['KS', 'Kansas', 'Kan'],
  ['KY', 'Kentucky'],
  ['LA', 'Louisiana'],
  ['ME', 'Maine'],
  ['MD', 'Maryland'],
  ['MA', 'Massachusetts', 'Mass'],
  ['MI', 'Michigan', 'Mich'],
  ['MN', 'Minnesota', 'Minn'],
  ['MS', 'Mississippi', 'Miss'],
  ['MO', 'Missouri'],
  ['MT', 'Montana', 'Mont'],
  ['NE', 'Nebraska', 'Neb'],
  ['NV', 'Nevada', 'Nev'],
  ['NH', 'New Hampshire'],
  ['NJ', 'New Jersey'],
  ['NM', 'New Mexico'],
  ['NY', 'New York', 'New York State'],
  ['NC', 'North Carolina'],
  ['ND', 'North Dakota'],
  ['OH', 'Ohio'],
  ['OK', 'Oklahoma', 'Okla'],
  ['OR', 'Oregon', 'Ore'],
  ['PA', 'Pennsylvania', 'Penn'],
  ['RI', 'Rhode Island'],
  ['SC', 'South Carolina'],
  ['SD', 'South Dakota'],
  ['TN', 'Tennessee', 'Tenn'],
  ['TX', 'Texas', 'Tex'],
  ['UT', 'Utah'],
  ['VT', 'Vermont'],
  ['VA', 'Virginia'],
  ['WA', 'Washington', 'Washington State', 'Wash'],
  ['WV', 'West Virginia'],
  ['WI', 'Wisconsin', 'Wis'],
  ['WY', 'Wyoming', 'Wyo'],
  ['PR', 'Puerto Rico'],
  ['AS', 'American Samoa'],
  ['GU', 'Guam'],
  ['MP', 'Northern Mariana Islands'],
  ['UM', 'United States Minor Outlying Islands'],
  ['VI', 'Virgin Islands, U.S.', 'US Virgin Islands', 'U.S. Virgin Islands'],
];

const CA: readonly Row[] = [
  ['AB', 'Alberta', 'Alta'],
  ['BC', 'British Columbia', 'Colombie-Britannique'],
  ['MB', 'Manitoba', 'Man'],
  ['NB', 'New Brunswick', 'Nouveau-Brunswick'],
  ['NL', 'Newfoundland and Labrador', 'Newfoundland', 'Terre-Neuve-et-Labrador', 'NF', 'NFLD'],
  ['NS', 'Nova Scotia', 'Nouvelle-Écosse'],
  ['NT', 'Northwest Territories', 'Territoires du Nord-Ouest', 'NWT'],
  ['NU', 'Nunavut'],
  ['ON', 'Ontario', 'Ont'],
  ['PE', 'Prince Edward Island', 'PEI', 'Île-du-Prince-Édouard'],
  ['QC', 'Quebec', 'Québec', 'PQ', 'Que'],
  ['SK', 'Saskatchewan', 'Sask'],
  ['YT', 'Yukon', 'Yukon Territory'],
];

const GB: readonly Row[] = [
  ['ENG', 'England'],
  ['SCT', 'Scotland', 'Alba'],
  ['WLS', 'Wales', 'Cymru', 'CYM'],
  ['NIR', 'Northern Ireland', 'NI', 'N. Ireland', 'N Ireland', 'Ulster'],
];

const AE: readonly Row[] = [
  ['AZ', 'Abu Dhabi', 'Abū Z̧aby', 'Abu Zaby', 'Abudhabi', 'AUH'],
  ['AJ', 'Ajman', 'ʿAjmān', 'Ajmān'],
  ['DU', 'Dubai', 'Dubayy', 'DXB'],
  ['FU', 'Fujairah', 'Al Fujayrah', 'Al Fujairah'],
  ['RK', 'Ras al-Khaimah', "Ra's al Khaymah", 'Ras Al Khaimah', 'Ras al Khaymah', 'RAK'],
  ['SH', 'Sharjah', 'Ash Shāriqah', 'Ash Shariqah', 'Al Sharjah', 'SHJ'],
  ['UQ', 'Umm al-Quwain', 'Umm al Qaywayn', 'Umm Al Quwain', 'Umm al-Qaiwain'],
];

const AU: readonly Row[] = [
  ['ACT', 'Australian Capital Territory', 'Canberra'],
  ['NSW', 'New South Wales'],
  ['NT', 'Northern Territory'],
  ['QLD', 'Queensland'],
  ['SA', 'South Australia'],
  ['TAS', 'Tasmania'],
  ['VIC', 'Victoria'],
  ['WA', 'Western Australia'],
];

const DE: readonly Row[] = [
  ['BW', 'Baden-Württemberg', 'Baden-Wuerttemberg'],
  ['BY', 'Bayern', 'Bavaria'],
  ['BE', 'Berlin'],
  ['BB', 'Brandenburg'],
  ['HB', 'Bremen', 'Freie Hansestadt Bremen'],
  ['HH', 'Hamburg', 'Freie und Hansestadt Hamburg'],
  ['HE', 'Hessen', 'Hesse'],
  ['MV', 'Mecklenburg-Vorpommern', 'Mecklenburg-Western Pomerania', 'Mecklenburg-West Pomerania'],
  ['NI', 'Niedersachsen', 'Lower Saxony'],
  ['NW', 'Nordrhein-Westfalen', 'North Rhine-Westphalia', 'NRW'],
  ['RP', 'Rheinland-Pfalz', 'Rhineland-Palatinate'],
  ['SL', 'Saarland'],
  ['SN', 'Sachsen', 'Saxony', 'Freistaat Sachsen'],
  ['ST', 'Sachsen-Anhalt', 'Saxony-Anhalt'],
  ['SH', 'Schleswig-Holstein'],
  ['TH', 'Thüringen', 'Thuringia', 'Thueringen'],
];

const TABLES: Readonly<Record<string, readonly Row[]>> = { US, CA, GB, AE, AU, DE };

interface CountryIndex {
  readonly entries: readonly SubdivisionEntry[];
  readonly byCode: ReadonlyMap<string, SubdivisionEntry>;
  readonly byName: ReadonlyMap<string, SubdivisionEntry>;
}

function buildIndex(country: string, rows: readonly Row[]): CountryIndex {
  const entries: SubdivisionEntry[] = [];
  const byCode = new Map<string, SubdivisionEntry>();
  const byName = new Map<string, SubdivisionEntry>();
  for (const [suffix, name, ...aliases] of rows) {
    const entry: SubdivisionEntry = { code: `${country}-${suffix}`, name, aliases };
    entries.push(entry);
    byCode.set(suffix, entry);
  }
  // codes win over names: index names only after every code is known, and never shadow a code
  for (const entry of entries) {
    for (const n of [entry.name, ...entry.aliases]) {
      const key = placeKey(n);
      if (!byName.has(key)) byName.set(key, entry);
      const upper = n.replace(/[.\s]/g, '').toUpperCase();
      if (/^[A-Z0-9]{1,4}$/.test(upper) && !byCode.has(upper)) byCode.set(upper, entry);
    }
  }
  return { entries, byCode, byName };
}

const INDEX = new Map<string, CountryIndex>(Object.entries(TABLES).map(([cc, rows]) => [cc, buildIndex(cc, rows)]));

/** Countries whose subdivisions are resolved by name and checked against a table. */
export const SUBDIVISION_COUNTRIES: readonly string[] = [...INDEX.keys()];

export const subdivisionsOf = (country: string): readonly SubdivisionEntry[] => INDEX.get(country)?.entries ?? [];

export type SubdivisionLookup =
  | { readonly kind: 'found'; readonly entry: SubdivisionEntry }
  /** The country has a table and the text matches nothing in it. */
  | { readonly kind: 'unknown' }
  /** The text is a full code for another country ("CA-ON" given with country US). */
  | { readonly kind: 'other_country'; readonly country: string }
  /** No table for this country: the caller decides (a well-formed code is accepted as is). */
  | { readonly kind: 'no_table' };

/**
 * Resolves a subdivision for a country (alpha-2): accepts the ISO suffix ("TX"), the full code
 * ("US-TX", "us tx"), the name ("Texas") or an alias ("Bavaria", "Québec", "RAK").
 */
export function resolveSubdivision(country: string, text: string): SubdivisionLookup {
  const t = text.trim();
  const index = INDEX.get(country);
  const full = /^([A-Za-z]{2})[-\s_]([A-Za-z0-9]{1,3})$/.exec(t);
  const prefix = full ? full[1]!.toUpperCase() : undefined;
  if (full && prefix === country) {
    if (!index) return { kind: 'no_table' };
    const hit = index.byCode.get(full[2]!.toUpperCase());
    return hit ? { kind: 'found', entry: hit } : { kind: 'unknown' };
  }
  const byName = index?.byName.get(placeKey(t)) ?? index?.byCode.get(t.replace(/[.\s]/g, '').toUpperCase());
  if (byName) return { kind: 'found', entry: byName };
  if (full && prefix !== undefined && countryByAlpha2(prefix)) return { kind: 'other_country', country: prefix };
  return index ? { kind: 'unknown' } : { kind: 'no_table' };
}
