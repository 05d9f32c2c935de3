import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { companyPairs, isCountryWord, relation, sharesIdentifier } from '../../bench/screening-devset/company-pairs.ts';
import { toCsv } from '../../bench/screening-devset/list-pairs.ts';
import { emptyEntity } from '../../src/screening/screening-entity.ts';
import { scorePairs } from '../../src/screening/screening-eval.ts';
import { DATA_DIR, HAS_DATA } from './shared-data.ts';

const CSV = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'screening-devset', 'company-pairs.csv');

describe('company-pairs dev set: the committed CSV is what the generator writes', () => {
  it.skipIf(!HAS_DATA)(
    'regenerating from the shared lists gives the committed file byte for byte',
    () => {
      expect(toCsv(companyPairs(DATA_DIR))).toBe(readFileSync(CSV, 'utf8'));
    },
    60_000,
  );

  it('is a pairs file of companies and vessels with both labels and the negative categories it is built for', () => {
    const r = scorePairs(CSV, 0.8);
    expect(r.overall.n).toBeGreaterThan(1000);
    expect(r.overall.tp + r.overall.fn).toBeGreaterThan(400);
    expect(r.overall.tn + r.overall.fp).toBeGreaterThan(600);
    for (const c of [
      'country-one-side',
      'other-country-both-sides',
      'same-name-other-jurisdiction',
      'subsidiary-by-activity',
      'one-word-differs',
      'vessel-sister-ship',
      'vessel-numbered',
    ])
      expect(r.byCategory[c]?.n, c).toBeGreaterThan(0);
    expect(readFileSync(CSV, 'utf8')).not.toMatch(/,Person,/);
  });
});

describe('company-pairs dev set: what relates two names of different entries', () => {
  it('tells country words from other words', () => {
    expect(isCountryWord('belarus')).toBe(true);
    expect(isCountryWord('europe')).toBe(true);
    expect(isCountryWord('hk')).toBe(true);
    expect(isCountryWord('bank')).toBe(false);
    expect(isCountryWord('co')).toBe(false);
  });

  it('names the difference: a country on one or both sides, numbers, a legal form, words added or changed', () => {
    expect(relation(['vtb', 'bank'], ['vtb', 'bank', 'belarus'], false)).toBe('country-one-side');
    expect(relation(['vtb', 'bank', 'armenia'], ['vtb', 'bank', 'belarus'], false)).toBe('other-country-both-sides');
    expect(relation(['ocean', 'star', '1'], ['ocean', 'star', '2'], true)).toBe('vessel-numbered');
    expect(relation(['moku', 'goldmines', 'ag'], ['moku', 'goldmines', 'ltd'], false)).toBe('same-name-other-form');
    expect(relation(['sepahan', 'cement'], ['sepahan', 'cement', 'investment'], false)).toBe('subsidiary-by-activity');
    expect(relation(['bank', 'saderat', 'iran'], ['bank', 'toseh', 'saderat', 'iran'], false)).toBe('extra-proper-word');
    expect(relation(['hamriya', 'moon'], ['hamriya', 'sun'], true)).toBe('vessel-sister-ship');
    expect(relation(['korvath', 'shipping'], ['korvath', 'chartering'], false)).toBe('one-word-differs');
  });

  it('leaves out pairs that share no distinctive word, equal names and differences of several words', () => {
    expect(relation(['acme', 'co', 'iran'], ['zenith', 'co', 'syria'], false)).toBeUndefined();
    expect(relation(['central', 'bank', 'of', 'iran'], ['central', 'bank', 'of', 'syria'], false)).toBe('other-country-both-sides');
    expect(relation(['acme', 'trading'], ['acme', 'trading'], false)).toBeUndefined();
    expect(relation(['acme', 'red', 'blue'], ['acme', 'green', 'black'], false)).toBeUndefined();
  });
});

describe('company-pairs dev set: one party under two entries is no negative', () => {
  it('two entries sharing an identifier (one ship listed twice) are one party, however the value is written', () => {
    const a = emptyEntity('l', '1', 'vessel', 'f');
    const b = emptyEntity('l', '2', 'vessel', 'f');
    a.identifiers.push({ type: 'IMO', value: '9187629' });
    b.identifiers.push({ type: 'IMO', value: '9187620' });
    expect(sharesIdentifier(a, b)).toBe(false);
    b.identifiers.push({ type: 'IMO', value: 'IMO 9187629'.slice(4) });
    expect(sharesIdentifier(a, b)).toBe(true);
  });
});
