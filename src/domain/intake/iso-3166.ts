/**
 * ISO 3166-1: every officially assigned country code (249), with its alpha-3 code, the ISO English
 * short name and the aliases integrators actually send ('UK', 'USA', 'Holland', 'Ivory Coast',
 * 'South Korea', 'Türkiye', official long names, 'Name, The X of' inverted forms …).
 *
 * Source: the Debian iso-codes package (ISO 3166-1 names and official names), CLDR English display
 * names, plus hand-curated aliases. Lookup is by alpha-2, alpha-3 or a folded name key
 * (accents removed, case-folded, punctuation and 'the' ignored, 'St' = 'Saint').
 */

export interface CountryEntry {
  /** ISO 3166-1 alpha-2, upper case. */
  readonly alpha2: string;
  /** ISO 3166-1 alpha-3, upper case. */
  readonly alpha3: string;
  /** ISO English short name. */
  readonly name: string;
  readonly aliases: readonly string[];
}

const c = (alpha2: string, alpha3: string, name: string, ...aliases: string[]): CountryEntry => ({ alpha2, alpha3, name, aliases });

export const COUNTRIES: readonly CountryEntry[] = [
  c('AD', 'AND', 'Andorra', 'Principality of Andorra'),
  c('AE', 'ARE', 'United Arab Emirates', 'UAE', 'U.A.E.', 'Emirates'),
  c('AF', 'AFG', 'Afghanistan', 'Islamic Republic of Afghanistan'),
  c('AG', 'ATG', 'Antigua and Barbuda'),
  c('AI', 'AIA', 'Anguilla'),
  c('AL', 'ALB', 'Albania', 'Republic of Albania'),
  c('AM', 'ARM', 'Armenia', 'Republic of Armenia'),
  c('AO', 'AGO', 'Angola', 'Republic of Angola'),
  c('AQ', 'ATA', 'Antarctica'),
  c('AR', 'ARG', 'Argentina', 'Argentine Republic'),
  c('AS', 'ASM', 'American Samoa'),
  c('AT', 'AUT', 'Austria', 'Republic of Austria', 'Österreich'),
  c('AU', 'AUS', 'Australia'),
  c('AW', 'ABW', 'Aruba'),
  c('AX', 'ALA', 'Åland Islands'),
  c('AZ', 'AZE', 'Azerbaijan', 'Republic of Azerbaijan'),
  c('BA', 'BIH', 'Bosnia and Herzegovina', 'Republic of Bosnia and Herzegovina', 'Bosnia', 'Bosnia-Herzegovina'),
  c('BB', 'BRB', 'Barbados'),
  c('BD', 'BGD', 'Bangladesh', "People's Republic of Bangladesh"),
  c('BE', 'BEL', 'Belgium', 'Kingdom of Belgium'),
  c('BF', 'BFA', 'Burkina Faso'),
  c('BG', 'BGR', 'Bulgaria', 'Republic of Bulgaria'),
  c('BH', 'BHR', 'Bahrain', 'Kingdom of Bahrain'),
  c('BI', 'BDI', 'Burundi', 'Republic of Burundi'),
  c('BJ', 'BEN', 'Benin', 'Republic of Benin'),
  c('BL', 'BLM', 'Saint Barthélemy', 'St. Barthélemy'),
  c('BM', 'BMU', 'Bermuda'),
  c('BN', 'BRN', 'Brunei Darussalam', 'Brunei'),
  c('BO', 'BOL', 'Bolivia, Plurinational State of', 'Bolivia', 'Plurinational State of Bolivia'),
  c('BQ', 'BES', 'Bonaire, Sint Eustatius and Saba', 'Caribbean Netherlands', 'Bonaire'),
  c('BR', 'BRA', 'Brazil', 'Federative Republic of Brazil'),
  c('BS', 'BHS', 'Bahamas', 'Commonwealth of the Bahamas'),
  c('BT', 'BTN', 'Bhutan', 'Kingdom of Bhutan'),
  c('BV', 'BVT', 'Bouvet Island'),
  c('BW', 'BWA', 'Botswana', 'Republic of Botswana'),
  c('BY', 'BLR', 'Belarus', 'Republic of Belarus'),
  c('BZ', 'BLZ', 'Belize'),
  c('CA', 'CAN', 'Canada'),
  c('CC', 'CCK', 'Cocos (Keeling) Islands', 'Cocos Islands', 'Keeling Islands'),
  c('CD', 'COD', 'Congo, The Democratic Republic of the', 'Congo - Kinshasa', 'The Democratic Republic of the Congo', 'DR Congo', 'DRC'),
  c('CF', 'CAF', 'Central African Republic'),
  c('CG', 'COG', 'Congo', 'Republic of the Congo', 'Congo - Brazzaville'),
  c('CH', 'CHE', 'Switzerland', 'Swiss Confederation', 'Schweiz', 'Suisse', 'Svizzera'),
  c('CI', 'CIV', "Côte d'Ivoire", "Republic of Côte d'Ivoire", 'Ivory Coast'),
  c('CK', 'COK', 'Cook Islands'),
  c('CL', 'CHL', 'Chile', 'Republic of Chile'),
  c('CM', 'CMR', 'Cameroon', 'Republic of Cameroon'),
  c('CN', 'CHN', 'China', "People's Republic of China", 'PRC', 'Mainland China'),
  c('CO', 'COL', 'Colombia', 'Republic of Colombia'),
  c('CR', 'CRI', 'Costa Rica', 'Republic of Costa Rica'),
  c('CU', 'CUB', 'Cuba', 'Republic of Cuba'),
  c('CV', 'CPV', 'Cabo Verde', 'Republic of Cabo Verde', 'Cape Verde'),
  c('CW', 'CUW', 'Curaçao'),
  c('CX', 'CXR', 'Christmas Island'),
  c('CY', 'CYP', 'Cyprus', 'Republic of Cyprus'),
  c('CZ', 'CZE', 'Czechia', 'Czech Republic'),
  c('DE', 'DEU', 'Germany', 'Federal Republic of Germany', 'Deutschland'),
  c('DJ', 'DJI', 'Djibouti', 'Republic of Djibouti'),
  c('DK', 'DNK', 'Denmark', 'Kingdom of Denmark'),
  c('DM', 'DMA', 'Dominica', 'Commonwealth of Dominica'),
  c('DO', 'DOM', 'Dominican Republic'),
  c('DZ', 'DZA', 'Algeria', "People's Democratic Republic of Algeria"),
  c('EC', 'ECU', 'Ecuador', 'Republic of Ecuador'),
  c('EE', 'EST', 'Estonia', 'Republic of Estonia'),
  c('EG', 'EGY', 'Egypt', 'Arab Republic of Egypt'),
  c('EH', 'ESH', 'Western Sahara'),
  c('ER', 'ERI', 'Eritrea', 'State of Eritrea'),
  c('ES', 'ESP', 'Spain', 'Kingdom of Spain', 'España'),
  c('ET', 'ETH', 'Ethiopia', 'Federal Democratic Republic of Ethiopia'),
  c('FI', 'FIN', 'Finland', 'Republic of Finland'),
  c('FJ', 'FJI', 'Fiji', 'Republic of Fiji'),
  c('FK', 'FLK', 'Falkland Islands (Malvinas)', 'Falkland Islands', 'Falklands', 'Malvinas'),
  c('FM', 'FSM', 'Micronesia, Federated States of', 'Federated States of Micronesia', 'Micronesia'),
  c('FO', 'FRO', 'Faroe Islands', 'Faroes'),
  c('FR', 'FRA', 'France', 'French Republic'),
  c('GA', 'GAB', 'Gabon', 'Gabonese Republic'),
  c(
    'GB',
    'GBR',
    'United Kingdom',
    'United Kingdom of Great Britain and Northern Ireland',
    'UK',
    'U.K.',
    'Great Britain',
    'Britain',
    'England',
    'Scotland',
    'Wales',
    'Northern Ireland',
  ),
  c('GD', 'GRD', 'Grenada'),
  c('GE', 'GEO', 'Georgia'),
  c('GF', 'GUF', 'French Guiana'),
  c('GG', 'GGY', 'Guernsey'),
  c('GH', 'GHA', 'Ghana', 'Republic of Ghana'),
  c('GI', 'GIB', 'Gibraltar'),
  c('GL', 'GRL', 'Greenland'),
  c('GM', 'GMB', 'Gambia', 'Republic of the Gambia'),
  c('GN', 'GIN', 'Guinea', 'Republic of Guinea'),
  c('GP', 'GLP', 'Guadeloupe'),
  c('GQ', 'GNQ', 'Equatorial Guinea', 'Republic of Equatorial Guinea'),
  c('GR', 'GRC', 'Greece', 'Hellenic Republic'),
  c('GS', 'SGS', 'South Georgia and the South Sandwich Islands', 'South Georgia'),
  c('GT', 'GTM', 'Guatemala', 'Republic of Guatemala'),
  c('GU', 'GUM', 'Guam'),
  c('GW', 'GNB', 'Guinea-Bissau', 'Republic of Guinea-Bissau'),
  c('GY', 'GUY', 'Guyana', 'Republic of Guyana'),
  c('HK', 'HKG', 'Hong Kong', 'Hong Kong Special Administrative Region of China', 'Hong Kong SAR China', 'Hong Kong SAR'),
  c('HM', 'HMD', 'Heard Island and McDonald Islands', 'Heard & McDonald Islands', 'Heard Island'),
  c('HN', 'HND', 'Honduras', 'Republic of Honduras'),
  c('HR', 'HRV', 'Croatia', 'Republic of Croatia'),
  c('HT', 'HTI', 'Haiti', 'Republic of Haiti'),
  c('HU', 'HUN', 'Hungary'),
  c('ID', 'IDN', 'Indonesia', 'Republic of Indonesia'),
  c('IE', 'IRL', 'Ireland', 'Republic of Ireland', 'Irish Republic', 'Eire'),
  c('IL', 'ISR', 'Israel', 'State of Israel'),
  c('IM', 'IMN', 'Isle of Man'),
  c('IN', 'IND', 'India', 'Republic of India'),
  c('IO', 'IOT', 'British Indian Ocean Territory'),
  c('IQ', 'IRQ', 'Iraq', 'Republic of Iraq'),
  c('IR', 'IRN', 'Iran, Islamic Republic of', 'Iran', 'Islamic Republic of Iran'),
  c('IS', 'ISL', 'Iceland', 'Republic of Iceland'),
  c('IT', 'ITA', 'Italy', 'Italian Republic'),
  c('JE', 'JEY', 'Jersey'),
  c('JM', 'JAM', 'Jamaica'),
  c('JO', 'JOR', 'Jordan', 'Hashemite Kingdom of Jordan'),
  c('JP', 'JPN', 'Japan'),
  c('KE', 'KEN', 'Kenya', 'Republic of Kenya'),
  c('KG', 'KGZ', 'Kyrgyzstan', 'Kyrgyz Republic'),
  c('KH', 'KHM', 'Cambodia', 'Kingdom of Cambodia'),
  c('KI', 'KIR', 'Kiribati', 'Republic of Kiribati'),
  c('KM', 'COM', 'Comoros', 'Union of the Comoros'),
  c('KN', 'KNA', 'Saint Kitts and Nevis', 'St. Kitts & Nevis', 'Saint Kitts', 'St Kitts'),
  c('KP', 'PRK', "Korea, Democratic People's Republic of", 'North Korea', "Democratic People's Republic of Korea", 'DPRK'),
  c('KR', 'KOR', 'Korea, Republic of', 'South Korea', 'Republic of Korea', 'ROK'),
  c('KW', 'KWT', 'Kuwait', 'State of Kuwait'),
  c('KY', 'CYM', 'Cayman Islands'),
  c('KZ', 'KAZ', 'Kazakhstan', 'Republic of Kazakhstan'),
  c('LA', 'LAO', "Lao People's Democratic Republic", 'Laos', 'Lao PDR'),
  c('LB', 'LBN', 'Lebanon', 'Lebanese Republic'),
  c('LC', 'LCA', 'Saint Lucia', 'St. Lucia'),
  c('LI', 'LIE', 'Liechtenstein', 'Principality of Liechtenstein'),
  c('LK', 'LKA', 'Sri Lanka', 'Democratic Socialist Republic of Sri Lanka'),
  c('LR', 'LBR', 'Liberia', 'Republic of Liberia'),
  c('LS', 'LSO', 'Lesotho', 'Kingdom of Lesotho'),
  c('LT', 'LTU', 'Lithuania', 'Republic of Lithuania'),
  c('LU', 'LUX', 'Luxembourg', 'Grand Duchy of Luxembourg'),
  c('LV', 'LVA', 'Latvia', 'Republic of Latvia'),
  c('LY', 'LBY', 'Libya'),
  c('MA', 'MAR', 'Morocco', 'Kingdom of Morocco'),
  c('MC', 'MCO', 'Monaco', 'Principality of Monaco'),
  c('MD', 'MDA', 'Moldova, Republic of', 'Moldova', 'Republic of Moldova'),
  c('ME', 'MNE', 'Montenegro'),
  c('MF', 'MAF', 'Saint Martin (French part)', 'St. Martin', 'Saint Martin'),
  c('MG', 'MDG', 'Madagascar', 'Republic of Madagascar'),
  c('MH', 'MHL', 'Marshall Islands', 'Republic of the Marshall Islands'),
  c('MK', 'MKD', 'North Macedonia', 'Republic of North Macedonia', 'Macedonia', 'FYROM'),
  c('ML', 'MLI', 'Mali', 'Republic of Mali'),
  c('MM', 'MMR', 'Myanmar', 'Republic of Myanmar', 'Myanmar (Burma)', 'Burma'),
  c('MN', 'MNG', 'Mongolia'),
  c('MO', 'MAC', 'Macao', 'Macao Special Administrative Region of China', 'Macao SAR China', 'Macau', 'Macao SAR', 'Macau SAR'),
  c('MP', 'MNP', 'Northern Mariana Islands', 'Commonwealth of the Northern Mariana Islands'),
  c('MQ', 'MTQ', 'Martinique'),
  c('MR', 'MRT', 'Mauritania', 'Islamic Republic of Mauritania'),
  c('MS', 'MSR', 'Montserrat'),
  c('MT', 'MLT', 'Malta', 'Republic of Malta'),
  c('MU', 'MUS', 'Mauritius', 'Republic of Mauritius'),
  c('MV', 'MDV', 'Maldives', 'Republic of Maldives'),
  c('MW', 'MWI', 'Malawi', 'Republic of Malawi'),
  c('MX', 'MEX', 'Mexico', 'United Mexican States'),
  c('MY', 'MYS', 'Malaysia'),
  c('MZ', 'MOZ', 'Mozambique', 'Republic of Mozambique'),
  c('NA', 'NAM', 'Namibia', 'Republic of Namibia'),
  c('NC', 'NCL', 'New Caledonia'),
  c('NE', 'NER', 'Niger', 'Republic of the Niger'),
  c('NF', 'NFK', 'Norfolk Island'),
  c('NG', 'NGA', 'Nigeria', 'Federal Republic of Nigeria'),
  c('NI', 'NIC', 'Nicaragua', 'Republic of Nicaragua'),
  c('NL', 'NLD', 'Netherlands', 'Kingdom of the Netherlands', 'Holland', 'Nederland'),
  c('NO', 'NOR', 'Norway', 'Kingdom of Norway'),
  c('NP', 'NPL', 'Nepal', 'Federal Democratic Republic of Nepal'),
  c('NR', 'NRU', 'Nauru', 'Republic of Nauru'),
  c('NU', 'NIU', 'Niue'),
  c('NZ', 'NZL', 'New Zealand', 'Aotearoa'),
  c('OM', 'OMN', 'Oman', 'Sultanate of Oman'),
  c('PA', 'PAN', 'Panama', 'Republic of Panama'),
  c('PE', 'PER', 'Peru', 'Republic of Peru'),
  c('PF', 'PYF', 'French Polynesia'),
  c('PG', 'PNG', 'Papua New Guinea', 'Independent State of Papua New Guinea'),
  c('PH', 'PHL', 'Philippines', 'Republic of the Philippines'),
  c('PK', 'PAK', 'Pakistan', 'Islamic Republic of Pakistan'),
  c('PL', 'POL', 'Poland', 'Republic of Poland'),
  c('PM', 'SPM', 'Saint Pierre and Miquelon', 'St. Pierre & Miquelon'),
  c('PN', 'PCN', 'Pitcairn', 'Pitcairn Islands'),
  c('PR', 'PRI', 'Puerto Rico'),
  c('PS', 'PSE', 'Palestine, State of', 'Palestinian Territories', 'Palestine'),
  c('PT', 'PRT', 'Portugal', 'Portuguese Republic'),
  c('PW', 'PLW', 'Palau', 'Republic of Palau'),
  c('PY', 'PRY', 'Paraguay', 'Republic of Paraguay'),
  c('QA', 'QAT', 'Qatar', 'State of Qatar'),
  c('RE', 'REU', 'Réunion'),
  c('RO', 'ROU', 'Romania'),
  c('RS', 'SRB', 'Serbia', 'Republic of Serbia'),
  c('RU', 'RUS', 'Russian Federation', 'Russia'),
  c('RW', 'RWA', 'Rwanda', 'Rwandese Republic'),
  c('SA', 'SAU', 'Saudi Arabia', 'Kingdom of Saudi Arabia', 'KSA'),
  c('SB', 'SLB', 'Solomon Islands'),
  c('SC', 'SYC', 'Seychelles', 'Republic of Seychelles'),
  c('SD', 'SDN', 'Sudan', 'Republic of the Sudan'),
  c('SE', 'SWE', 'Sweden', 'Kingdom of Sweden'),
  c('SG', 'SGP', 'Singapore', 'Republic of Singapore'),
  c('SH', 'SHN', 'Saint Helena, Ascension and Tristan da Cunha', 'St. Helena', 'Saint Helena'),
  c('SI', 'SVN', 'Slovenia', 'Republic of Slovenia'),
  c('SJ', 'SJM', 'Svalbard and Jan Mayen'),
  c('SK', 'SVK', 'Slovakia', 'Slovak Republic'),
  c('SL', 'SLE', 'Sierra Leone', 'Republic of Sierra Leone'),
  c('SM', 'SMR', 'San Marino', 'Republic of San Marino'),
  c('SN', 'SEN', 'Senegal', 'Republic of Senegal'),
  c('SO', 'SOM', 'Somalia', 'Federal Republic of Somalia'),
  c('SR', 'SUR', 'Suriname', 'Republic of Suriname'),
  c('SS', 'SSD', 'South Sudan', 'Republic of South Sudan'),
  c('ST', 'STP', 'Sao Tome and Principe', 'Democratic Republic of Sao Tome and Principe'),
  c('SV', 'SLV', 'El Salvador', 'Republic of El Salvador'),
  c('SX', 'SXM', 'Sint Maarten (Dutch part)', 'Sint Maarten'),
  c('SY', 'SYR', 'Syrian Arab Republic', 'Syria'),
  c('SZ', 'SWZ', 'Eswatini', 'Kingdom of Eswatini', 'Swaziland'),
  c('TC', 'TCA', 'Turks and Caicos Islands'),
  c('TD', 'TCD', 'Chad', 'Republic of Chad'),
  c('TF', 'ATF', 'French Southern Territories'),
  c('TG', 'TGO', 'Togo', 'Togolese Republic'),
  c('TH', 'THA', 'Thailand', 'Kingdom of Thailand'),
  c('TJ', 'TJK', 'Tajikistan', 'Republic of Tajikistan'),
  c('TK', 'TKL', 'Tokelau'),
  c('TL', 'TLS', 'Timor-Leste', 'Democratic Republic of Timor-Leste', 'East Timor'),
  c('TM', 'TKM', 'Turkmenistan'),
  c('TN', 'TUN', 'Tunisia', 'Republic of Tunisia'),
  c('TO', 'TON', 'Tonga', 'Kingdom of Tonga'),
  c('TR', 'TUR', 'Türkiye', 'Republic of Türkiye', 'Turkey'),
  c('TT', 'TTO', 'Trinidad and Tobago', 'Republic of Trinidad and Tobago'),
  c('TV', 'TUV', 'Tuvalu'),
  c('TW', 'TWN', 'Taiwan, Province of China', 'Taiwan'),
  c('TZ', 'TZA', 'Tanzania, United Republic of', 'Tanzania', 'United Republic of Tanzania'),
  c('UA', 'UKR', 'Ukraine'),
  c('UG', 'UGA', 'Uganda', 'Republic of Uganda'),
  c('UM', 'UMI', 'United States Minor Outlying Islands', 'U.S. Outlying Islands', 'US Minor Outlying Islands'),
  c('US', 'USA', 'United States', 'United States of America', 'USA', 'U.S.A.', 'U.S.', 'America', 'US of A'),
  c('UY', 'URY', 'Uruguay', 'Eastern Republic of Uruguay'),
  c('UZ', 'UZB', 'Uzbekistan', 'Republic of Uzbekistan'),
  c('VA', 'VAT', 'Holy See (Vatican City State)', 'Vatican City', 'Holy See', 'Vatican'),
  c('VC', 'VCT', 'Saint Vincent and the Grenadines', 'St. Vincent & Grenadines', 'Saint Vincent', 'St Vincent'),
  c('VE', 'VEN', 'Venezuela, Bolivarian Republic of', 'Venezuela', 'Bolivarian Republic of Venezuela'),
  c('VG', 'VGB', 'Virgin Islands, British', 'British Virgin Islands', 'BVI'),
  c('VI', 'VIR', 'Virgin Islands, U.S.', 'Virgin Islands of the United States', 'U.S. Virgin Islands', 'USVI', 'US Virgin Islands'),
  c('VN', 'VNM', 'Viet Nam', 'Vietnam', 'Socialist Republic of Viet Nam'),
  c('VU', 'VUT', 'Vanuatu', 'Republic of Vanuatu'),
  c('WF', 'WLF', 'Wallis and Futuna'),
  c('WS', 'WSM', 'Samoa', 'Independent State of Samoa'),
  c('YE', 'YEM', 'Yemen', 'Republic of Yemen'),
  c('YT', 'MYT', 'Mayotte'),
  c('ZA', 'ZAF', 'South Africa', 'Republic of South Africa'),
  c('ZM', 'ZMB', 'Zambia', 'Republic of Zambia'),
  c('ZW', 'ZWE', 'Zimbabwe', 'Republic of Zimbabwe'),
];

/** Folds a place name to its lookup key: 'St. Kitts & Nevis' → 'saint kitts and nevis'. */
export function placeKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/&/g, ' and ')
    .replace(/[’'`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\bst\b/g, 'saint')
    .replace(/\bthe\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const byAlpha2 = new Map<string, CountryEntry>();
const byAlpha3 = new Map<string, CountryEntry>();
const byName = new Map<string, CountryEntry>();
for (const entry of COUNTRIES) {
  byAlpha2.set(entry.alpha2, entry);
  byAlpha3.set(entry.alpha3, entry);
  for (const n of [entry.name, ...entry.aliases]) {
    const key = placeKey(n);
    if (!byName.has(key)) byName.set(key, entry);
  }
}

export const countryByAlpha2 = (alpha2: string): CountryEntry | undefined => byAlpha2.get(alpha2.toUpperCase());

/**
 * Resolves what an integrator sent as a country: alpha-2 ('gb'), alpha-3 ('GBR') or an English
 * name or alias ('United Kingdom', 'UK', 'great britain'). Undefined when nothing matches.
 */
export function resolveCountry(text: string): CountryEntry | undefined {
  const t = text.trim();
  if (/^[A-Za-z]{2}$/.test(t)) {
    const hit = byAlpha2.get(t.toUpperCase());
    if (hit) return hit;
  }
  if (/^[A-Za-z]{3}$/.test(t)) {
    const hit = byAlpha3.get(t.toUpperCase());
    if (hit) return hit;
  }
  return byName.get(placeKey(t));
}
