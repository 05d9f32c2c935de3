import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';
import { romanisationFold } from '../../src/screening/romanised-legal-forms.ts';

const score = (schema: string, a: string, b: string) => compareNames(schema, a, b).score;
const legalForms = (name: string) => normaliseName(name, 'organisation').legalForms;
const words = (name: string) => normaliseName(name, 'organisation').tokens.map((t) => t.text);

describe('Russian legal forms written in any romanisation (romanised-legal-forms.ts)', () => {
  it('folds the romanisations of щ, ц, й / ы and the glides of е, ю, я to one spelling', () => {
    const one = (...spellings: string[]) => expect(new Set(spellings.map(romanisationFold)).size).toBe(1);
    one('obshchestvo', 'obschestvo', 'obshcestvo', 'obshhestvo');
    one('ogranichennoy', 'ogranichennoi', 'ogranichennoj');
    one('otvetstvennostyu', 'otvetstvennostju', 'otvetstvennostiu');
    one('aktsionernoe', 'aktsionernoye', 'akcionernoje', 'aktzionernoe');
    one('aktsionerny', 'aktsionernyy', 'aktsionernyj', 'aktsionernyi', 'aktsionerniy');
    // words outside those conventions keep their letters apart
    expect(romanisationFold('otkrytoe')).not.toBe(romanisationFold('zakrytoe'));
    expect(romanisationFold('publichnoe')).not.toBe(romanisationFold('nepublichnoe'));
  });

  it('recognises the long forms the dictionaries spell otherwise, so they do not stay in the name as its words', () => {
    expect(legalForms('OBSCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU TRANSSERVIS')).toEqual(['ooo']);
    expect(words('OBSCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU TRANSSERVIS')).toEqual(['transservis']);
    expect(legalForms('AKTSIONERNOE OBSHCESTVO INSTITUT STROIPROEKT')).toEqual(['ao']);
    expect(words('PUBLICHNOYE AKTSIONERNOYE OBSHCHESTVO BANK VVB')).not.toContain('publichnoye');
    // OFAC's own aliases of one listed company each, below the pair line before (0.38, 0.60, 0.67)
    expect(score('Company', 'OOO TRANSSERVIS', 'OBSCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU TRANSSERVIS')).toBe(1);
    expect(score('Company', 'INSTITUT STROIPROEKT, AO', 'AKTSIONERNOE OBSHCESTVO INSTITUT STROIPROEKT')).toBe(1);
    expect(score('Company', 'SURGUTNEFTEGAS PJSC', 'PUBLICHNOE AKTSIONERNOE OBSCHESTVO SURGUTNEFTEGAS')).toBe(1);
  });

  it('reads the pre-1995 qualifier "of the open / closed type" as part of the legal form (AOOT, AOZT)', () => {
    const elevator = 'OTKRYTOE AKTSIONERNOE OBSHCHESTVO OTKRYTOGO TIPA UMANSKI ELEVATOR';
    expect(words(elevator)).toEqual(['umanski', 'elevator']);
    expect(score('Company', 'UMANSKI ELEVATOR, OAO', elevator)).toBeGreaterThanOrEqual(0.9);
    expect(legalForms('AOZT KARST')).toEqual(['zao']);
    expect(legalForms('AOOT KARST')).toEqual(['ao']);
  });

  it('never folds a single word into a legal form, and keeps a name that is only a legal form-like phrase', () => {
    // "Sia" (Latvian SIA) and "Sa" stay apart from each other's legal forms: one-word forms are matched as written
    expect(words('Aktsionerny Holding')).toContain('aktsionerny');
    expect(words('Obschestvo Karst')).toContain('karst');
    // folded, "Chariti" would be rigour's one-word form "charity" (NGO) and "Egies" the Hungarian "egyes": name words
    expect(words('Chariti Foods Egies')).toEqual(['chariti', expect.any(String), 'egies']);
    // a name that is nothing but the legal form keeps its words (never removes every token)
    expect(words('Obschestvo s Ogranichennoi Otvetstvennostyu').length).toBeGreaterThan(0);
  });

  it('keeps different companies apart: the fold reaches legal forms only, not the name', () => {
    expect(score('Company', 'OBSCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU TRANSSERVIS', 'OOO TRANSOIL')).toBeLessThan(0.8);
    expect(score('Company', 'OBSCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU TSENTR', 'OOO CENTR')).toBeLessThan(1);
  });
});
