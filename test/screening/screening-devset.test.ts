import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  fold,
  isLatin,
  listPairs,
  maybeSameEntity,
  negativeCategory,
  pluralised,
  sameNameInScript,
  toCsv,
  variants,
  withoutLegalForm,
} from '../../bench/screening-devset/list-pairs.ts';
import { emptyEntity } from '../../src/screening/screening-entity.ts';
import { scorePairs } from '../../src/screening/screening-eval.ts';
import { DATA_DIR, HAS_DATA } from './shared-data.ts';

const CSV = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'screening-devset', 'list-pairs.csv');

describe('list-pairs dev set: the committed CSV is what the generator writes', () => {
  it.skipIf(!HAS_DATA)(
    'regenerating from the shared lists gives the committed file byte for byte',
    () => {
      expect(toCsv(listPairs(DATA_DIR))).toBe(readFileSync(CSV, 'utf8'));
    },
    60_000,
  );

  it('is a pairs file remit screen eval reads, with both labels and several hundred rows', () => {
    const r = scorePairs(CSV, 0.8);
    expect(r.overall.n).toBeGreaterThan(1000);
    expect(r.overall.tp + r.overall.fn).toBeGreaterThan(300);
    expect(r.overall.tn + r.overall.fp).toBeGreaterThan(300);
  });
});

describe('list-pairs dev set: construction rules', () => {
  it('folds accents, case and punctuation; tells Latin-only names from names in other scripts', () => {
    expect(fold("Al-Qa'ida  ÉTÉ")).toBe('al qa ida ete');
    expect(isLatin('BANK MELLI IRAN (Hamburg) 2')).toBe(true);
    expect(isLatin('Захаров Aleksandr')).toBe(false);
  });

  it('drops a trailing legal form as written, and only when a name remains', () => {
    expect(withoutLegalForm('ATLAS AIR CONDITIONING COMPANY LIMITED')).toBe('ATLAS AIR CONDITIONING');
    expect(withoutLegalForm('HONG PANG GEMS (HK) CO., LTD.')).toBe('HONG PANG GEMS (HK)');
    expect(withoutLegalForm('ACME LLC')).toBe('ACME');
    expect(withoutLegalForm('LLC')).toBeUndefined();
    expect(withoutLegalForm('LIMITED EDITION TRADING')).toBeUndefined();
  });

  it('takes two names of one entity as variants only when the distinctive words agree', () => {
    const distinctive = (w: string) => !['company', 'bank', 'limited', 'trade', 'technology', 'international', 'trading'].includes(w);
    expect(variants(['medvedev', 'gennadiy'], ['medviediev', 'gennadiy', 'nikolayevich'], distinctive)).toBe(true);
    expect(variants(['ansar', 'bank'], ['ansar', 'saving', 'fund'], distinctive)).toBe(true);
    expect(variants(['kaikai', 'technology', 'company'], ['eastnine', 'international', 'trading', 'company'], distinctive)).toBe(false);
    expect(variants(['rosneft', 'trade', 'limited'], ['tnk', 'trade', 'limited'], distinctive)).toBe(false);
  });

  it('takes a name in another script as the primary name only without Latin words and with about as many words', () => {
    expect(sameNameInScript('ZAKI EZAT ZAKI AHMED', 'زكي عزت زكي احمد')).toBe(true);
    expect(sameNameInScript('AL-NUSRAH FRONT', 'مجاهدو الشام (Levantine Mujahideen)')).toBe(false);
    expect(sameNameInScript('A B C D E F', 'أنور')).toBe(false);
  });

  it('keeps entries that may be one party out of the negatives: a shared name, words inside, DOB or identifier', () => {
    const a = emptyEntity('l', '1', 'organisation', 'f');
    const b = emptyEntity('l', '2', 'organisation', 'f');
    a.names.push({ value: 'BANK MELLAT', type: 'primary' });
    b.names.push({ value: 'BANK MELLI', type: 'primary' });
    expect(maybeSameEntity(a, b, ['bank', 'mellat'], ['bank', 'melli'])).toBe(false);
    expect(maybeSameEntity(a, b, ['bank', 'melli'], ['bank', 'melli', 'iran'])).toBe(true);
    b.names.push({ value: 'BANK-MELLAT', type: 'aka' });
    expect(maybeSameEntity(a, b, ['bank', 'mellat'], ['bank', 'melli'])).toBe(true);
    b.names.pop();
    a.identifiers.push({ type: 'IMO', value: '9187629' });
    b.identifiers.push({ type: 'IMO', value: 'IMO 9187629'.slice(4) });
    expect(maybeSameEntity(a, b, ['bank', 'mellat'], ['bank', 'melli'])).toBe(true);
    b.identifiers.pop();
    a.dobs.push({ kind: 'date', date: { year: 1970 } });
    b.dobs.push({ kind: 'date', date: { year: 1970 } });
    expect(maybeSameEntity(a, b, ['bank', 'mellat'], ['bank', 'melli'])).toBe(true);
  });

  it('names what two different names differ in', () => {
    expect(negativeCategory('Vessel', ['iran', 'hormuz', '12'], ['iran', 'hormuz', '14'])).toBe('vessel-numeral');
    expect(negativeCategory('Vessel', ['altair', 'star'], ['altair', 'stars'])).toBe('vessel-plural');
    expect(negativeCategory('Company', ['bank', 'mellat'], ['bank', 'melli'])).toBe('near-string');
    expect(negativeCategory('Company', ['arak', 'petrochemical'], ['arvand', 'petrochemical'])).toBe('other-word');
    expect(negativeCategory('Person', ['kim', 'yong', 'chol'], ['kim', 'song', 'chol'])).toBe('person-one-name-differs');
    expect(negativeCategory('Person', ['al', 'banna', 'ibrahim'], ['al', 'ibrahim', 'muhammad', 'x'])).toBe('family-name-different-person');
    expect(negativeCategory('Company', ['popular', 'front'], ['democratic', 'front', 'palestine'])).toBe('near-name');
  });

  it("puts a vessel name's last word in the English plural, unless it already ends in s", () => {
    expect(pluralised('STAR')).toBe('STARS');
    expect(pluralised('Glory')).toBe('Glories');
    expect(pluralised('BEACH')).toBe('BEACHES');
    expect(pluralised('DAY')).toBe('DAYS');
    expect(pluralised('STARS')).toBeUndefined();
    expect(pluralised('12')).toBeUndefined();
  });
});
