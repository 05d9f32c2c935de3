import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { NameIndex } from '../../src/screening/name-index.ts';
import { screenIndex } from '../../src/screening/screening-engine.ts';
import { emptyEntity } from '../../src/screening/screening-entity.ts';

/** A listed person with a full date of birth (1961-04-10) and a nationality (us). */
function person(id: string, name: string) {
  const e = emptyEntity('pep', id, 'person', 'test');
  e.names.push({ value: name, type: 'primary' });
  e.dobs.push({ kind: 'date', date: { year: 1961, month: 4, day: 10 } });
  e.nationalities.push('us');
  e.isPep = true;
  return e;
}

const index = NameIndex.build([
  person('P-1', 'Tom Davis'),
  person('P-2', 'Brenda Jones'),
  person('P-3', 'Heather Wilson'),
  person('P-4', 'KHAN, Mali'),
  person('P-5', 'SON, Min'),
]);
const screen = (name: string, dob?: string, country?: string) =>
  screenIndex(index, { name, kind: 'person', ...(dob ? { dob } : {}), ...(country ? { country } : {}) });

describe('the screening review line asks more of a name than name-pair similarity (docs/screening.md)', () => {
  it('a name one sound away from a listed one is not reviewed alone, but is with an equal date of birth and nationality', () => {
    expect(screen('Tammy Davis').isMatch).toBe(false);
    expect(screen('Tammy Davis', '1990-01-01', 'gh').isMatch).toBe(false);
    const lifted = screen('Tammy Davis', '1961-04-10', 'us');
    expect(lifted.isMatch).toBe(true);
    expect(lifted.hits[0]!.disposition.reasonCode).toBe('CORROBORATION_LIFTED');
    // name-pair similarity (remit screen pairs, account matching) is unchanged: the names are similar
    expect(compareNames('Person', 'Tammy Davis', 'Tom Davis').score).toBeGreaterThanOrEqual(0.9);
  });

  it('two of three names is not enough alone; the same with a matching date of birth is reviewed', () => {
    expect(screen('Brenda Larry Jones').isMatch).toBe(false);
    expect(screen('Brenda Larry Jones', '1961-04-10').isMatch).toBe(true);
  });

  it('an exact listed name is still reviewed whatever the date of birth and nationality (a contradiction never clears it)', () => {
    const r = screen('Heather Wilson', '2002-08-30', 'rw');
    expect(r.isMatch).toBe(true);
    expect(r.hits[0]!.disposition.reasonCode).toBe('NAME_MATCH');
  });

  it('Hebrew or Arabic script agreeing with a Latin name in consonants only needs corroboration', () => {
    expect(screen('אמל כהן').isMatch).toBe(false);
    expect(screen('אמל כהן', '1961-04-10').isMatch).toBe(true);
  });

  it('a Korean or Chinese given name with a syllable (a character) left over needs corroboration', () => {
    expect(screen('민수 손').isMatch).toBe(false);
    expect(screen('민수 손', '1961-04-10').isMatch).toBe(true);
    expect(screen('민 손').isMatch).toBe(true); // the listed name itself, in Hangul
  });
});
