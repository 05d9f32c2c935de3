import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';

const texts = (name: string) => normaliseName(name, 'person').tokens.map((t) => t.text);

describe('leading titles are Latin-script words, dropped only from names written in Latin letters', () => {
  it('a Latin title is dropped, as before', () => {
    expect(texts('Hon. John Smith')).toEqual(['john', 'smith']);
    expect(texts('Dr. Ivan Petrov')).toEqual(['ivan', 'petrov']);
    // capitals, as lists write names, are Latin letters too
    expect(texts('DR. IVAN PETROV')).toEqual(['ivan', 'petrov']);
    expect(compareNames('person', 'Hon. John Smith', 'John Smith').score).toBe(1);
  });

  it('a transliterated word that spells a title is a name: Khmer ហ៊ុន (Hun) is "hon"', () => {
    expect(texts('ហ៊ុន សែន')).toHaveLength(2);
    expect(texts('ហ៊ុន សែន')[0]).toBe('hon');
    expect(compareNames('person', 'ហ៊ុន សែន', 'Hun Sen').score).toBeGreaterThanOrEqual(0.9);
    expect(compareNames('person', 'ហ៊ុន ម៉ាណែត', 'Hun Manet').score).toBeGreaterThanOrEqual(0.9);
  });

  it('the family name alone does not make another person the same: Hun Sen is not Hun Manet', () => {
    expect(compareNames('person', 'ហ៊ុន សែន', 'Hun Manet').score).toBeLessThan(0.8);
  });
});
