/** Country names (as published by OFAC, the UN, CSV inputs) to ISO 3166-1 alpha-2, lower case. */

function key(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\bst\.?\s/g, 'saint ')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b(the|of)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Official / list spellings that ICU display names do not cover. */
const ALIASES: Record<string, string> = {
  'korea, north': 'kp',
  "democratic people's republic of korea": 'kp',
  'north korea': 'kp',
  'korea, south': 'kr',
  'republic of korea': 'kr',
  'south korea': 'kr',
  'iran (islamic republic of)': 'ir',
  'islamic republic of iran': 'ir',
  'syrian arab republic': 'sy',
  'russian federation': 'ru',
  'former soviet union': 'su',
  ussr: 'su',
  'soviet union': 'su',
  'united kingdom of great britain and northern ireland': 'gb',
  'great britain': 'gb',
  uk: 'gb',
  england: 'gb',
  'united states of america': 'us',
  usa: 'us',
  'u.s.a.': 'us',
  uae: 'ae',
  'united states': 'us',
  'united republic of tanzania': 'tz',
  'democratic republic of the congo': 'cd',
  'congo, democratic republic of the': 'cd',
  drc: 'cd',
  'congo, republic of the': 'cg',
  'republic of the congo': 'cg',
  congo: 'cg',
  burma: 'mm',
  'viet nam': 'vn',
  "lao people's democratic republic": 'la',
  laos: 'la',
  'state of palestine': 'ps',
  palestinian: 'ps',
  'west bank': 'ps',
  gaza: 'ps',
  turkiye: 'tr',
  türkiye: 'tr',
  turkey: 'tr',
  'china, hong kong special administrative region': 'hk',
  'hong kong': 'hk',
  macau: 'mo',
  macao: 'mo',
  taiwan: 'tw',
  'british virgin islands': 'vg',
  'virgin islands, british': 'vg',
  'bolivia (plurinational state of)': 'bo',
  'venezuela (bolivarian republic of)': 've',
  'republic of moldova': 'md',
  moldova: 'md',
  'czech republic': 'cz',
  czechia: 'cz',
  'ivory coast': 'ci',
  "cote d'ivoire": 'ci',
  swaziland: 'sz',
  eswatini: 'sz',
  'the gambia': 'gm',
  gambia: 'gm',
  'bahamas, the': 'bs',
  'north macedonia': 'mk',
  macedonia: 'mk',
  kosovo: 'xk',
  yugoslavia: 'yu',
  'serbia and montenegro': 'cs',
  'region: crimea': 'ua',
  crimea: 'ua',
  'micronesia, federated states of': 'fm',
  'saint kitts and nevis': 'kn',
  'holy see': 'va',
  'vatican city': 'va',
  'cabo verde': 'cv',
  'cape verde': 'cv',
  'timor-leste': 'tl',
  'east timor': 'tl',
  'brunei darussalam': 'bn',
  'netherlands antilles': 'an',
  curacao: 'cw',
  'sint maarten': 'sx',
  'kyrgyz republic': 'kg',
  'slovak republic': 'sk',
};

/** Demonyms commonly found in free-text nationality fields. */
const DEMONYMS: Record<string, string> = {
  afghan: 'af',
  iraqi: 'iq',
  iranian: 'ir',
  syrian: 'sy',
  russian: 'ru',
  american: 'us',
  british: 'gb',
  german: 'de',
  french: 'fr',
  chinese: 'cn',
  pakistani: 'pk',
  saudi: 'sa',
  yemeni: 'ye',
  egyptian: 'eg',
  libyan: 'ly',
  lebanese: 'lb',
  somali: 'so',
  sudanese: 'sd',
  turkish: 'tr',
  indian: 'in',
  mexican: 'mx',
  colombian: 'co',
  venezuelan: 've',
  cuban: 'cu',
  ukrainian: 'ua',
  belarusian: 'by',
  jordanian: 'jo',
  kuwaiti: 'kw',
  tunisian: 'tn',
  algerian: 'dz',
  moroccan: 'ma',
  indonesian: 'id',
  filipino: 'ph',
  malaysian: 'my',
  nigerian: 'ng',
  kenyan: 'ke',
  emirati: 'ae',
  qatari: 'qa',
  bahraini: 'bh',
  omani: 'om',
  israeli: 'il',
  palestinian: 'ps',
  korean: 'kr',
  japanese: 'jp',
};

let table: Map<string, string> | undefined;

function buildTable(): Map<string, string> {
  const t = new Map<string, string>();
  const skip = new Set([
    'AC',
    'AN',
    'BU',
    'CP',
    'CS',
    'DD',
    'DG',
    'EA',
    'EU',
    'EZ',
    'FX',
    'IC',
    'NT',
    'QO',
    'SU',
    'TA',
    'TP',
    'UN',
    'YD',
    'YU',
    'ZR',
  ]);
  for (const style of ['long', 'short', 'narrow'] as const) {
    const dn = new Intl.DisplayNames('en', { type: 'region', style });
    for (let a = 65; a < 91; a++) {
      for (let b = 65; b < 91; b++) {
        const code = String.fromCharCode(a, b);
        if (skip.has(code)) continue;
        let name: string | undefined;
        try {
          name = dn.of(code);
        } catch {
          name = undefined;
        }
        if (!name || name === code) continue;
        const k = key(name);
        if (!t.has(k)) t.set(k, code.toLowerCase());
        // "Myanmar (Burma)" -> also "Myanmar"
        const base = key(name.replace(/\(.*\)/, ''));
        if (base && !t.has(base)) t.set(base, code.toLowerCase());
      }
    }
  }
  for (const [n, c] of Object.entries(ALIASES)) t.set(key(n), c);
  for (const [n, c] of Object.entries(DEMONYMS)) if (!t.has(n)) t.set(n, c);
  return t;
}

/**
 * Resolves a country name, demonym or code to ISO alpha-2 lower case; undefined when unknown.
 * Two-letter input is taken as a code; three-letter input is tried as a name (e.g. "USA").
 */
export function countryCode(input: string | undefined): string | undefined {
  if (!input) return undefined;
  const s = input.trim();
  if (!s || s === '-0-') return undefined;
  if (/^[A-Za-z]{2}$/.test(s)) {
    const c = s.toLowerCase();
    return c === 'uk' ? 'gb' : c;
  }
  table ??= buildTable();
  // initials with full stops, as firms write their country in their names: "(U.K.)", "(U.A.E.)"; only the countries
  // known so ("S.A." is a legal form, not Saudi Arabia)
  if (/^([A-Za-z]\.\s?){2,3}$/.test(s)) return table.get(key(s.replace(/[.\s]/g, ''))) ?? (/^u\.\s?s\.$/i.test(s) ? 'us' : undefined);
  const k = key(s);
  const direct = table.get(k);
  if (direct) return direct;
  // "Tehran, Iran" / "Giza, Egypt": the last comma part is usually the country.
  const parts = s.split(',');
  if (parts.length > 1) {
    const last = table.get(key(parts[parts.length - 1]!));
    if (last) return last;
    const swapped = table.get(key(`${parts.slice(1).join(' ')} ${parts[0]}`));
    if (swapped) return swapped;
  }
  return undefined;
}

/**
 * Continents and world regions as groups name their regional subsidiaries ("Sberbank Europe AG", "VEB Asia Limited",
 * "IRISL Europe GmbH" — each listed apart from its parent): a jurisdiction qualifier like a country. Single words only
 * ("East" alone is a common name word); adjectives ("European", "Asian") are left out, as they open names of their own.
 */
const REGIONS = new Set([
  'europe',
  'asia',
  'africa',
  'america',
  'americas',
  'eurasia',
  'scandinavia',
  'caribbean',
  'oceania',
  'australasia',
  'benelux',
  'latam',
  'emea',
  'apac',
  'mena',
]);

/** Whether a folded name word names a continent or world region (not a country). */
export const isRegionName = (word: string): boolean => REGIONS.has(word);
