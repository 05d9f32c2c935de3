import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { DEFAULT_COMPARE_PARAMS } from '../../src/screening/name-compare.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';

const WITHOUT = { ...DEFAULT_COMPARE_PARAMS, numberOneSideFactor: 1 };
const THRESHOLD = 0.8;

describe('numbered entities: a sequence number on one side only', () => {
  it('a numbered fund or company is not the unnumbered one', () => {
    const on = compareNames('organisation', 'Harlowe Global Partners, Inc.', 'Harlowe Global Partners II, Inc.');
    expect(on.score).toBeLessThan(THRESHOLD);
    expect(on.explanation.notes).toContain('number on one side only: 2 (x0.85)');
    expect(
      compareNames('organisation', 'Harlowe Global Partners, Inc.', 'Harlowe Global Partners II, Inc.', WITHOUT).score,
    ).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('numbered SPVs the lists list apart from the unnumbered one stay below the line (x0.85; x0.9 let them through)', () => {
    // OFAC lists TINDAYA PROPERTIES OF NEW YORK CORP. and … II CORP., RIM GROUP PROPERTIES OF NEW YORK, CORP. and … II CORP. apart
    for (const [a, b] of [
      ['TINDAYA PROPERTIES OF NEW YORK CORP.', 'TINDAYA PROPERTIES OF NEW YORK II CORP.'],
      ['RIM GROUP PROPERTIES OF NEW YORK, CORP.', 'RIM GROUP PROPERTIES OF NEW YORK II CORP.'],
    ] as const) {
      expect(compareNames('organisation', a, b).score, a).toBeLessThan(THRESHOLD);
      expect(compareNames('organisation', a, b, { ...DEFAULT_COMPARE_PARAMS, numberOneSideFactor: 0.9 }).score, a).toBeGreaterThanOrEqual(
        THRESHOLD,
      );
    }
  });

  it('a numbered vessel is a sister ship of the unnumbered one', () => {
    const on = compareNames('vessel', 'Morning Tide', 'Morning Tide 2');
    const off = compareNames('vessel', 'Morning Tide', 'Morning Tide 2', WITHOUT);
    expect(on.score).toBeCloseTo(off.score * 0.85, 3);
    expect(on.explanation.notes.some((n) => n.startsWith('number on one side only'))).toBe(true);
  });

  it('does not touch people, equal numbers, or long numbers (identifiers, years)', () => {
    expect(compareNames('person', 'John Smith 2', 'John Smith').explanation.notes.some((n) => n.startsWith('number on one side'))).toBe(
      false,
    );
    expect(compareNames('vessel', 'Kerchenskiy Proliv-3', 'KERCHENSKY PROLIV 3').score).toBeGreaterThanOrEqual(THRESHOLD);
    const registry = compareNames('organisation', 'Hrastnik Gradbenistvo d.o.o. 5834219000', 'Hrastnik Gradbenistvo d.o.o.');
    expect(registry.explanation.notes.some((n) => n.startsWith('number on one side'))).toBe(false);
    const year = compareNames('organisation', 'Lakemont Loan Trust 2004', 'Lakemont Loan Trust');
    expect(year.explanation.notes.some((n) => n.startsWith('number on one side'))).toBe(false);
  });

  it('two different numbers stay a number conflict (not counted twice)', () => {
    const r = compareNames('vessel', 'Kaiyo Maru No. 8', 'Kaiyo Maru No. 9');
    expect(r.explanation.notes).toContain('numbers differ (x0.75)');
    expect(r.explanation.notes.some((n) => n.startsWith('number on one side'))).toBe(false);
  });

  it('a single I or V closing a company or vessel name is a numeral, like II and VI', () => {
    expect(normaliseName('Ocean Star I', 'vessel').tokens.map((t) => t.text)).toEqual(['ocean', 'star', '1']);
    expect(normaliseName('Carlyle Partners V L.P.', 'organisation').tokens.map((t) => t.text)).toEqual(['carlyle', '§partner', '5']);
    expect(compareNames('vessel', 'ARGO I', 'ARGO 1').score).toBe(1);
    expect(compareNames('vessel', 'Ocean Star I', 'Ocean Star II').explanation.notes).toContain('numbers differ (x0.75)');
    const one = compareNames('vessel', 'Ocean Star I', 'Ocean Star');
    expect(one.explanation.notes.some((n) => n.startsWith('number on one side'))).toBe(true);
    expect(one.score).toBe(compareNames('vessel', 'Ocean Star 1', 'Ocean Star').score);
  });

  it('keeps a lone letter that is not at the end, X, a single word, people and Hangul syllables', () => {
    const texts = (name: string, schema: string) => normaliseName(name, schema as 'vessel').tokens.map((t) => t.text);
    expect(texts('I Love Lucy', 'vessel')).toEqual(['i', 'love', 'lucy']);
    expect(texts('Generation X', 'organisation')).toEqual(['generation', 'x']);
    expect(texts('V', 'vessel')).toEqual(['v']);
    expect(texts('Malik Abdul I', 'person')).not.toContain('1');
    expect(texts('삼성 이', 'organisation')).not.toContain('1');
  });
});
