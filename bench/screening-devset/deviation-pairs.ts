/**
 * A deviation dev set of person name pairs built from real names (lane quality12): names of listed and politically
 * exposed people (OFAC SDN individuals, UN individuals, US Congress members) and the people of the negatives files,
 * each written once as it is and once with one named deviation applied programmatically (the kinds the shared
 * name-pair set names: nickname, initials, title, joined / split / reordered words, phonetic replacement, misspelling,
 * letters added / dropped / doubled / swapped, digits for letters, ordinals, a duplicated word, context before or after
 * the name); and pairs of **different** real people who share a family name or a given name, or whose names are near
 * strings. Labelled by construction, never by Remit's matcher. Deterministic: no clock, a seeded generator per
 * category, every choice after a stable order. Construction: docs/screening.md "Lane quality12".
 */
import { join } from 'node:path';
import { seededUniform, type Uniform } from '../../src/domain/shared/seeded-random.ts';
import { readEvalCsv } from '../../src/screening/screening-eval.ts';
import { levenshtein } from '../../src/screening/jaro-winkler.ts';
import { loadOfacSdn } from '../../src/screening/ofac-sdn-loader.ts';
import { loadSenzingJsonl } from '../../src/screening/senzing-jsonl-loader.ts';
import { loadUnXml } from '../../src/screening/un-xml-loader.ts';
import { GIVEN_NAME_NICKNAMES } from './given-name-nicknames.ts';
import { fnv1a, fold, isLatin, jaccard, trigrams, type DevPair } from './list-pairs.ts';

/** A real person's name, split into given and family words as the source writes it. */
export interface RealName {
  source: string;
  id: string;
  given: string[];
  family: string[];
}

/** Rows per deviation kind and per negative category at most. */
const PER_KIND = 250;
/** Rows per negative category at most: a positive kind is one deviation, a negative category many kinds of difference. */
const PER_NEGATIVE = 750;
const SEED = 0x5eed_0c12;
const FIXED_NOW = (): Date => new Date('2026-01-01T00:00:00Z');
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);

const display = (n: RealName): string => [...n.given, ...n.family].join(' ');
const isWord = (w: string): boolean => /^\p{L}{3,}$/u.test(w);

/** The name stock: every source's Latin person names with a given and a family part, in file order. */
export function loadRealNames(dataDir: string): RealName[] {
  const out: RealName[] = [];
  const ofac = loadOfacSdn(join(dataDir, 'ofac', 'sdn.csv'), { now: FIXED_NOW });
  for (const e of ofac.entities) {
    const name = e.kind === 'person' ? e.names.find((n) => n.type === 'primary')?.value : undefined;
    const parts = name?.split(',');
    if (!name || !isLatin(name) || parts?.length !== 2) continue;
    add(out, 'ofac-sdn', e.entryId, split(parts[1]!), split(parts[0]!));
  }
  const lists = [
    loadUnXml(join(dataDir, 'un', 'UN_consolidated.xml'), { now: FIXED_NOW }),
    loadSenzingJsonl(join(dataDir, 'opensanctions', 'us_congress_pep.senzing.jsonl'), { now: FIXED_NOW }),
  ];
  for (const l of lists)
    for (const e of l.entities) {
      const name = e.kind === 'person' ? e.names.find((n) => n.type === 'primary')?.value : undefined;
      if (!name || !isLatin(name)) continue;
      const words = split(name).filter((w) => !SUFFIXES.has(fold(w)));
      add(out, l.version.listId, e.entryId, words.slice(0, -1), words.slice(-1));
    }
  for (const file of ['negatives-global.csv', 'negatives-us.csv'])
    readEvalCsv(join(dataDir, 'eval', file)).forEach((r, i) => {
      const given = split(`${r['first_name'] ?? ''} ${r['middle_name'] ?? ''}`);
      if (isLatin(r['full_name'] ?? '')) add(out, file.replace('.csv', ''), String(i + 2), given, split(r['last_name'] ?? ''));
    });
  return out;
}

const split = (s: string): string[] =>
  s
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/,+$/, ''))
    .filter(Boolean);

function add(out: RealName[], source: string, id: string, given: string[], family: string[]): void {
  if (given.length > 0 && family.length > 0 && isWord(given[0]!) && family.every((w) => /\p{L}{2,}/u.test(w)))
    out.push({ source, id, given, family });
}

/** One deviation: the name as the deviation writes it and what was done, or undefined when it does not apply. */
type Deviation = (n: RealName, u: Uniform) => { name: string; what: string; original?: string } | undefined;

const pick = <T>(xs: readonly T[], u: Uniform): T => xs[Math.floor(u() * xs.length)]!;
/** A position inside a word, never its first letter (slips seldom touch it; a first-letter change is another name). */
const inner = (w: string, u: Uniform): number => 1 + Math.floor(u() * (w.length - 1));

/** Applies `f` to one word of the name (given or family, chosen at random among words of 4+ letters). */
function oneWord(n: RealName, u: Uniform, f: (w: string) => string | undefined, what: string): ReturnType<Deviation> {
  const all = [...n.given, ...n.family];
  const at = all.map((w, i) => (/^\p{L}{4,}$/u.test(w) ? i : -1)).filter((i) => i >= 0);
  if (at.length === 0) return undefined;
  const i = pick(at, u);
  const w = f(all[i]!);
  if (w === undefined || w === all[i]) return undefined;
  all[i] = w;
  return { name: all.join(' '), what: `${what}: ${[...n.given, ...n.family][i]} -> ${w}` };
}

const caseAs = (model: string, w: string): string => (model === model.toUpperCase() ? w.toUpperCase() : w);

/** Sound-preserving respellings (English and romanisation conventions): one applied to one word. */
const PHONETIC: readonly [RegExp, string][] = [
  [/ph/i, 'f'],
  [/(?<=.)f/i, 'ph'],
  [/ck/i, 'k'],
  [/(?<=.)c(?=[aou])/i, 'k'],
  [/(?<=.)k/i, 'c'],
  [/ee/i, 'i'],
  [/ou/i, 'u'],
  [/(?<=.)y/i, 'i'],
  [/(?<=.)i(?=[aeou])/i, 'y'],
  [/(?<=.)v/i, 'w'],
  [/(?<=.)z/i, 's'],
  [/(?<=[aeiou])s(?=[aeiou])/i, 'z'],
  [/x/i, 'ks'],
  [/th/i, 't'],
  [/(?<=.)q/i, 'k'],
  [/sh/i, 'sch'],
];

const TITLES = ['Mr.', 'Dr.', 'Prof.', 'General', 'Senator', 'Sheikh', 'Colonel', 'His Excellency', 'Hon.'];
const CONTEXT_BEFORE = ['The late', 'Late', 'Former', 'Citizen'];
const CONTEXT_AFTER = ['Jr.', 'Sr.', '(deceased)', 'Esq.', 'PhD', '(alias)'];
const LEET: Record<string, string> = { o: '0', i: '1', e: '3', a: '4', s: '5' };
const ORDINALS: readonly [string, string][] = [
  ['II', '2nd'],
  ['III', '3rd'],
  ['IV', '4th'],
  ['II', 'the Second'],
  ['III', 'the Third'],
];

/** Every deviation kind, by the category name the shared set uses (kebab-cased). */
export const DEVIATIONS: Readonly<Record<string, Deviation>> = {
  'nickname-usage': (n, u) => {
    const short = GIVEN_NAME_NICKNAMES[fold(n.given[0]!)];
    if (!short) return undefined;
    const s = caseAs(n.given[0]!, pick(short, u));
    return { name: [s, ...n.given.slice(1), ...n.family].join(' '), what: `nickname ${s}` };
  },
  'initials-usage': (n) => ({
    name: [`${n.given[0]![0]}.`, ...n.given.slice(1), ...n.family].join(' '),
    what: 'first given name as initial',
  }),
  'initials-all-given': (n) =>
    n.given.length < 2
      ? undefined
      : { name: [...n.given.map((g) => `${g[0]}.`), ...n.family].join(' '), what: 'all given names as initials' },
  'title-addition': (n, u) => {
    const t = pick(TITLES, u);
    return { name: `${t} ${display(n)}`, what: `title ${t}` };
  },
  'word-joining': (n, u) => {
    const all = [...n.given, ...n.family];
    if (all.length < 2) return undefined;
    const i = Math.floor(u() * (all.length - 1));
    return { name: [...all.slice(0, i), all[i]! + all[i + 1]!, ...all.slice(i + 2)].join(' '), what: `joined ${all[i]} ${all[i + 1]}` };
  },
  'word-splitting': (n, u) =>
    oneWord(
      n,
      u,
      (w) => (w.length < 7 ? undefined : `${w.slice(0, Math.ceil(w.length / 2))} ${w.slice(Math.ceil(w.length / 2))}`),
      'split',
    ),
  'word-reordering': (n) => ({ name: [...n.family, ...n.given].join(' '), what: 'family name first' }),
  'family-name-comma': (n) => ({ name: `${n.family.join(' ')}, ${n.given.join(' ')}`, what: 'FAMILY, Given' }),
  'middle-name-dropped': (n) =>
    n.given.length < 2 || !isWord(n.given[1]!)
      ? undefined
      : { name: [n.given[0]!, ...n.family].join(' '), what: `dropped ${n.given.slice(1).join(' ')}` },
  'reordered-middle-dropped': (n) =>
    n.given.length < 2 || !isWord(n.given[1]!)
      ? undefined
      : { name: [...n.family, n.given[0]!].join(' '), what: `family first, dropped ${n.given.slice(1).join(' ')}` },
  'phonetic-replacement': (n, u) => {
    const start = Math.floor(u() * PHONETIC.length);
    for (let k = 0; k < PHONETIC.length; k++) {
      const [re, to] = PHONETIC[(start + k) % PHONETIC.length]!;
      const d = oneWord(n, u, (w) => (re.test(w) ? w.replace(re, (m) => caseAs(m, to)) : undefined), 'respelt');
      if (d) return d;
    }
    return undefined;
  },
  'common-misspelling': (n, u) =>
    oneWord(
      n,
      u,
      (w) => (/(\p{L})\1/u.test(w) ? w.replace(/(\p{L})\1/u, '$1') : w.replace(/(?<=.)([^aeiouAEIOU])(?=[aeiouAEIOU])/u, '$1$1')),
      'doubling',
    ),
  'character-addition': (n, u) =>
    oneWord(
      n,
      u,
      (w) => {
        const i = inner(w, u);
        return w.slice(0, i) + caseAs(w, pick([...'aeinorst'], u)) + w.slice(i);
      },
      'letter added',
    ),
  'character-deletion': (n, u) =>
    oneWord(
      n,
      u,
      (w) => {
        const i = inner(w, u);
        return w.slice(0, i) + w.slice(i + 1);
      },
      'letter dropped',
    ),
  'character-repetition': (n, u) =>
    oneWord(
      n,
      u,
      (w) => {
        const i = inner(w, u);
        return w.slice(0, i + 1) + w.slice(i);
      },
      'letter doubled',
    ),
  'character-reversal': (n, u) =>
    oneWord(
      n,
      u,
      (w) => {
        const i = 1 + Math.floor(u() * (w.length - 2));
        return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
      },
      'letters swapped',
    ),
  'alphanumeric-swap': (n, u) =>
    oneWord(
      n,
      u,
      (w) => {
        const at = [...w].map((c, i) => (i > 0 && LEET[c.toLowerCase()] ? i : -1)).filter((i) => i >= 0);
        if (at.length === 0) return undefined;
        const i = pick(at, u);
        return w.slice(0, i) + LEET[w[i]!.toLowerCase()]! + w.slice(i + 1);
      },
      'digit for letter',
    ),
  'ordinal-variation': (n, u) => {
    const [roman, other] = pick(ORDINALS, u);
    return { original: `${display(n)} ${roman}`, name: `${display(n)} ${other}`, what: `${roman} written ${other}` };
  },
  'name-duplication': (n, u) => {
    const all = [...n.given, ...n.family];
    const i = Math.floor(u() * all.length);
    return { name: [...all.slice(0, i + 1), all[i]!, ...all.slice(i + 1)].join(' '), what: `${all[i]} written twice` };
  },
  'contextual-beginning': (n, u) => {
    const c = pick(CONTEXT_BEFORE, u);
    return { name: `${c} ${display(n)}`, what: `before: ${c}` };
  },
  'contextual-ending': (n, u) => {
    const c = pick(CONTEXT_AFTER, u);
    return { name: `${display(n)} ${c}`, what: `after: ${c}` };
  },
};

/** The positives: for each kind, names of every source in turn (a seeded order within each), first PER_KIND that apply. */
function positives(names: readonly RealName[]): DevPair[] {
  const out: DevPair[] = [];
  for (const [kind, deviate] of Object.entries(DEVIATIONS)) {
    const u = seededUniform(SEED ^ fnv1a(kind));
    let n = 0;
    for (const name of interleaved(names, u)) {
      if (n >= PER_KIND) break;
      const d = deviate(name, u);
      const original = d?.original ?? display(name);
      if (!d || d.name === original) continue;
      out.push({
        caseGroup: 'deviations',
        schema: 'Person',
        name1: original,
        name2: d.name,
        isMatch: true,
        category: kind,
        notes: `${name.source} ${name.id}: ${d.what}`,
      });
      n++;
    }
  }
  return out;
}

/** Names of every source in turn, each source in a seeded order (so each kind draws from every list). */
function interleaved(names: readonly RealName[], u: Uniform): RealName[] {
  const bySource = new Map<string, RealName[]>();
  for (const n of names) {
    const l = bySource.get(n.source) ?? [];
    l.push(n);
    bySource.set(n.source, l);
  }
  const queues = [...bySource.values()].map((l) => shuffled(l, u));
  const out: RealName[] = [];
  for (let i = 0; out.length < names.length; i++) for (const q of queues) if (i < q.length) out.push(q[i]!);
  return out;
}

function shuffled<T>(xs: readonly T[], u: Uniform): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const key = (ws: readonly string[]): string => ws.map(fold).join(' ');

/** No given word of one person is a given word (or its spelling, or its short form) of the other. */
const disjointGiven = (a: RealName, b: RealName): boolean => !a.given.some((g) => b.given.some((h) => !otherGivenName(g, h)));

/**
 * Two given names of different people, not one name's spellings or short forms: the first given names differ by 3+
 * edits or in their first letter, and neither is the other's nickname in the table.
 */
export function otherGivenName(a: string, b: string): boolean {
  const fa = fold(a);
  const fb = fold(b);
  if (GIVEN_NAME_NICKNAMES[fa]?.some((s) => fold(s) === fb) || GIVEN_NAME_NICKNAMES[fb]?.some((s) => fold(s) === fa)) return false;
  return fa[0] !== fb[0] || levenshtein(fa, fb, 3) >= 3;
}

/** Family names of different families: 3+ edits apart (Eriksen / Eriksson are one name) and not one inside the other. */
export const otherFamilyName = (a: string, b: string): boolean => levenshtein(a, b, 3) >= 3 && !a.includes(b) && !b.includes(a);

/**
 * The negatives, all pairs of two different people of one source: `family-name-different-person` (same family name,
 * other given names: none of one's given words among the other's), `given-name-different-person` (same first given
 * name, other family names) and `near-name-different-person` (folded names sharing half their letter trigrams, each
 * part other as above).
 */
function negatives(names: readonly RealName[]): DevPair[] {
  const out: DevPair[] = [];
  const seen = new Set<string>();
  const push = (a: RealName, b: RealName, category: string) => {
    const k = [fold(display(a)), fold(display(b))].sort().join('|');
    if (seen.has(k) || fold(display(a)) === fold(display(b))) return;
    seen.add(k);
    out.push({
      caseGroup: 'different_persons',
      schema: 'Person',
      name1: display(a),
      name2: display(b),
      isMatch: false,
      category,
      notes: `${a.source} ${a.id} / ${b.id}`,
    });
  };
  for (const [category, keyOf, differ] of [
    ['family-name-different-person', (n: RealName) => key(n.family), disjointGiven],
    [
      'given-name-different-person',
      (n: RealName) => fold(n.given[0]!),
      (a: RealName, b: RealName) => otherFamilyName(key(a.family), key(b.family)),
    ],
  ] as const) {
    const u = seededUniform(SEED ^ fnv1a(category));
    const groups = new Map<string, RealName[]>();
    for (const n of interleaved(names, u)) {
      const k = `${n.source}|${keyOf(n)}`;
      const g = groups.get(k) ?? [];
      if (g.length < 4) g.push(n);
      groups.set(k, g);
    }
    let n = 0;
    for (const g of groups.values())
      for (let i = 1; i < g.length && n < PER_NEGATIVE; i++)
        if (differ(g[i - 1]!, g[i]!)) {
          push(g[i - 1]!, g[i]!, category);
          n++;
        }
  }
  out.push(...nearNames(names, push));
  return out;
}

/**
 * Near names of different people: blocked by source and the family name's first three letters, folded names sharing
 * 40 % of their letter trigrams, neither the family names nor the first given names equal, and either the family names
 * other names (otherFamilyName) or no given word shared (disjointGiven), so no pair is one name's two spellings.
 */
function nearNames(names: readonly RealName[], push: (a: RealName, b: RealName, category: string) => void): DevPair[] {
  const category = 'near-name-different-person';
  const u = seededUniform(SEED ^ fnv1a(category));
  const blocks = new Map<string, RealName[]>();
  for (const n of interleaved(names, u)) {
    const k = `${n.source}|${key(n.family).slice(0, 3)}`;
    const b = blocks.get(k) ?? [];
    if (b.length < 40) b.push(n);
    blocks.set(k, b);
  }
  let count = 0;
  for (const b of blocks.values()) {
    const grams = b.map((n) => trigrams(display(n)));
    for (let i = 0; i < b.length && count < PER_NEGATIVE; i++)
      for (let j = i + 1; j < b.length; j++) {
        const [x, y] = [b[i]!, b[j]!];
        const fx = key(x.family);
        const fy = key(y.family);
        const gx = fold(x.given[0]!);
        const gy = fold(y.given[0]!);
        if (fx === fy || gx === gy || jaccard(grams[i]!, grams[j]!) < 0.4) continue;
        // a near family name (Ellis / Ellison, Gomes / Gomez) makes another person only with other given names throughout
        if (!otherFamilyName(fx, fy) && !(otherGivenName(gx, gy) && disjointGiven(x, y))) continue;
        push(x, y, category);
        count++;
        break;
      }
  }
  return [];
}

/** Every pair: the positives by deviation kind, then the negatives by category. */
export function deviationPairs(dataDir: string): DevPair[] {
  const names = loadRealNames(dataDir);
  return [...positives(names), ...negatives(names)];
}
