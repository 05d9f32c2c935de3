import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';

const score = (a: string, b: string) => compareNames('Company', a, b).score;
const kinds = (name: string) => normaliseName(name, 'organisation').tokens.map((t) => `${t.text}:${t.kind}`);

describe('Persian and Arabic generic company words in Latin letters (remit-org-terms.yml)', () => {
  it('reads sherkat, sanaye, sazman(e) and sarafi as the generic words they translate', () => {
    expect(kinds('Sherkat Sanaye Electronics Iran')).toEqual(kinds('Company Industries Electronics Iran'));
    expect(kinds('Sazmane Sanaye Defa')).toEqual(kinds('Organization Industries Defa'));
    expect(kinds('Roshan Sarafi')).toEqual(kinds('Roshan Exchange'));
    expect(kinds('Roshan Money Exchange')).toEqual(kinds('Roshan Exchange'));
    expect(normaliseName('Niru Battery Sahami Khass', 'organisation').legalForms).toEqual(['jsc']);
  });

  it("matches a firm's romanised Persian name to its English one (OFAC aliases of one entry each)", () => {
    expect(score('ROSHAN MONEY EXCHANGE', 'ROSHAN SARAFI')).toBe(1);
    expect(score('IRAN ELECTRONICS INDUSTRIES', 'SHERKAT SANAYEH ELECTRONICS IRAN')).toBeGreaterThanOrEqual(0.85);
    expect(score('HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE', 'HAJI KHAIRULLAH-HAJI SATTAR SARAFI')).toBeGreaterThanOrEqual(0.9);
    expect(score('AEROSPACE INDUSTRIES ORGANIZATION', 'SAZMANE SANAYE HAVA FAZA')).toBeLessThan(0.8); // the name words are translated too
  });

  it('keeps firms apart whose own names differ: a generic word weighs less than a name word', () => {
    expect(score('ROSHAN SARAFI', 'ROSTAM SARAFI')).toBeLessThan(0.8);
    expect(score('Sherkat Sanaye Defa', 'Sherkat Sanaye Hava Faza')).toBeLessThan(0.8);
  });
});
