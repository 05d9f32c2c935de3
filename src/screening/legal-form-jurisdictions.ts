/**
 * Legal forms that exist under one country's (or a few countries') company law. A company name is registered, and
 * unique, within one register: "Kessler GmbH" (a German or Austrian register) and "Kessler Sdn Bhd" (Malaysia's) are
 * two legal persons even with one name, as a name with "(Thailand)" is another than the same name without (the
 * jurisdiction qualifier of name-compare.ts). A firm does change its legal form and keep its name (ZAO → OOO, S.A. →
 * S.A.S., the lists' f.k.a. names), but within its own register; moving a company to another country's law is rare
 * and gives it a new registration.
 *
 * Only national forms are listed. Forms written in English for companies of every country are left out on purpose:
 * Ltd, Co., Ltd., LLC, Inc., JSC, PLC, LLP and S.A. are how Chinese, Korean, Iranian, Russian or Latin American firms
 * render their own forms in English (OOO = LLC, 株式会社 = Co., Ltd.), so they say nothing about the register.
 *
 * Sources (the company-law statutes that create each form): Germany GmbHG / AktG / HGB, Austria GmbHG / AktG,
 * Switzerland OR art. 620 / 772, Liechtenstein PGR; France Code de commerce L223-1 / L227-1 (SARL, SAS, EURL) and
 * OHADA Uniform Act (SARL in its 17 member states) and the Maghreb commercial codes; Italy Codice civile 2325 / 2462
 * (S.p.A., S.r.l.), Romania Law 31/1990, Chile Law 20.190 (SpA); Netherlands BW book 2 (N.V., B.V.), Belgium WVV
 * 2019 (BV, NV, SRL; BVBA / SPRL before); Poland KSH (sp. z o.o.), Czech and Slovak commercial codes (s.r.o.),
 * Hungary Civil Code book 3 (Kft., Zrt., Nyrt., Bt.); Bulgaria Commerce Act (OOD, EOOD, AD, EAD, ET), the former
 * Yugoslav company laws (d.o.o., d.d.); Russian Civil Code art. 87–106 and its CIS counterparts (OOO, AO, ZAO, PAO),
 * Ukraine (TOV), Kazakhstan (TOO), Azerbaijan (MMC); Malaysia Companies Act 2016 (Sdn. Bhd., Bhd.), Singapore
 * Companies Act 1967 s.27 (Pte. Ltd.); UAE free-zone regulations (FZE, FZCO, DMCC); Vietnam Law on Enterprises (Công
 * ty TNHH, Công ty cổ phần, DNTN); Denmark Selskabsloven (ApS, A/S, IVS, AmbA), Norway aksjeloven (AS), Finland
 * osakeyhtiölaki (Oy, Oyj), Iceland (ehf., hf.), Latvia (SIA), Lithuania (UAB); Mexico LGSM (S.A. de C.V., S. de R.L.
 * de C.V., S.A.P.I. de C.V.), Ibero-American Ltda.; Brazil (EIRELI); Turkey TTK (Şti.); Japan Companies Act (G.K.,
 * Y.K.).
 */

// canonical legal form (the `compare` value the normaliser records in `legalForms`) -> ISO 3166-1 alpha-2 codes
const DACH = ['de', 'at', 'ch', 'li'];
const FRANCOPHONE = ['fr', 'lu', 'be', 'ch', 'mc', 'ma', 'tn', 'dz', 'lb', 'sn', 'ci', 'cm', 'ga', 'bj', 'bf', 'ml', 'ne'];
const FRANCOPHONE_MORE = ['tg', 'td', 'cf', 'cg', 'cd', 'gq', 'gn', 'gw', 'km', 'mg', 'mr', 'ht', 'dj'];
const CIS = ['ru', 'by', 'kz', 'kg', 'tj', 'uz', 'am', 'az', 'tm', 'md'];
const IBERO_AMERICAN = ['br', 'pt', 'co', 'cl', 'ec', 'pe', 'uy', 'py', 'bo', 've', 'ao', 'mz', 'ar', 'cr', 'do', 'gt', 'hn', 'ni', 'pa', 'sv'];
const EX_YUGOSLAV = ['rs', 'hr', 'si', 'ba', 'me', 'mk'];

const COUNTRIES: Record<string, readonly string[]> = {
  gmbh: DACH,
  ggmbh: DACH,
  ug: ['de'],
  gmbhcokg: DACH,
  kgaa: DACH,
  ohg: ['de'],
  ag: DACH,
  sarl: [...FRANCOPHONE, ...FRANCOPHONE_MORE],
  eurl: ['fr'],
  sas: ['fr', 'lu', 'co'],
  spa: ['it', 'cl'],
  srl: ['it', 'ro', 'md', 'be', 'ar', 'bo', 'pe', 'uy', 'py', 'cr', 'do', 'ec', 've'],
  bv: ['nl', 'be', 'sr', 'cw', 'aw', 'sx'],
  bvba: ['be'],
  sprl: ['be'],
  nv: ['nl', 'be', 'sr', 'cw', 'aw', 'sx'],
  spzoo: ['pl'],
  sro: ['cz', 'sk'],
  kft: ['hu'],
  zrt: ['hu'],
  nyrt: ['hu'],
  bt: ['hu'],
  ood: ['bg'],
  eood: ['bg'],
  ead: ['bg'],
  ad: ['bg', 'rs', 'mk', 'me', 'ba'],
  doo: EX_YUGOSLAV,
  jdoo: ['hr'],
  dd: ['hr', 'si', 'ba'],
  ooo: CIS,
  zao: CIS,
  pao: CIS,
  ao: CIS,
  tov: ['ua'],
  too: ['kz'],
  mmc: ['az'],
  sdnbhd: ['my', 'bn'],
  bhd: ['my', 'bn'],
  pteltd: ['sg'],
  fze: ['ae'],
  fzco: ['ae'],
  dmcc: ['ae'],
  ctytnhh: ['vn'],
  ctytnhhmtv: ['vn'],
  ctycp: ['vn'],
  dntn: ['vn'],
  aps: ['dk'],
  ivs: ['dk'],
  amba: ['dk'],
  as: ['dk', 'no', 'ee'],
  oy: ['fi'],
  oyj: ['fi'],
  ehf: ['is'],
  hf: ['is'],
  sia: ['lv'],
  uab: ['lt'],
  sacv: ['mx'],
  srlcv: ['mx'],
  sapicv: ['mx'],
  ltda: IBERO_AMERICAN,
  eireli: ['br'],
  sti: ['tr'],
  gk: ['jp'],
  yk: ['jp'],
};

/** The countries whose company law has this legal form, or undefined for a form written for firms of any country. */
export function legalFormCountries(form: string): readonly string[] | undefined {
  return Object.hasOwn(COUNTRIES, form) ? COUNTRIES[form] : undefined;
}

/**
 * Whether two names' legal forms place them under different countries' company law: each side has a national form
 * and no country has a form of both sides. A side with only English-rendered forms (Ltd, LLC, JSC) says nothing.
 */
export function legalFormsOfOtherCountries(formsA: readonly string[], formsB: readonly string[]): boolean {
  const ca = formsA.flatMap((f) => legalFormCountries(f) ?? []);
  const cb = formsB.flatMap((f) => legalFormCountries(f) ?? []);
  return ca.length > 0 && cb.length > 0 && !ca.some((c) => cb.includes(c));
}
