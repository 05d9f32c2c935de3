import { beforeAll, describe, expect, it } from 'vitest';
import { screenIntake } from '../../src/app/intake/screen-intake.ts';
import { ScreeningPolicySchema } from '../../src/domain/org/screening-policy.schema.ts';
import { SCREENING_COMPARE_PARAMS } from '../../src/screening/name-compare.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { data, FIXED_NOW, HAS_DATA } from './shared-data.ts';

/** Names constructed from the real OFAC SDN and UN lists, screened the way intake screens a lead. */
describe.skipIf(!HAS_DATA)('screening policy on the real OFAC and UN lists (docs/screening.md)', () => {
  const svc = new ScreeningService({ now: FIXED_NOW });
  beforeAll(() => {
    svc.loadAll([data('ofac/sdn.csv'), data('un/UN_consolidated.xml')]);
  });
  const defaults = ScreeningPolicySchema.parse({});
  const screen = (fullName: string, dateOfBirth: string | undefined, country: string, policy = defaults) =>
    screenIntake(svc, { contact: { fullName, ...(dateOfBirth ? { dateOfBirth } : {}) }, address: { country } }, policy);
  const hit = (r: ReturnType<typeof screen>, listId: string, entryId: string) =>
    r.hits.find((h) => h.listId === listId && h.entryId === entryId);

  it.each([
    ['Ayman Al Zawahiri', '1990-01-01', 'GB'],
    ['Ayman Al Zawahiri', '1951-07-19', 'DE'],
    ['Ayman Al Zawahiri', undefined, 'US'],
    ['AL-ZAWAHIRI, Ayman', '1975', 'FR'],
  ])('exact listed name %s, DOB %s, living in %s → potential match on OFAC and UN', (name, dob, country) => {
    const r = screen(name, dob, country);
    expect(r.status).toBe('potential_match');
    expect(hit(r, 'ofac-sdn', '2676')?.disposition).toMatchObject({ kind: 'review', nameScore: 1 });
    expect(hit(r, 'un-sc', '111923')?.disposition).toMatchObject({ kind: 'review', nameScore: 1 });
  });

  it('a matching DOB escalates the hit: reviewed first', () => {
    const r = screen('Ayman Al Zawahiri', '1951-06-19', 'GB');
    expect(r.status).toBe('potential_match');
    expect(r.hits[0]!.disposition).toMatchObject({ kind: 'escalated', reasonCode: 'NAME_MATCH_CORROBORATED', priority: 'high' });
  });

  it('living abroad is never read as a nationality contradiction', () => {
    const r = screen('Tharwat Salah Shihata', undefined, 'SE');
    const un = hit(r, 'un-sc', '111782')!;
    expect(un.corroboration.map((f) => f.field)).toEqual(['residence']);
    expect(un.corroboration[0]).toMatchObject({ query: 'se', listed: 'eg', effect: -0.01 });
    expect(un.disposition).toMatchObject({ kind: 'review', priority: 'low' });
  });

  it('a hard DOB contradiction clears only on the lists the policy names, and only an otherwise uncorroborated hit', () => {
    const unOnly = ScreeningPolicySchema.parse({ hardContradiction: { mayClearLists: ['un-sc'] } });
    const r = screen('Ayman Al Zawahiri', '1990-01-01', 'GB', unOnly);
    expect(r.status).toBe('potential_match');
    expect(hit(r, 'un-sc', '111923')!.disposition).toMatchObject({ kind: 'clear', reasonCode: 'HARD_CONTRADICTION_CLEARED' });
    expect(hit(r, 'un-sc', '111923')!.corroboration[0]).toMatchObject({ field: 'dob', hard: true, mayClear: true });
    expect(hit(r, 'ofac-sdn', '2676')!.disposition).toMatchObject({ kind: 'review', reasonCode: 'NAME_MATCH' });
    expect(r.tags).not.toContain('un-sc');

    const both = ScreeningPolicySchema.parse({ hardContradiction: { mayClearLists: ['un-sc', 'ofac-sdn'] } });
    const cleared = screen('Ayman Al Zawahiri', '1990-01-01', 'GB', both);
    expect(cleared.status).toBe('clear');
    // The cleared hits stay on record with the reason.
    expect(cleared.hits.map((h) => h.disposition.reasonCode)).toEqual(['HARD_CONTRADICTION_CLEARED', 'HARD_CONTRADICTION_CLEARED']);
    // Within the bound (10 years) the contradiction is not hard: still reviewed.
    expect(screen('Ayman Al Zawahiri', '1958-01-01', 'GB', both).status).toBe('potential_match');
    // Living in the listed country agrees a little: the contradiction no longer clears.
    expect(hit(screen('Ayman Al Zawahiri', '1990-01-01', 'EG', both), 'un-sc', '111923')!.disposition.kind).toBe('review');
  });

  it.each([
    ['Hussain Saleemi', '110409'],
    ['Kasim Sulaymani', '110408'],
    ['Jawad Rahigi', '110416'],
  ])("a spelling among the UN entry's alias spellings written in one string, %s, is reviewed", (name, entryId) => {
    // the UN list writes "Husain Salimi; Hosain Salimi; Hussain Saleemi; …" as one alias: each part is a name
    const r = screen(name, undefined, 'GB');
    expect(r.status).toBe('potential_match');
    expect(hit(r, 'un-sc', entryId)?.disposition).toMatchObject({ kind: 'review' });
  });

  it('records the policy used: its values and their hash', () => {
    const r = screen('Ayman Al Zawahiri', undefined, 'GB');
    // The policy as applied: the name-comparison parameters used are recorded too (here the screening defaults).
    expect(r.policy.values).toEqual({ ...defaults, nameCompare: SCREENING_COMPARE_PARAMS });
    const stricter = ScreeningPolicySchema.parse({ reviewThreshold: 0.85 });
    expect(screen('Ayman Al Zawahiri', undefined, 'GB', stricter).policy.hash).not.toBe(r.policy.hash);
  });
});
