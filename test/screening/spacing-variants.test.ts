import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';

const THRESHOLD = 0.8;

describe('company and vessel names with other spacing', () => {
  it('the same letters run together across a legal form are one name', () => {
    const r = compareNames('organisation', 'Ets Kouyate', 'EtsKouyate');
    expect(r.score).toBe(1);
    expect(r.explanation.notes).toContain('same letters, other spacing');
    expect(compareNames('vessel', 'SEA STAR', 'SeaStar').score).toBe(1);
    expect(compareNames('organisation', 'Kouyate-Freres SARL', 'Kouyate Freres S.A.R.L.').score).toBe(1);
  });

  it('does not match other letters, short names or people', () => {
    expect(compareNames('organisation', 'Ets Kouyate', 'EtsKouyata').explanation.notes).not.toContain('same letters, other spacing');
    expect(compareNames('organisation', 'Ets Kouyate', 'Ets Kouyate Freres').score).toBeLessThan(THRESHOLD + 0.01);
    expect(compareNames('organisation', 'A B', 'AB').explanation.notes).not.toContain('same letters, other spacing');
    // people keep their own rules (joined words), this shortcut is not taken for them
    const person = compareNames('person', 'Kouyate Mamadou', 'KouyateMamadou');
    expect(person.explanation.notes).not.toContain('same letters, other spacing');
    expect(person.explanation.matches[0]?.how).toBe('joined');
  });
});
