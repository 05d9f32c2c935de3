/**
 * An independent development set of labelled name pairs, mined from the real lists (OFAC SDN and consolidated, UN,
 * the FtM sample): one entity's own names against each other (positives) and close names of different entities
 * (hard negatives). Labels come from list identity, never from Remit's matcher, so the set does not move when the
 * matcher does; candidates are chosen by letter trigrams and shared words (this file), not by Remit's scores.
 * Deterministic: no clock, a seeded generator, every choice after a stable sort. Construction and the label-noise
 * check: docs/screening.md "quality lane 5".
 */
import { join } from 'node:path';
import { seededUniform } from '../../src/domain/shared/seeded-random.ts';
import { loadFtmJsonl } from '../../src/screening/ftm-jsonl-loader.ts';
import { levenshtein } from '../../src/screening/jaro-winkler.ts';
import { loadOfacSdn } from '../../src/screening/ofac-sdn-loader.ts';
import type { ScreeningEntity } from '../../src/screening/screening-entity.ts';
import { loadUnXml } from '../../src/screening/un-xml-loader.ts';

export const DEVSET_COLUMNS = ['case_group', 'schema', 'name1', 'name2', 'is_match', 'quality', 'category', 'notes'] as const;

export interface DevPair {
  caseGroup: string;
  schema: 'Person' | 'Company' | 'Vessel';
  name1: string;
  name2: string;
  isMatch: boolean;
  category: string;
  notes: string;
}

/** Rows per category at most (a category with fewer candidates keeps them all). */
const PER_CATEGORY = 120;
const SEED = 0x5eed_0019;
const FIXED_NOW = (): Date => new Date('2026-01-01T00:00:00Z');

/** One listed entity with the list it came from and its dev-set schema (persons, organisations, vessels only). */
export interface Listed {
  list: string;
  entity: ScreeningEntity;
  schema: DevPair['schema'];
}

/** All pairs, sorted by category and then sampled; `dataDir` is the shared screening data folder. */
export function listPairs(dataDir: string): DevPair[] {
  const listed = loadListed(dataDir);
  const candidates = [...positives(listed), ...negatives(listed), ...vesselPlurals(listed)];
  return sampleByCategory(candidates);
}

/** The entities of every list the dev set is mined from, in list order and then file order (deterministic). */
export function loadListed(dataDir: string): Listed[] {
  const lists = [
    loadOfacSdn(join(dataDir, 'ofac', 'sdn.csv'), { now: FIXED_NOW }),
    loadOfacSdn(join(dataDir, 'ofac', 'cons_prim.csv'), { now: FIXED_NOW }),
    loadUnXml(join(dataDir, 'un', 'UN_consolidated.xml'), { now: FIXED_NOW }),
    loadFtmJsonl(join(dataDir, 'opensanctions', 'zala.entities.ftm.json'), { now: FIXED_NOW }),
  ];
  const out: Listed[] = [];
  for (const l of lists)
    for (const entity of l.entities) {
      const schema = schemaOf(entity.kind);
      if (schema) out.push({ list: l.version.listId, entity, schema });
    }
  return out;
}

function schemaOf(kind: ScreeningEntity['kind']): DevPair['schema'] | undefined {
  if (kind === 'person') return 'Person';
  if (kind === 'organisation') return 'Company';
  if (kind === 'vessel') return 'Vessel';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Folding (the generator's own, deliberately simpler than Remit's normaliser)

export function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export const words = (s: string): string[] => fold(s).split(' ').filter(Boolean);

/** Written only in Latin letters (digits and punctuation allowed). */
export function isLatin(s: string): boolean {
  return !/(?!\p{Script=Latin})\p{L}/u.test(s);
}

export function trigrams(s: string): Set<string> {
  const t = ` ${fold(s)} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= t.length; i++) out.add(t.slice(i, i + 3));
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/** Legal forms a company name ends with in the lists (checked on the folded words). */
const LEGAL_FORM_ENDINGS: readonly (readonly string[])[] = [
  ['limited', 'liability', 'company'],
  ['closed', 'joint', 'stock', 'company'],
  ['open', 'joint', 'stock', 'company'],
  ['public', 'joint', 'stock', 'company'],
  ['joint', 'stock', 'company'],
  ['co', 'ltd'],
  ['company', 'limited'],
  ['pvt', 'ltd'],
  ['private', 'limited'],
  ['llc'],
  ['ltd'],
  ['limited'],
  ['gmbh'],
  ['inc'],
  ['corp'],
  ['corporation'],
  ['sa'],
  ['s', 'a'],
  ['srl'],
  ['fze'],
  ['fzco'],
  ['fzc'],
  ['jsc'],
  ['pjsc'],
  ['ojsc'],
  ['cjsc'],
  ['ooo'],
  ['plc'],
  ['bv'],
  ['ag'],
  ['sarl'],
];

/** The name without its trailing legal form, as written (punctuation before it dropped); undefined when none. */
export function withoutLegalForm(name: string): string | undefined {
  const ws = words(name);
  for (const form of LEGAL_FORM_ENDINGS) {
    if (ws.length <= form.length) continue;
    if (!form.every((w, i) => ws[ws.length - form.length + i] === w)) continue;
    // Cut the written name after its last kept word.
    const keep = ws.length - form.length;
    const re = /[\p{L}\p{N}]+/gu;
    let seen = 0;
    let end = 0;
    for (const m of name.matchAll(re)) {
      const w = fold(m[0]).split(' ');
      seen += w.length;
      end = m.index + m[0].length;
      if (seen >= keep) break;
    }
    if (seen !== keep) return undefined;
    const kept = name.slice(0, end);
    // A parenthesis the kept words opened is closed again (`GEMS (HK` → `GEMS (HK)`).
    return (kept.split('(').length > kept.split(')').length ? `${kept})` : kept).trim();
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Positives: one entity's own names

/** A word in this many names of its list and kind or more is common (company, bank, al, mohammed): not distinctive. */
const COMMON_WORD = 30;

/** How many names of each list and kind hold each folded word (each name counted once per word). */
function wordCounts(listed: readonly Listed[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { list, entity, schema } of listed)
    for (const n of entity.names)
      for (const w of new Set(words(n.value))) {
        const k = `${list}|${schema}|${w}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
  return counts;
}

/**
 * Two Latin names of one entity are variants of one name (not two unrelated names the entity also goes by) when
 * every distinctive word (3+ letters, not common) of the name with fewer of them is in the other, spelt alike (the
 * same, or at most two edits apart in words of 5+ letters), and there is one; or when they share most trigrams.
 */
export function variants(a: readonly string[], b: readonly string[], distinctive: (w: string) => boolean): boolean {
  const da = a.filter(distinctive);
  const db = b.filter(distinctive);
  const [few, many] = da.length <= db.length ? [da, b] : [db, a];
  const alike = (x: string, y: string) => x === y || (x.length >= 5 && y.length >= 5 && levenshtein(x, y) <= 2);
  if (few.length > 0 && few.every((w) => many.some((o) => alike(w, o)))) return true;
  const [ta, tb] = da.length > 0 && db.length > 0 ? [da, db] : [a, b];
  return jaccard(trigrams(ta.join(' ')), trigrams(tb.join(' '))) >= 0.5;
}

/**
 * A name in another script is the primary name written there (not another alias of the entity) when it holds no
 * Latin letter (an English gloss in parentheses marks another name) and has about as many words (half to twice).
 */
export function sameNameInScript(latin: string, other: string): boolean {
  if (/\p{Script=Latin}/u.test(other)) return false;
  const a = latin.split(/\s+/).length;
  const b = other.split(/\s+/).length;
  return b * 2 >= a && b <= a * 2;
}

export function positives(listed: readonly Listed[]): DevPair[] {
  const counts = wordCounts(listed);
  const out: DevPair[] = [];
  for (const { list, entity, schema } of listed) {
    const primary = entity.names.find((n) => n.type === 'primary')?.value;
    if (!primary || !isLatin(primary)) continue;
    const distinctive = (w: string) => w.length >= 3 && !/^\d+$/.test(w) && (counts.get(`${list}|${schema}|${w}`) ?? 0) < COMMON_WORD;
    const note = `${list} ${entity.entryId}`;
    const add = (name2: string, category: string) =>
      out.push({ caseGroup: 'list_aliases', schema, name1: primary, name2, isMatch: true, category, notes: note });
    for (const n of entity.names) {
      if (n.type === 'primary' || n.type === 'weak_aka' || fold(n.value) === fold(primary)) continue;
      if (!isLatin(n.value)) {
        if (sameNameInScript(primary, n.value)) add(n.value, 'script');
      } else if (!variants(words(primary), words(n.value), distinctive)) continue;
      else if (n.type === 'fka') add(n.value, schema === 'Vessel' ? 'vessel-former-name-variant' : 'former-name-variant');
      else add(n.value, schema === 'Person' ? 'person-alias-spelling' : 'alias-spelling');
    }
    if (schema === 'Vessel')
      for (const n of entity.names)
        if (n.type === 'fka' && isLatin(n.value) && fold(n.value) !== fold(primary))
          out.push({
            caseGroup: 'list_aliases',
            schema,
            name1: `${primary} (ex-${n.value})`,
            name2: n.value,
            isMatch: true,
            category: 'ex-name-alias',
            notes: note,
          });
    if (schema === 'Company') {
      const bare = withoutLegalForm(primary);
      if (bare && words(bare).some(distinctive)) add(bare, 'legal-form-dropped');
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Hard negatives: close names of different entities of one list

interface NameRef {
  at: number;
  name: string;
  folded: string[];
  grams: Set<string>;
}

/** Trigrams in more names than this are not used to find neighbours (too common to say anything). */
const COMMON_GRAM = 1500;
/** Neighbours closer than this (trigram Jaccard) are candidates; the nearest few per name are kept. */
const NEAR = 0.45;
const NEIGHBOURS_PER_NAME = 2;

function negatives(listed: readonly Listed[]): DevPair[] {
  const out: DevPair[] = [];
  const groups = new Map<string, number[]>();
  listed.forEach((l, i) => {
    const k = `${l.list}|${l.schema}`;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const seen = new Set<string>();
  for (const members of groups.values()) {
    const refs: NameRef[] = [];
    for (const at of members)
      for (const n of listed[at]!.entity.names)
        if ((n.type === 'primary' || n.type === 'aka') && isLatin(n.value) && words(n.value).length > 0)
          refs.push({ at, name: n.value, folded: words(n.value), grams: trigrams(n.value) });
    const postings = new Map<string, number[]>();
    refs.forEach((r, i) => {
      for (const g of r.grams) {
        const p = postings.get(g);
        if (p) p.push(i);
        else postings.set(g, [i]);
      }
    });
    refs.forEach((r, i) => {
      const shared = new Map<number, number>();
      let skipped = 0;
      for (const g of r.grams) {
        const p = postings.get(g)!;
        if (p.length > COMMON_GRAM) skipped++;
        else for (const j of p) if (j > i) shared.set(j, (shared.get(j) ?? 0) + 1);
      }
      // Jaccard ≥ NEAR needs NEAR·|r| grams in common at least (the skipped common ones may be among them).
      const near = [...shared]
        .filter(([, n]) => n + skipped >= NEAR * r.grams.size)
        .map(([j]) => ({ j, sim: jaccard(r.grams, refs[j]!.grams) }))
        .filter(({ j, sim }) => sim >= NEAR && refs[j]!.at !== r.at)
        .sort((a, b) => b.sim - a.sim || a.j - b.j)
        .slice(0, NEIGHBOURS_PER_NAME);
      for (const { j } of near) {
        const o = refs[j]!;
        const a = listed[r.at]!;
        const b = listed[o.at]!;
        const key = [fold(r.name), fold(o.name)].sort().join('|');
        if (seen.has(key) || maybeSameEntity(a.entity, b.entity, r.folded, o.folded)) continue;
        seen.add(key);
        out.push({
          caseGroup: 'list_neighbours',
          schema: a.schema,
          name1: r.name,
          name2: o.name,
          isMatch: false,
          category: negativeCategory(a.schema, r.folded, o.folded),
          notes: `${a.list} ${a.entity.entryId} / ${b.entity.entryId}`,
        });
      }
    });
  }
  return out;
}

/**
 * The rule that keeps the same real party listed twice out of the negatives: any name the two entries share (folded,
 * spaces and punctuation dropped: branches of one organisation listed apart, the same party on two programmes), one
 * name's words all inside the other's (a branch, a shortened name), a shared date of birth, or a shared identifier.
 */
export function maybeSameEntity(a: ScreeningEntity, b: ScreeningEntity, wa: readonly string[], wb: readonly string[]): boolean {
  const squeezed = (e: ScreeningEntity) => new Set(e.names.map((n) => fold(n.value).replace(/ /g, '')));
  const namesA = squeezed(a);
  if ([...squeezed(b)].some((n) => namesA.has(n))) return true;
  const sa = new Set(wa);
  const sb = new Set(wb);
  if ([...sa].every((w) => sb.has(w)) || [...sb].every((w) => sa.has(w))) return true;
  const dobs = new Set(a.dobs.map((d) => JSON.stringify(d)));
  if (b.dobs.some((d) => dobs.has(JSON.stringify(d)))) return true;
  const ids = new Set(a.identifiers.map((i) => i.value.replace(/\W/g, '').toLowerCase()));
  return b.identifiers.some((i) => ids.has(i.value.replace(/\W/g, '').toLowerCase()));
}

const isNumber = (w: string) => /^\d+$/.test(w);

/** What the two different names differ in, in the shared sets' category words where they correspond. */
export function negativeCategory(schema: DevPair['schema'], a: readonly string[], b: readonly string[]): string {
  const onlyA = a.filter((w) => !b.includes(w));
  const onlyB = b.filter((w) => !a.includes(w));
  const prefix = schema === 'Vessel' ? 'vessel-' : schema === 'Person' ? 'person-' : '';
  if (onlyA.length > 0 && onlyB.length > 0 && [...onlyA, ...onlyB].every(isNumber)) return `${prefix}numeral`;
  if (onlyA.length === 1 && onlyB.length === 1) {
    const [x, y] = [onlyA[0]!, onlyB[0]!];
    if (x + 's' === y || y + 's' === x || x + 'es' === y || y + 'es' === x) return `${prefix}plural`;
    if (schema === 'Person') return 'person-one-name-differs';
    return levenshtein(x, y) <= 2 ? `${prefix}near-string` : `${prefix}other-word`;
  }
  if (schema === 'Person') return a.some((w) => b.includes(w)) ? 'family-name-different-person' : 'person-near-name';
  return `${prefix}near-name`;
}

// ---------------------------------------------------------------------------------------------------------------
// Vessel names against their last word in the plural (the lists hold no such pair of different ships)

/** English plural of a name's last word (ships are named in English or with English plurals: Star / Stars). */
export function pluralised(word: string): string | undefined {
  if (!/^[a-z]{3,}$/i.test(word) || /s$/i.test(word)) return undefined;
  const upper = word === word.toUpperCase();
  const plural = /[^aeiou]y$/i.test(word) ? `${word.slice(0, -1)}ies` : /(x|ch|sh)$/i.test(word) ? `${word}es` : `${word}s`;
  return upper ? plural.toUpperCase() : plural;
}

/**
 * Each listed vessel's name of two words or more against the same name with its last word in the plural: another ship (the shared cascade
 * set's `vessel-plural` convention; sister ships and fleets are named so). Synthetic, so in a case group of its own.
 */
function vesselPlurals(listed: readonly Listed[]): DevPair[] {
  const out: DevPair[] = [];
  for (const { list, entity, schema } of listed) {
    if (schema !== 'Vessel') continue;
    const name = entity.names.find((n) => n.type === 'primary')?.value;
    if (!name || !isLatin(name)) continue;
    const m = /^(.*\s)([A-Za-z]+)$/.exec(name.trim());
    const plural = m?.[2] ? pluralised(m[2]) : undefined;
    if (!m || !plural) continue;
    const name2 = `${m[1]}${plural}`;
    out.push({
      caseGroup: 'list_variants',
      schema,
      name1: name,
      name2,
      isMatch: false,
      category: 'vessel-plural',
      notes: `${list} ${entity.entryId}, synthetic`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Sampling and CSV

/** FNV-1a of a text: each category is shuffled by its own stream, so a change in one category leaves the others as they were. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function sampleByCategory(rows: readonly DevPair[], perCategory = PER_CATEGORY): DevPair[] {
  const byCategory = new Map<string, DevPair[]>();
  for (const r of rows) {
    const k = `${r.isMatch ? 1 : 0}|${r.schema}|${r.category}`;
    const list = byCategory.get(k);
    if (list) list.push(r);
    else byCategory.set(k, [r]);
  }
  const out: DevPair[] = [];
  for (const k of [...byCategory.keys()].sort()) {
    const list = [...byCategory.get(k)!].sort((a, b) => csvLine(a).localeCompare(csvLine(b)));
    const random = seededUniform(SEED ^ fnv1a(k));
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    out.push(...list.slice(0, perCategory));
  }
  return out;
}

function cell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(r: DevPair): string {
  return [r.caseGroup, r.schema, r.name1, r.name2, String(r.isMatch), '', r.category, r.notes].map(cell).join(',');
}

export function toCsv(rows: readonly DevPair[]): string {
  return [DEVSET_COLUMNS.join(','), ...rows.map(csvLine)].join('\n') + '\n';
}
