import { describe, expect, it } from 'vitest';
import { compileConfigObject } from '../../src/config/load-config.ts';
import { DEFAULT_SCREENING_POLICY } from '../../src/domain/org/screening-policy.schema.ts';
import { baseConfig } from '../support/org-builder.ts';

/** The screening policy (docs/screening.md) is org config: validated, defaulted and versioned with the org hash. */
describe('screening policy in the org config', () => {
  const withScreening = (screening: unknown) => compileConfigObject({ ...structuredClone(baseConfig()), screening });

  it('an org without one gets every default', () => {
    const c = compileConfigObject(baseConfig());
    if (!c.ok) throw new Error('config should compile');
    expect(c.value.org.config.screening).toEqual(DEFAULT_SCREENING_POLICY);
    expect(DEFAULT_SCREENING_POLICY).toMatchObject({
      reviewThreshold: 0.9,
      escalateAt: 0.1,
      corroboration: { dobMismatch: -0.2, nationalityMismatch: -0.1, residenceMatch: 0.02, residenceMismatch: -0.01 },
      hardContradiction: { dobYearsApart: 10, mayClearLists: [] },
    });
  });

  it('any change to a weight or to the lists allowed to clear is a new org version', () => {
    const base = withScreening({});
    const weight = withScreening({ corroboration: { dobMismatch: -0.3 } });
    const lists = withScreening({ hardContradiction: { mayClearLists: ['un-sc'] } });
    if (!base.ok || !weight.ok || !lists.ok) throw new Error('configs should compile');
    expect(new Set([base.value.org.hash, weight.value.org.hash, lists.value.org.hash]).size).toBe(3);
  });

  it('rejects weights that would let a contradiction raise, or residence act as more than a weak signal, field by field', () => {
    const r = withScreening({
      corroboration: { dobMismatch: 0.2, residenceMismatch: -0.3, unknownWeight: 1 },
      hardContradiction: { dobYearsApart: 0 },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((p) => p.path).sort()).toEqual([
      'screening.corroboration',
      'screening.corroboration.dobMismatch',
      'screening.corroboration.residenceMismatch',
      'screening.hardContradiction.dobYearsApart',
    ]);
  });
});
