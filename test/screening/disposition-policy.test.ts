import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScreeningPolicySchema, type ScreeningPolicy } from '../../src/domain/org/screening-policy.schema.ts';
import { disposeHit } from '../../src/screening/hit-disposition.ts';
import { NameIndex } from '../../src/screening/name-index.ts';
import { fullDatesMoreThanYearsApart } from '../../src/screening/partial-date.ts';
import { screenIndex } from '../../src/screening/screening-engine.ts';
import { emptyEntity, type PartialDate } from '../../src/screening/screening-entity.ts';

const LISTS = ['ofac-sdn', 'un-sc', 'blocklist'] as const;

/** A listed person with a full date of birth and a nationality, on one of the lists. */
function listed(listId: string, dob: PartialDate, nationality: string) {
  const e = emptyEntity(listId, 'E-1', 'person', 'test');
  e.names.push({ value: 'Ayman Al Zawahiri', type: 'primary' });
  e.dobs.push({ kind: 'date', date: dob });
  e.nationalities.push(nationality);
  e.isSanctioned = true;
  return e;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: PartialDate) => [String(d.year), ...(d.month ? [pad(d.month)] : []), ...(d.day ? [pad(d.day)] : [])].join('-');

const fullDate = fc.record({
  year: fc.integer({ min: 1900, max: 2010 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
});
/** What a lead may give: nothing, a year, a year and month, or a full date. */
const leadDob = fc.option(
  fc.oneof(
    fullDate,
    fullDate.map(({ year }) => ({ year })),
    fullDate.map(({ year, month }) => ({ year, month })),
  ),
  { nil: undefined },
);
const country = fc.constantFrom('eg', 'gb', 'us', 'fr', 'af');
/** Any policy the schema accepts: weights at their bounds or in between, any subset of lists allowed to clear. */
const policy: fc.Arbitrary<ScreeningPolicy> = fc
  .record({
    reviewThreshold: fc.double({ min: 0.5, max: 1, noNaN: true }),
    escalateAt: fc.double({ min: 0.01, max: 2, noNaN: true }),
    dobMismatch: fc.double({ min: -1, max: 0, noNaN: true }),
    dobNear: fc.double({ min: -1, max: 0, noNaN: true }),
    nationalityMismatch: fc.double({ min: -1, max: 0, noNaN: true }),
    residenceMismatch: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
    residenceMatch: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
    dobYearsApart: fc.integer({ min: 1, max: 40 }),
    mayClearLists: fc.subarray([...LISTS]),
  })
  .map((p) =>
    ScreeningPolicySchema.parse({
      reviewThreshold: p.reviewThreshold,
      escalateAt: p.escalateAt,
      corroboration: {
        dobMismatch: p.dobMismatch,
        dobNear: p.dobNear,
        nationalityMismatch: p.nationalityMismatch,
        residenceMismatch: p.residenceMismatch,
        residenceMatch: p.residenceMatch,
      },
      hardContradiction: { dobYearsApart: p.dobYearsApart, mayClearLists: p.mayClearLists },
    }),
  );

describe('screening disposition rule (docs/screening.md: a contradiction never clears a strong name match)', () => {
  it('property: an exact listed name is never cleared, whatever the DOB, nationality or address, unless the list allows it', () => {
    const subject = fc.record({
      listId: fc.constantFrom(...LISTS),
      listedDob: fullDate,
      dob: leadDob,
      listedNat: country,
      residence: country,
      nationality: fc.option(country, { nil: undefined }),
    });
    fc.assert(
      fc.property(policy, subject, (p, { listId, listedDob, dob, listedNat, residence, nationality }) => {
        const index = NameIndex.build([listed(listId, listedDob, listedNat)]);
        const query = {
          name: 'Ayman Al Zawahiri',
          kind: 'person' as const,
          residenceCountry: residence,
          ...(dob ? { dob: iso(dob) } : {}),
          ...(nationality ? { country: nationality } : {}),
        };
        const res = screenIndex(index, query, { policy: p });
        const hit = res.hits.find((h) => h.entryId === 'E-1');
        expect(hit).toBeDefined();
        expect(hit!.disposition.nameScore).toBe(1);
        const apart = p.hardContradiction.dobYearsApart;
        // hard: complete dates more than `apart` years apart and not a near miss (dates in adjacent years: a slip of one
        // digit, never hard whatever `apart` is; docs/screening.md, found by this property at dobYearsApart 1)
        const hard =
          dob !== undefined &&
          Math.abs(dob.year - listedDob.year) > 1 &&
          fullDatesMoreThanYearsApart(dob, { kind: 'date', date: listedDob }, apart);
        const agreeing = hit!.corroboration.some((f) => f.effect > 0);
        const mayClear = hard && p.hardContradiction.mayClearLists.includes(listId) && !agreeing;
        if (mayClear) {
          expect(hit!.disposition).toMatchObject({ kind: 'clear', reasonCode: 'HARD_CONTRADICTION_CLEARED' });
        } else {
          expect(['review', 'escalated']).toContain(hit!.disposition.kind);
          expect(hit!.isMatch).toBe(true);
          expect(res.isMatch).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: for any name score at or above the line and any contradictions, the rule never clears without a permitted hard one', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const effect = fc.record({ effect: fc.double({ min: -1, max: 1, noNaN: true }), mayClear: fc.boolean() });
    fc.assert(
      fc.property(unit, unit, fc.array(effect, { maxLength: 5 }), unit, (threshold, over, effects, priorityScore) => {
        const nameScore = threshold + (1 - threshold) * over;
        const d = disposeHit(nameScore, effects, priorityScore, { reviewThreshold: threshold, escalateAt: 0.1 });
        if (d.kind === 'clear') {
          expect(d.reasonCode).toBe('HARD_CONTRADICTION_CLEARED');
          expect(effects.some((f) => f.mayClear)).toBe(true);
          expect(effects.every((f) => f.effect <= 0)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('contradictions lower the priority; corroboration escalates; a weaker name can be lifted over the line', () => {
    const p = ScreeningPolicySchema.parse({});
    const lowers = { effect: -0.2, mayClear: false };
    const hardLowers = { effect: -0.2, mayClear: true };
    const raises = (effect: number) => ({ effect, mayClear: false });
    const lowered = disposeHit(0.95, [lowers], 0.7, p);
    expect(lowered).toMatchObject({ kind: 'review', reasonCode: 'NAME_MATCH', priority: 'low', loweredBy: -0.2 });
    expect(disposeHit(0.95, [], 0.9, p)).toMatchObject({ kind: 'review', reasonCode: 'NAME_MATCH', priority: 'normal' });
    const corroborated = disposeHit(0.95, [raises(0.1)], 1, p);
    expect(corroborated).toMatchObject({ kind: 'escalated', reasonCode: 'NAME_MATCH_CORROBORATED', priority: 'high' });
    expect(disposeHit(0.65, [raises(0.3)], 0.92, p)).toMatchObject({ kind: 'escalated', reasonCode: 'CORROBORATION_LIFTED' });
    expect(disposeHit(0.6, [], 0.57, p)).toMatchObject({ kind: 'clear', reasonCode: 'BELOW_REVIEW_LINE', priority: 'none' });
    // A permitted hard contradiction does not outweigh an agreeing fact.
    expect(disposeHit(1, [hardLowers, raises(0.05)], 0.8, p)).toMatchObject({ kind: 'review', reasonCode: 'NAME_MATCH' });
    expect(disposeHit(1, [hardLowers], 0.75, p)).toMatchObject({ kind: 'clear', reasonCode: 'HARD_CONTRADICTION_CLEARED' });
  });

  it('a hard contradiction needs two complete, exact dates further apart than the bound', () => {
    const listedDob = { kind: 'date' as const, date: { year: 1951, month: 6, day: 19 } };
    const jan1990 = { year: 1990, month: 1, day: 1 };
    expect(fullDatesMoreThanYearsApart(jan1990, listedDob, 10)).toBe(true);
    expect(fullDatesMoreThanYearsApart({ year: 1961, month: 6, day: 19 }, listedDob, 10)).toBe(false);
    expect(fullDatesMoreThanYearsApart({ year: 1961, month: 6, day: 20 }, listedDob, 10)).toBe(true);
    expect(fullDatesMoreThanYearsApart({ year: 1990 }, listedDob, 10)).toBe(false);
    expect(fullDatesMoreThanYearsApart(jan1990, { kind: 'date', date: { year: 1951 } }, 10)).toBe(false);
    expect(fullDatesMoreThanYearsApart(jan1990, { ...listedDob, approximate: true }, 10)).toBe(false);
    expect(fullDatesMoreThanYearsApart(jan1990, { kind: 'range', from: { year: 1950 }, to: { year: 1952 } }, 10)).toBe(false);
  });

  it('dates of birth in adjacent years are a near miss, never hard, even at dobYearsApart 1 (the first property found it)', () => {
    const p = ScreeningPolicySchema.parse({ hardContradiction: { dobYearsApart: 1, mayClearLists: ['un-sc'] } });
    const index = NameIndex.build([listed('un-sc', { year: 1900, month: 1, day: 1 }, 'eg')]);
    const at = (dob: string) => screenIndex(index, { name: 'Ayman Al Zawahiri', kind: 'person', dob }, { policy: p }).hits[0]!;
    // more than one year apart, but in adjacent years: one slip of a digit, so the hit stays for review
    expect(at('1901-01-02').disposition).toMatchObject({ kind: 'review', reasonCode: 'NAME_MATCH' });
    expect(at('1901-12-31').corroboration.find((f) => f.field === 'dob')).toMatchObject({ outcome: 'disagree', hard: false });
    // two years apart: hard, and the list allows it to clear
    expect(at('1902-01-01').disposition).toMatchObject({ kind: 'clear', reasonCode: 'HARD_CONTRADICTION_CLEARED' });
  });
});

describe('address country is residence, not nationality', () => {
  const entity = listed('ofac-sdn', { year: 1951, month: 6, day: 19 }, 'eg');
  const index = NameIndex.build([entity]);
  const hit = (q: object, p = ScreeningPolicySchema.parse({})) =>
    screenIndex(index, { name: 'Ayman Al Zawahiri', kind: 'person', ...q }, { policy: p }).hits[0]!;

  it('is recorded as a weak residence signal, not as a nationality mismatch', () => {
    const abroad = hit({ residenceCountry: 'GB' });
    expect(abroad.corroboration).toEqual([
      expect.objectContaining({ field: 'residence', outcome: 'disagree', query: 'gb', listed: 'eg', effect: -0.01, mayClear: false }),
    ]);
    expect(abroad.corroboration.some((f) => f.field === 'nationality')).toBe(false);
    expect(abroad.disposition).toMatchObject({ kind: 'review', reasonCode: 'NAME_MATCH' });
    const nationality = hit({ country: 'GB' }).corroboration;
    expect(nationality).toEqual([expect.objectContaining({ field: 'nationality', outcome: 'disagree', effect: -0.1 })]);
  });

  it('its weight is bounded: the policy cannot make it more than a weak signal', () => {
    expect(ScreeningPolicySchema.safeParse({ corroboration: { residenceMismatch: -0.1 } }).success).toBe(false);
    expect(ScreeningPolicySchema.safeParse({ corroboration: { residenceMatch: 0.2 } }).success).toBe(false);
    expect(ScreeningPolicySchema.safeParse({ corroboration: { dobMismatch: 0.1 } }).success).toBe(false);
    const strongest = ScreeningPolicySchema.parse({ corroboration: { residenceMismatch: -0.05 } });
    expect(hit({ residenceCountry: 'GB' }, strongest).disposition.kind).toBe('review');
  });
});
