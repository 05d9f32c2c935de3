import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNames, corroborate, DEFAULT_THRESHOLD, finalScore, prepareQuery } from '../../src/screening/matcher.ts';
import { nameAlternatives, normaliseName } from '../../src/screening/name-normaliser.ts';
import { transliterate } from '../../src/screening/transliterate.ts';
import { jaroWinkler } from '../../src/screening/jaro-winkler.ts';
import { phoneticKey } from '../../src/screening/phonetic-key.ts';
import { emptyEntity } from '../../src/screening/screening-entity.ts';

const toks = (name: string, schema: Parameters<typeof normaliseName>[1] = 'person') =>
  normaliseName(name, schema).tokens.map((t) => t.text);

describe('normaliser steps', () => {
  it('transliterates Cyrillic, Greek, Arabic, Armenian, Georgian and Hangul to Latin', () => {
    expect(transliterate('Владимир Путин')).toBe('Vladimir Putin');
    expect(transliterate('Κυριάκος Μητσοτάκης')).toBe('Kyriakos Mitsotakis');
    expect(transliterate('محمد')).toBe('mhmd');
    expect(transliterate('ბარაკ ობამა')).toBe('barak obama');
    expect(transliterate('Ծատուրյան')).toBe('Tsaturyan');
    expect(transliterate('김')).toBe('gim');
    expect(transliterate('김정은')).toBe('gim jeong eun');
  });

  it('folds accents and case', () => {
    expect(toks('Recep Tayyip ERDOĞAN')).toEqual(['recep', 'tayyip', 'erdogan']);
    expect(normaliseName('Crédit Agricole', 'organisation').tokens.map((t) => t.raw)).toEqual(['credit', 'agricole']);
    expect(toks('Straße Łódź')).toEqual(['strasse', 'lodz']);
  });

  it('drops leading titles and honorifics but keeps a lone name', () => {
    expect(toks('Mr. Recep Tayyip Erdoğan')).toEqual(['recep', 'tayyip', 'erdogan']);
    expect(toks('His Excellency Dr Rami Makhlouf')).toEqual(['rami', 'makhlouf']);
    expect(toks('Präsident Barack Obama')).toEqual(['barack', 'obama']);
    expect(toks('Doctor')).toEqual(['doctor']);
  });

  it('recognises legal forms and sets them apart', () => {
    const a = normaliseName('Siemens Aktiengesellschaft', 'organisation');
    const b = normaliseName('Siemens AG', 'organisation');
    expect(a.tokens.map((t) => t.text)).toEqual(['siemens']);
    expect(a.legalForms).toEqual(b.legalForms);
    expect(normaliseName('LIMITED LIABILITY COMPANY ISKUSSTVO KRASOTY', 'organisation').tokens.map((t) => t.text)).toEqual([
      'iskusstvo',
      'krasoty',
    ]);
  });

  it('maps organisation terms to shared symbols', () => {
    expect(toks('ABC Company', 'organisation')).toEqual(toks('A.B.C. Corp.', 'organisation'));
    expect(compareNames('Organization', 'PLA', 'People’s Liberation Army').score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it('reorders "SURNAME, Given" and ignores token order', () => {
    expect(toks('PUTIN, Vladimir')).toEqual(['vladimir', 'putin']);
    expect(compareNames('Person', 'Smith, John', 'John Smith').score).toBe(1);
    expect(compareNames('Person', 'bin Salman Mohammed', 'Mohammed bin Salman').score).toBe(1);
  });

  it('handles joined and split tokens', () => {
    expect(compareNames('Person', 'Abdul Rahman Yasin', 'Abdulrahman Yasin').score).toBeGreaterThan(0.9);
    expect(compareNames('Person', 'SergeiLavrov', 'Sergei Lavrov').score).toBeGreaterThan(0.9);
    expect(compareNames('Company', 'vanderbilt corp', 'van der bilt corp').score).toBeGreaterThan(0.9);
  });

  it('turns number words and ordinals into digits', () => {
    expect(toks('Brigade Forty-Four', 'organisation')).toEqual(toks('Brigade 44', 'organisation'));
    expect(toks('1st International Bank', 'organisation')).toEqual(toks('First International Bank', 'organisation'));
  });

  it('splits multi-name strings', () => {
    expect(nameAlternatives('Pacific Endeavour (ex-Grand Wheatland)')).toEqual([
      'Pacific Endeavour (ex-Grand Wheatland)',
      'Pacific Endeavour',
      'Grand Wheatland',
    ]);
    expect(nameAlternatives('John Smith a.k.a. Johnny Smith')).toContain('Johnny Smith');
  });

  it("splits at semicolons: the UN list writes an alias's spellings in one string", () => {
    expect(nameAlternatives('Qasim Soleimani; Qasem Sulaimani;Kasim Sulaymani;')).toEqual([
      'Qasim Soleimani; Qasem Sulaimani;Kasim Sulaymani;',
      'Qasim Soleimani',
      'Qasem Sulaimani',
      'Kasim Sulaymani',
    ]);
    expect(nameAlternatives('Hossein Salimi')).toEqual(['Hossein Salimi']);
    // UN 110409 and 110408: one of the spellings against the entry's name string (0.39 / 0.42 as one name)
    expect(compareNames('Person', 'HOSEIN SALIMI', 'Husain Salimi; Hosain Salimi; Hussain Saleemi; Hossein Salimi').score).toBeGreaterThan(
      0.95,
    );
    expect(compareNames('Person', 'Kasim Sulaymani', 'Qasim Soleimani; Qasem Sulaimani; Kasim Sulaymani').score).toBe(1);
  });

  it('a birth remark after a name is cut off: the UN list writes one into some aliases', () => {
    expect(nameAlternatives('Khirullah Said Wali Khairkhwa, born in Kandahar on 01 Jan.1967')).toContain('Khirullah Said Wali Khairkhwa');
    expect(nameAlternatives('Mohammad Ishaq Akhund born in 1963')).toContain('Mohammad Ishaq Akhund');
    expect(nameAlternatives('Safia Farkash Mohammed Al-Hadad, born 1 Jan. 1953 (Oman passport no.03825239)')).toContain(
      'Safia Farkash Mohammed Al-Hadad',
    );
    // the family name Born stays a name
    expect(nameAlternatives('Max Born')).toEqual(['Max Born']);
    expect(nameAlternatives('Born, Max')).toEqual(['Born, Max']);
    // UN 111144: the entry's name against its alias with the remark (0.54 with it)
    expect(
      compareNames('Person', 'KHAIRULLAH KHAIRKHWAH', 'Khirullah Said Wali Khairkhwa, born in Kandahar on 01 Jan.1967').score,
    ).toBeGreaterThan(0.8);
  });
});

describe('token similarity primitives', () => {
  it('Jaro-Winkler matches known values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('phonetic keys group sound-alikes and separate different names', () => {
    expect(phoneticKey('scholz')).toBe(phoneticKey('scholze'));
    expect(phoneticKey('mosk')).toBe(phoneticKey('musk'));
    expect(phoneticKey('olaf')).not.toBe(phoneticKey('octavian'));
  });
});

describe('compareNames', () => {
  it('separates similar-looking but different people (sound-group gating)', () => {
    expect(compareNames('Person', 'Olaf Scholze', 'Olaf Scholz').score).toBeGreaterThan(0.95);
    expect(compareNames('Person', 'Octavian Scholz', 'Olaf Scholz').score).toBeLessThan(0.5);
    expect(compareNames('Person', 'Angelo Mercaz', 'Angela Merkel').score).toBeLessThan(DEFAULT_THRESHOLD);
    expect(compareNames('Person', 'Barack Obama', 'George Hussein Onyango Obama').score).toBeLessThan(0.5);
    expect(compareNames('Person', 'Sergey Viktorovich Lavrov', 'Sergey Borisovitch Lavrov').score).toBeLessThan(DEFAULT_THRESHOLD);
  });

  it('matches across scripts and with typos', () => {
    expect(compareNames('Person', 'Володимир Зеленський', 'Volodymyr Zelenskyy').score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(compareNames('Person', 'I9or Sech1n', 'Igor Sechin').score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(compareNames('Person', 'Alexandr Lukashnko', 'Alexander Lukashenko').score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it('numbers must agree; conflicting legal-form classes cost a little', () => {
    expect(compareNames('Company', 'Seraphine Navigation II S.A.', 'Seraphine Navigation IX S.A.').score).toBeLessThan(DEFAULT_THRESHOLD);
    const same = compareNames('Company', 'Deutsche Bank AG', 'Deutsche Bank AG').score;
    const diff = compareNames('Company', 'Deutsche Bank AG', 'Deutsche Bank GmbH');
    expect(diff.score).toBeLessThan(same);
    expect(diff.explanation.notes.join(' ')).toMatch(/legal forms differ/);
  });

  it('explains which tokens matched which, and what was left over', () => {
    const r = compareNames('Person', 'Hans J Friedrich', 'Hans Joachim Friedrich');
    expect(r.explanation.matches).toContainEqual(expect.objectContaining({ a: 'j', b: 'joachim', how: 'initial' }));
    expect(r.explanation.matches).toContainEqual(expect.objectContaining({ a: 'hans', b: 'hans', similarity: 1, how: 'exact' }));
    const o = compareNames('Person', 'Octavian Scholz', 'Olaf Scholz');
    expect(o.explanation.unmatched1).toEqual(['octavian']);
    expect(o.explanation.unmatched2).toEqual(['olaf']);
  });

  const nameArb = fc.array(fc.stringMatching(/^[A-Za-z]{2,9}$/), { minLength: 1, maxLength: 4 }).map((a) => a.join(' '));
  const schemaArb = fc.constantFrom('Person', 'Company', 'Vessel');

  it('property: score in [0,1], identical names score 1, roughly symmetric', () => {
    fc.assert(
      fc.property(schemaArb, nameArb, nameArb, (schema, a, b) => {
        const ab = compareNames(schema, a, b).score;
        const ba = compareNames(schema, b, a).score;
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(Math.abs(ab - ba)).toBeLessThan(0.15);
        expect(compareNames(schema, a, a).score).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('property: permuting tokens keeps the score high', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{3,9}$/), { minLength: 2, maxLength: 4 }), (parts) => {
        const reversed = [...parts].reverse().join(' ');
        // A title or particle is a name token only in some positions ("hon aaa" drops the leading title "Hon."): the
        // property is about name words, each kept as a word in both orders.
        const plainWords = (s: string) => normaliseName(s, 'person').tokens.filter((t) => t.kind === 'word').length === parts.length;
        fc.pre(plainWords(parts.join(' ')) && plainWords(reversed));
        expect(compareNames('Person', parts.join(' '), reversed).score).toBeGreaterThanOrEqual(0.9);
      }),
      { numRuns: 200 },
    );
  });
});

describe('corroboration', () => {
  const e = emptyEntity('t', '1', 'person', 'x');
  e.names.push({ value: 'Ivan Petrov', type: 'primary' });
  e.dobs.push({ kind: 'date', date: { year: 1970, month: 5, day: 1 } });
  e.nationalities.push('ru');
  e.identifiers.push({ type: 'Passport', value: 'AB 123456' });

  const score = (q: Parameters<typeof prepareQuery>[0], name = 0.85) => finalScore(name, corroborate(prepareQuery(q), e));

  it('DOB agreement raises, disagreement lowers, absence is neutral', () => {
    const none = score({ name: 'Ivan Petrov' });
    expect(none).toBeCloseTo(0.85 * 0.95, 4);
    expect(score({ name: 'Ivan Petrov', dob: '1970-05-01' })).toBeGreaterThan(score({ name: 'Ivan Petrov', dob: '1970' }));
    expect(score({ name: 'Ivan Petrov', dob: '1970' })).toBeGreaterThan(none);
    expect(score({ name: 'Ivan Petrov', dob: '1971' })).toBeLessThan(none);
    expect(score({ name: 'Ivan Petrov', dob: '1985-02-03' })).toBeLessThan(score({ name: 'Ivan Petrov', dob: '1971' }));
  });

  it('nationality agreement raises, disagreement lowers', () => {
    const none = score({ name: 'Ivan Petrov' });
    expect(score({ name: 'Ivan Petrov', country: 'Russia' })).toBeGreaterThan(none);
    expect(score({ name: 'Ivan Petrov', country: 'fr' })).toBeLessThan(none);
  });

  it('an identifier match is strong evidence and is explained', () => {
    const effects = corroborate(prepareQuery({ name: 'Ivan Petrov', identifiers: ['ab123456'] }), e);
    expect(effects).toEqual([
      {
        field: 'identifier',
        outcome: 'agree',
        query: 'AB123456',
        listed: 'Passport AB 123456',
        effect: 0.3,
        hard: false,
        mayClear: false,
        decisive: false,
      },
    ]);
  });
});
