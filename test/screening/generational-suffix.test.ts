import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';

const words = (name: string): string =>
  normaliseName(name, 'person')
    .tokens.map((t) => t.text)
    .join(' ');

describe('a generational suffix closing a person name (generational-suffix.ts)', () => {
  it('a Roman numeral, an ordinal or an ordinal word after the name is dropped, as Jr. is', () => {
    for (const name of ['George Cowan III', 'George Cowan 3rd', 'George Cowan the Third', 'George Cowan Jr.', 'George Cowan'])
      expect(words(name), name).toBe('george cowan');
    expect(words('Henry Ford II')).toBe('henry ford');
    expect(words('Henry Ford 2nd')).toBe('henry ford');
    expect(words('Henry Ford the Second')).toBe('henry ford');
    expect(words('John Smith IV')).toBe('john smith');
    expect(words('John Smith 4th')).toBe('john smith');
  });

  it('the forms compare alike (1.0), and with the name without a suffix', () => {
    expect(compareNames('person', 'Omid GHAFFARINIA III', 'Omid GHAFFARINIA the Third').score).toBe(1);
    expect(compareNames('person', 'Randy K. Weber, IV', 'Randy K. Weber 4th').score).toBe(1);
    expect(compareNames('person', 'Todd Tiahrt II', 'Todd Tiahrt').score).toBe(1);
  });

  it('after a comma it closes the name and is not rotated in front as a given name', () => {
    expect(words('Randy K. Weber, IV')).toBe('randy k weber');
    expect(words('Martin Luther King, Jr.')).toBe('martin luther king');
    // "SURNAME, Given" is still rotated
    expect(words('SMITH, John Robert')).toBe('john robert smith');
  });

  it('only at the end of a name of two words more, and V (an initial) and other words are kept', () => {
    expect(words('Smith III')).toBe('smith iii');
    expect(words('III Smith Jones')).toBe('iii smith jones');
    expect(words('John Smith V')).toBe('john smith v');
    expect(words('John Smith the Great')).toBe('john smith the great');
    expect(words('Smith the Third')).toBe('smith the 3');
    expect(words('John Smith 3')).toBe('john smith 3');
  });
});
