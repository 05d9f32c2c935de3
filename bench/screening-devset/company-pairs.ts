/**
 * A second development set from the real lists, for company and vessel precision (lane quality11): an entity's name
 * against its own aliases and former names (positives, as in list-pairs.ts), and names of **different** entries of one
 * list whose words say they could be one party — the same words but for a country, a word on one side (a subsidiary
 * named by its country or activity), one word different (sister companies, sister ships), other numbers (numbered
 * ships and SPVs). Labels come from list identity (one entry = one party), never from Remit's matcher; candidates are
 * found by the generator's own folding and word sets, so the set does not move when the matcher does.
 *
 * Unlike list-pairs.ts's neighbours, a negative is kept when one name's words lie inside the other's: that is how a
 * group names its subsidiaries ("VTB BANK" / "VTB BANK BELARUS", "PETROPARS LIMITED" / "PETROPARS UK LIMITED"), and
 * the lists list them apart. Left out: two entries sharing an identifier (one ship listed twice), two names equal once
 * folded (no name comparison can tell them apart), and pairs across lists (one party is on several lists).
 * Deterministic: no clock, every choice after a stable sort, a seeded sample per category. docs/screening.md "Lane
 * quality11".
 */
import { countryCode, isRegionName } from '../../src/screening/country-codes.ts';
import { isDictionaryWord } from '../../src/screening/dictionary-words.ts';
import type { ScreeningEntity } from '../../src/screening/screening-entity.ts';
import { fold, isLatin, loadListed, pluralised, positives, sampleByCategory, words, type DevPair, type Listed } from './list-pairs.ts';

/** Rows per category at most. */
const PER_CATEGORY = 150;

/** All pairs of the company/vessel set; `dataDir` is the shared screening data folder. */
export function companyPairs(dataDir: string): DevPair[] {
  const listed = loadListed(dataDir).filter((l) => l.schema !== 'Person');
  return sampleByCategory([...positives(listed), ...relatedNegatives(listed), ...shipsFiledAsCompanies(listed)], PER_CATEGORY);
}

/** A folded word naming a country or a world region ("uk", "belarus", "europe"). */
export function isCountryWord(w: string): boolean {
  return isRegionName(w) || ((w.length >= 4 || ['uk', 'us', 'usa', 'uae', 'hk'].includes(w)) && countryCode(w) !== undefined);
}

/** A number, in digits or Roman numerals up to 39 (`BICENTENARIO XII`; not `llc`, `civil`). */
const isNumber = (w: string): boolean => /^\d+$/.test(w) || /^(?=[ivx])x{0,3}(ix|iv|v?i{0,3})$/.test(w);

/** Words of a legal form or a name's structure that say nothing about which party it is (checked folded). */
const FORM_WORDS = new Set(
  'ltd limited llc llp lp co company corp corporation inc sa s a srl sl sas spa gmbh ag ab as oy nv fze fzco fzc jsc pjsc ojsc cjsc ooo zao oao pao ao tov ood eood ad dd doo kft sro sae sal pty bhd sdn plc bv sarl pte pvt private public joint stock closed open the of and'.split(
    ' ',
  ),
);

interface Ref {
  at: number;
  name: string;
  words: string[];
}

/**
 * What relates two names of different entries, or undefined when nothing this set looks for: the category of the
 * negative. `a` has at most as many words as `b`.
 */
export function relation(a: readonly string[], b: readonly string[], vessel: boolean): string | undefined {
  const onlyA = a.filter((w) => !b.includes(w));
  const onlyB = b.filter((w) => !a.includes(w));
  if (onlyA.length + onlyB.length === 0) return undefined;
  const shared = a.filter((w) => b.includes(w) && !FORM_WORDS.has(w) && !isCountryWord(w) && !isNumber(w));
  if (shared.length === 0) return undefined;
  const prefix = vessel ? 'vessel-' : '';
  const diff = [...onlyA, ...onlyB];
  if (diff.every(isCountryWord))
    return onlyA.length > 0 && onlyB.length > 0 ? `${prefix}other-country-both-sides` : `${prefix}country-one-side`;
  if (diff.every((w) => isNumber(w))) return `${prefix}numbered`;
  if (diff.every((w) => FORM_WORDS.has(w))) return `${prefix}same-name-other-form`;
  if (onlyA.length === 0 && onlyB.length <= 2) {
    if (onlyB.every((w) => isCountryWord(w) || FORM_WORDS.has(w))) return `${prefix}country-one-side`;
    return onlyB.every((w) => isDictionaryWord(w) || FORM_WORDS.has(w) || isCountryWord(w))
      ? `${prefix}subsidiary-by-activity`
      : `${prefix}extra-proper-word`;
  }
  if (onlyA.length === 1 && onlyB.length === 1) return vessel ? 'vessel-sister-ship' : 'one-word-differs';
  return undefined;
}

/** Two entries that are one party however they are listed: a shared identifier (one ship under two entries). */
export function sharesIdentifier(a: ScreeningEntity, b: ScreeningEntity): boolean {
  const ids = new Set(a.identifiers.map((i) => i.value.replace(/\W/g, '').toLowerCase()));
  return b.identifiers.some((i) => ids.has(i.value.replace(/\W/g, '').toLowerCase()));
}

/** Two entries registered or based in different countries only (addresses, registration, flag), both known. */
function otherCountries(a: ScreeningEntity, b: ScreeningEntity): boolean {
  return a.countries.length > 0 && b.countries.length > 0 && !a.countries.some((c) => b.countries.includes(c));
}

/** The words of a name a pair must share one of to be looked at: distinctive ones (not forms, countries or numbers). */
const keyWords = (ws: readonly string[]): string[] =>
  ws.filter((w) => w.length >= 3 && !FORM_WORDS.has(w) && !isCountryWord(w) && !isNumber(w));

/** Posting lists longer than this (common words: bank, trading, shipping) are not used to find candidates. */
const COMMON_WORD = 60;

function relatedNegatives(listed: readonly Listed[]): DevPair[] {
  const groups = new Map<string, number[]>();
  listed.forEach((l, i) => {
    const k = `${l.list}|${l.schema}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const out: DevPair[] = [];
  const seen = new Set<string>();
  for (const members of groups.values()) {
    const refs: Ref[] = [];
    for (const at of members)
      for (const n of listed[at]!.entity.names)
        if (n.type !== 'weak_aka' && isLatin(n.value) && words(n.value).length > 0) refs.push({ at, name: n.value, words: words(n.value) });
    const postings = new Map<string, number[]>();
    refs.forEach((r, i) => {
      for (const w of new Set(keyWords(r.words))) postings.set(w, [...(postings.get(w) ?? []), i]);
    });
    refs.forEach((r, i) => {
      const near = new Set<number>();
      for (const w of new Set(keyWords(r.words))) {
        const p = postings.get(w)!;
        if (p.length <= COMMON_WORD) for (const j of p) if (j > i && refs[j]!.at !== r.at) near.add(j);
      }
      for (const j of [...near].sort((x, y) => x - y)) {
        const o = refs[j]!;
        const [x, y] = r.words.length <= o.words.length ? [r, o] : [o, r];
        const a = listed[x.at]!;
        const b = listed[y.at]!;
        const key = [fold(x.name), fold(y.name)].sort().join('|');
        if (seen.has(key) || fold(x.name).replace(/ /g, '') === fold(y.name).replace(/ /g, '')) continue;
        const related = relation(x.words, y.words, a.schema === 'Vessel');
        if (!related || sharesIdentifier(a.entity, b.entity)) continue;
        const category =
          related.endsWith('same-name-other-form') && otherCountries(a.entity, b.entity)
            ? related.replace('other-form', 'other-jurisdiction')
            : related;
        seen.add(key);
        out.push({
          caseGroup: 'list_related',
          schema: a.schema,
          name1: x.name,
          name2: y.name,
          isMatch: false,
          category,
          notes: `${a.list} ${a.entity.entryId} / ${b.entity.entryId}`,
        });
      }
    });
  }
  return out;
}

/**
 * Each listed vessel's name of two words or more, written with `MV` and filed as a company (as lists and forms file
 * ships), against the same with its last word in the plural: another ship (list-pairs.ts's `vessel-plural`, under the
 * Company schema). Synthetic, so in a case group of its own.
 */
function shipsFiledAsCompanies(listed: readonly Listed[]): DevPair[] {
  const out: DevPair[] = [];
  for (const { list, entity, schema } of listed) {
    if (schema !== 'Vessel') continue;
    const name = entity.names.find((n) => n.type === 'primary')?.value;
    const m = name && isLatin(name) ? /^(.*\s)([A-Za-z]+)$/.exec(name.trim()) : null;
    const plural = m?.[2] ? pluralised(m[2]) : undefined;
    if (!m || !plural) continue;
    out.push({
      caseGroup: 'list_variants',
      schema: 'Company',
      name1: `MV ${name!.trim()}`,
      name2: `MV ${m[1]}${plural}`,
      isMatch: false,
      category: 'ship-as-company-plural',
      notes: `${list} ${entity.entryId}, synthetic`,
    });
  }
  return out;
}
