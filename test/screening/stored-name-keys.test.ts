import { describe, expect, it } from 'vitest';
import { normaliseAlternatives } from '../../src/screening/matcher.ts';
import { creditedLeads, hashesToRead, keyLookupPlan, planHashes, subjectKeyHashes } from '../../src/screening/stored-name-keys.ts';
import { SubjectIndex } from '../../src/screening/subject-index.ts';

const LEADS = [
  'Marguerite Quillfeather',
  'Ottoline Brackenbury',
  'Jonathan Smythe',
  'Mohammed Al-Rashid',
  'Anna Maria Kowalska',
  'Zhang Wei',
  '张伟',
  'Ivan Petrovich Sidorov',
  'Hans Friedrich Müller',
  'Abdul Rahman Al Saud',
];
const QUERIES = ['Marguerite Quilfeather', 'Muhammad al Rashid', 'Kowalska, Anna', 'ZHANG, Wei', 'Abdulrahman Saud', 'Nobody Knownhere'];

/** What the store does with the stored hashes: counts and postings per key hash. */
function storeOf(leads: readonly string[]) {
  const postings = new Map<number, string[]>();
  leads.forEach((name, i) => {
    for (const h of subjectKeyHashes(normaliseAlternatives(name, 'person'))) postings.set(h, [...(postings.get(h) ?? []), `L${i}`]);
  });
  const counts = new Map([...postings].map(([h, ls]) => [h, ls.length]));
  return { counts, postings };
}

describe('delta re-screening over stored name keys (docs/screening.md "Delta re-screening")', () => {
  it('finds every lead the in-memory reverse index finds (credited per lead: never fewer), and only keys it needs are read', () => {
    const { counts, postings } = storeOf(LEADS);
    const index = SubjectIndex.build(LEADS.map((n) => normaliseAlternatives(n, 'person')));
    let found = 0;
    for (const q of QUERIES) {
      for (const norm of normaliseAlternatives(q, 'person')) {
        const plan = keyLookupPlan(norm);
        const viaIndex = [...index.subjectsFor(norm)].map((s) => `L${s}`).sort();
        const read = new Set(hashesToRead([plan], counts));
        expect(read.size).toBeLessThanOrEqual(planHashes([plan]).length);
        const readOnly = new Map([...postings].filter(([h]) => read.has(h)));
        const viaStore = creditedLeads(plan, counts, readOnly).sort();
        for (const l of viaIndex) expect(viaStore).toContain(l);
        found += viaIndex.length;
      }
    }
    expect(found).toBeGreaterThanOrEqual(5); // the comparison is not vacuous
  });

  it('a typo of a stored name finds that lead and not the unrelated ones; an unknown name finds nobody', () => {
    const { counts, postings } = storeOf(LEADS);
    const find = (q: string) =>
      [...new Set(normaliseAlternatives(q, 'person').flatMap((n) => creditedLeads(keyLookupPlan(n), counts, postings)))].sort();
    expect(find('Marguerite Quilfeather')).toEqual(['L0']);
    expect(find('Nobody Knownhere')).toEqual([]);
    expect(find('ZHANG, Wei')).toEqual(expect.arrayContaining(['L5', 'L6'])); // the Latin and the Han spelling
  });

  it('hashes are unsigned 32-bit integers, distinct per lead', () => {
    const hs = subjectKeyHashes(normaliseAlternatives('Marguerite Quillfeather', 'person'));
    expect(hs.length).toBeGreaterThan(10);
    expect(new Set(hs).size).toBe(hs.length);
    for (const h of hs) expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
  });
});
