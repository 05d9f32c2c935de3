import { describe, expect, it } from 'vitest';
import { NameIndex, nameKeys } from '../../src/screening/name-index.ts';
import { normaliseName, type NormalisedName } from '../../src/screening/name-normaliser.ts';
import { emptyEntity, type ScreeningEntity } from '../../src/screening/screening-entity.ts';
import { seededUniform } from '../../src/domain/shared/seeded-random.ts';

// The index keeps its postings in one flat array (docs/screening.md "Index"). These tests check its candidates
// against a reference that credits every indexed name from its own keys, without any postings structure.

const GIVEN = ['mohammed', 'muhammad', 'ali', 'hassan', 'olga', 'ivan', 'maria', 'jose', 'kim', 'wei', 'abdul', 'rahman'];
const FAMILY = ['khan', 'petrov', 'petrova', 'garcia', 'ivanov', 'zhang', 'al-rashid', 'haddad', 'nguyen', 'smith'];

function entities(count: number): ScreeningEntity[] {
  const rnd = seededUniform(5);
  const pick = (xs: string[]) => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const e = emptyEntity('t', `E${i}`, 'person', 'test');
    e.names.push({ value: `${pick(GIVEN)} ${pick(GIVEN)} ${pick(FAMILY)}`, type: 'primary' });
    if (rnd() < 0.3) e.names.push({ value: `${pick(GIVEN)} ${pick(FAMILY)}`, type: 'aka' });
    return e;
  });
}

/** Reference credit: per query token, the best factor among the keys the name holds, times the token weight. */
function referenceCandidates(index: NameIndex, query: NormalisedName, minShare: number, maxFuzzy: number): number[] {
  const { credit, total } = referenceCredit(index, query, maxFuzzy);
  return [...credit]
    .filter(([, c]) => c >= total * minShare - 1e-6)
    .map(([id]) => id)
    .sort((a, b) => a - b);
}

const referenceCredits = (index: NameIndex, query: NormalisedName, maxFuzzy: number) => referenceCredit(index, query, maxFuzzy).credit;

function referenceCredit(index: NameIndex, query: NormalisedName, maxFuzzy: number): { credit: Map<number, number>; total: number } {
  const held = index.names.map((n) => new Set(nameKeys(n.norm, false).flatMap((tk) => tk.map(([k]) => k))));
  const count = (key: string) => held.filter((s) => s.has(key)).length;
  const perToken = nameKeys(query, true);
  let total = 0;
  const credit = new Map<number, number>();
  perToken.forEach((keys, ti) => {
    if (keys.length === 0) return;
    const w = query.tokens[ti]!.weight;
    total += w;
    held.forEach((s, id) => {
      let best = 0;
      for (const [k, f] of keys) if (s.has(k) && (k[0] === 't' || count(k) <= maxFuzzy)) best = Math.max(best, w * f);
      if (best > 0) credit.set(id, (credit.get(id) ?? 0) + best);
    });
  });
  return { credit, total };
}

describe('name index postings (flat, one array for every key)', () => {
  const index = NameIndex.build(entities(400));

  it('finds the same candidates as crediting every name from its own keys', () => {
    const queries = ['mohamed ali khan', 'olga petrova', 'ivan ivanof', 'wei zhang', 'abdulrahman haddad', 'jose garcia smith'];
    for (const q of queries) {
      const query = normaliseName(q, 'person');
      for (const maxFuzzy of [2000, 5]) {
        const got = index.candidates(query, { maxCandidates: 10_000, maxFuzzyPostings: maxFuzzy }).nameIds;
        expect(
          [...got].sort((a, b) => a - b),
          `${q} (fuzzy cap ${maxFuzzy})`,
        ).toEqual(referenceCandidates(index, query, 0.45, maxFuzzy));
      }
    }
  });

  it('ranks candidates by credit and caps them', () => {
    const query = normaliseName('maria kim nguyen', 'person');
    const all = index.candidates(query, { maxCandidates: 10_000 }).nameIds;
    const capped = index.candidates(query, { maxCandidates: 5 }).nameIds;
    expect(all.length).toBeGreaterThan(5);
    expect(capped).toEqual(all.slice(0, 5));
    // the best-credited name shares more of the query's tokens than the last one
    const shared = (id: number) => index.names[id]!.norm.tokens.filter((t) => ['maria', 'kim', 'nguyen'].includes(t.text)).length;
    expect(shared(all[0]!)).toBeGreaterThan(shared(all.at(-1)!));
  });

  it('ranks equal credits in the order the names were first reached, highest credit first (lane scale6)', () => {
    // five names spelt alike tie; the index reaches them in ascending name order, so they come first in that order
    const alike = Array.from({ length: 5 }, (_, i) => `olga petrova ${i === 2 ? '' : 'smith'}`);
    const list = [
      ...entities(60),
      ...alike.map((value, i) =>
        Object.assign(emptyEntity('t', `A${i}`, 'person', 'test'), { names: [{ value, type: 'primary' as const }] }),
      ),
    ];
    const small = NameIndex.build(list);
    const query = normaliseName('olga petrova smith', 'person');
    const ranked = small.candidates(query, { maxCandidates: 10_000 }).nameIds;
    const twins = small.names.flatMap((n, id) => (n.value === 'olga petrova smith' ? [id] : []));
    expect(twins).toHaveLength(4);
    expect(ranked.slice(0, 4)).toEqual(twins);
    // then by credit: the reference credits do not rise along the ranking
    const credits = referenceCredits(small, query, 2000);
    for (let r = 1; r < ranked.length; r++) expect(credits.get(ranked[r]!)!).toBeLessThanOrEqual(credits.get(ranked[r - 1]!)! + 1e-6);
    expect(small.candidates(query, { maxCandidates: 3 }).nameIds).toEqual(twins.slice(0, 3));
  });

  it('reads the name slots ahead (big indexes) without changing a candidate, its order or the touched count (lane scale7)', () => {
    // read-ahead is on from 131,072 names; forced here on a smaller index whose common keys span several chunks of 64
    const list = entities(3000);
    const plain = NameIndex.build(list, false);
    const ahead = NameIndex.build(list, true);
    const rnd = seededUniform(11);
    const pick = (xs: string[]) => xs[Math.floor(rnd() * xs.length)]!;
    const typo = (w: string) => (rnd() < 0.3 && w.length > 4 ? w.slice(0, 2) + w.slice(3) : w);
    let spanning = 0;
    for (let q = 0; q < 150; q++) {
      const query = normaliseName(`${typo(pick(GIVEN))} ${typo(pick(GIVEN))} ${typo(pick(FAMILY))}`, 'person');
      for (const opts of [{}, { maxCandidates: 10_000 }, { maxFuzzyPostings: 50 }]) {
        const want = plain.candidates(query, opts);
        expect(ahead.candidates(query, opts)).toEqual(want);
        if (want.touched > 3 * 64) spanning++;
      }
    }
    expect(spanning).toBeGreaterThan(100);
  });

  it('counts keys once however many names hold them, and finds nothing for an unknown name', () => {
    const distinct = new Set(index.names.flatMap((n) => nameKeys(n.norm, false).flatMap((tk) => tk.map(([k]) => k))));
    expect(index.keyCount).toBe(distinct.size);
    expect(index.candidates(normaliseName('xyzzy quux', 'person')).nameIds).toEqual([]);
  });
});
