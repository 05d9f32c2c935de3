import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEVIATIONS,
  deviationPairs,
  otherFamilyName,
  otherGivenName,
  type RealName,
} from '../../bench/screening-devset/deviation-pairs.ts';
import { fold, toCsv } from '../../bench/screening-devset/list-pairs.ts';
import { seededUniform } from '../../src/domain/shared/seeded-random.ts';
import { readEvalCsv, scorePairs } from '../../src/screening/screening-eval.ts';
import { DATA_DIR, HAS_DATA } from './shared-data.ts';

const CSV = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'screening-devset', 'deviation-pairs.csv');
const NAME: RealName = { source: 'test', id: '1', given: ['Robert', 'Francis'], family: ['Kennedy'] };
const deviate = (kind: string, n: RealName = NAME) => DEVIATIONS[kind]!(n, seededUniform(7));

describe('deviation dev set: the committed CSV is what the generator writes', () => {
  it.skipIf(!HAS_DATA)(
    'regenerating from the shared data gives the committed file byte for byte',
    () => {
      expect(toCsv(deviationPairs(DATA_DIR))).toBe(readFileSync(CSV, 'utf8'));
    },
    60_000,
  );

  it('is a pairs file remit screen eval reads: thousands of rows, both labels, every kind', () => {
    const r = scorePairs(CSV, 0.8);
    expect(r.overall.n).toBeGreaterThan(5000);
    expect(r.overall.tn + r.overall.fp).toBeGreaterThan(1500);
    for (const kind of Object.keys(DEVIATIONS)) expect(r.byCategory[kind]?.n ?? 0, kind).toBeGreaterThan(100);
  });
});

describe('deviation dev set: each deviation does what its kind says', () => {
  it('names and word order', () => {
    expect(deviate('nickname-usage')?.name).toMatch(/^(Bob|Rob|Bobby) Francis Kennedy$/);
    expect(deviate('initials-usage')?.name).toBe('R. Francis Kennedy');
    expect(deviate('initials-all-given')?.name).toBe('R. F. Kennedy');
    expect(deviate('word-reordering')?.name).toBe('Kennedy Robert Francis');
    expect(deviate('family-name-comma')?.name).toBe('Kennedy, Robert Francis');
    expect(deviate('middle-name-dropped')?.name).toBe('Robert Kennedy');
    expect(deviate('reordered-middle-dropped')?.name).toBe('Kennedy Robert');
    expect(deviate('middle-name-dropped', { ...NAME, given: ['Robert'] })).toBeUndefined();
    expect(deviate('ordinal-variation')).toMatchObject({ original: expect.stringMatching(/^Robert Francis Kennedy (II|III|IV)$/) });
  });

  it('letters: one word changed, never its first letter, and the change is the kind named', () => {
    const changed = (kind: string): [string, string] => {
      const d = deviate(kind)!;
      const before = [...NAME.given, ...NAME.family];
      const after = d.name.split(' ');
      const i = before.findIndex((w, k) => w !== after[k]);
      expect(i, kind).toBeGreaterThanOrEqual(0);
      expect(after[i]![0], kind).toBe(before[i]![0]);
      return [before[i]!, after[i]!];
    };
    let [a, b] = changed('character-deletion');
    expect(b.length).toBe(a.length - 1);
    [a, b] = changed('character-addition');
    expect(b.length).toBe(a.length + 1);
    [a, b] = changed('character-reversal');
    expect([...b].sort().join('')).toBe([...a].sort().join(''));
    [a, b] = changed('alphanumeric-swap');
    expect(b).toMatch(/\d/);
    expect(deviate('word-joining')?.name.split(' ').length).toBe(2);
  });
});

describe('deviation dev set: negatives are different people with other names', () => {
  it('given names that are spellings or the table short forms of one name are not "other"', () => {
    expect(otherGivenName('Robert', 'Bob')).toBe(false);
    expect(otherGivenName('Jon', 'John')).toBe(false);
    expect(otherGivenName('Maria', 'Mario')).toBe(false);
    expect(otherGivenName('Octavian', 'Olaf')).toBe(true);
    expect(otherGivenName('Brian', 'Ryan')).toBe(true);
    expect(otherFamilyName('eriksen', 'eriksson')).toBe(false);
    expect(otherFamilyName('smith', 'smithson')).toBe(false);
    expect(otherFamilyName('romero', 'robles')).toBe(true);
  });

  it('every negative row is two different names of one source, sharing what its category says', () => {
    const rows = readEvalCsv(CSV).filter((r) => r['is_match'] === 'false');
    const last = (s: string) => fold(s).split(' ').at(-1);
    const first = (s: string) => fold(s).split(' ')[0];
    for (const r of rows) {
      expect(fold(r['name1']!)).not.toBe(fold(r['name2']!));
      expect(r['notes']).toMatch(/^\S+ \S+ \/ \S+$/);
      if (r['category'] === 'family-name-different-person') expect(last(r['name1']!), r['name1']).toBe(last(r['name2']!));
      if (r['category'] === 'given-name-different-person') expect(first(r['name1']!), r['name1']).toBe(first(r['name2']!));
    }
  });
});
