import { describe, expect, it } from 'vitest';
import { scoreLead } from '../../src/domain/intake/score-lead.ts';
import { ScoringModelSchema } from '../../src/domain/intake/scoring-model.schema.ts';
import type { ScoringModelInput } from '../../src/domain/intake/scoring-model.schema.ts';
import { AT, normaliseOk, payload } from './intake-fixtures.ts';

const GRADES = [
  { grade: 'A', min: 80 },
  { grade: 'B', min: 60 },
  { grade: 'C', min: 40 },
  { grade: 'D', min: 0 },
];

const model = (criteria: ScoringModelInput['criteria'], extra: Partial<ScoringModelInput> = {}) =>
  ScoringModelSchema.parse({ criteria, grades: GRADES, qualifyAt: 40, ...extra });

const DAY = 86_400_000;
const subject = (overrides: Record<string, unknown> = {}, person: Record<string, unknown> = {}, address: Record<string, unknown> = {}) =>
  normaliseOk(payload(overrides, person, address));

describe('scoring criteria (R10)', () => {
  it('attribute equals / in', () => {
    const m = model([
      { kind: 'attribute', id: 'mortgage', field: 'product', equals: 'mortgage', points: 20 },
      { kind: 'attribute', id: 'core-market', field: 'country', in: ['GB', 'IE'], points: 10 },
      { kind: 'attribute', id: 'texas', field: 'jurisdiction', equals: 'US-TX', points: 50 },
      { kind: 'attribute', id: 'pro', field: 'customerType', in: ['professional', 'eligible_counterparty'], points: 15 },
      { kind: 'attribute', id: 'paid', field: 'source', in: ['google_ads'], points: 5 },
      { kind: 'attribute', id: 'campaign', field: 'custom.campaign', equals: 'spring', points: 3 },
    ]);
    const r = scoreLead(m, subject({ custom: { campaign: 'spring' } }), AT);
    expect(r.breakdown.map((l) => [l.id, l.matched, l.points])).toEqual([
      ['mortgage', true, 20],
      ['core-market', true, 10],
      ['texas', false, 0],
      ['pro', false, 0],
      ['paid', false, 0],
      ['campaign', true, 3],
    ]);
    expect(r.score).toBe(33);
  });

  it('number ranges: deal value and company employees, [gte, lt)', () => {
    const m = model([
      { kind: 'range', id: 'big-deal', field: 'dealValue', gte: 100_000, points: 25 },
      { kind: 'range', id: 'mid-size', field: 'companyEmployees', gte: 50, lt: 500, points: 10 },
      { kind: 'range', id: 'small', field: 'companyEmployees', lt: 50, points: 2 },
    ]);
    const r = scoreLead(m, subject({ dealValue: 100_000, company: { name: 'Acme', employees: 500 } }), AT);
    expect(r.breakdown.map((l) => l.points)).toEqual([25, 0, 0]);
    expect(r.breakdown[1]!.detail).toBe('companyEmployees = 500 not ≥ 50 and < 500');
    expect(scoreLead(m, subject(), AT).breakdown.map((l) => l.detail)).toEqual([
      'dealValue absent',
      'companyEmployees absent',
      'companyEmployees absent',
    ]);
  });

  it('behaviour: threshold and per unit with cap', () => {
    const m = model([
      { kind: 'behaviour_at_least', id: 'engaged', metric: 'pageViews', atLeast: 5, points: 10 },
      { kind: 'behaviour_per_unit', id: 'clicks', metric: 'emailClicks', pointsPerUnit: 3, cap: 12 },
      { kind: 'behaviour_per_unit', id: 'forms', metric: 'formSubmissions', pointsPerUnit: 4, cap: 20 },
    ]);
    const r = scoreLead(m, subject({ behaviour: { pageViews: 5, emailClicks: 9, formSubmissions: 2 } }), AT);
    expect(r.breakdown.map((l) => l.points)).toEqual([10, 12, 8]);
    expect(r.breakdown[1]!.detail).toContain('capped at 12');
    expect(scoreLead(m, subject({ behaviour: { pageViews: 4 } }), AT).breakdown.map((l) => l.points)).toEqual([0, 0, 0]);
  });

  it('recency decays with a half-life and stops at maxAgeDays', () => {
    const m = model([{ kind: 'recency', id: 'recent', points: 20, halfLifeDays: 7, maxAgeDays: 30 }]);
    const at = (daysAgo: number) =>
      scoreLead(m, subject({ behaviour: { lastActivityAt: new Date(AT - daysAgo * DAY).toISOString() } }), AT).score;
    expect(at(0)).toBe(20);
    expect(at(7)).toBe(10);
    expect(at(14)).toBe(5);
    expect(at(31)).toBe(0);
    expect(scoreLead(m, subject(), AT).breakdown[0]).toMatchObject({ matched: false, points: 0, detail: 'no recorded activity' });
  });

  it('minus points for free-mail domains; never echoes the address', () => {
    const m = model([{ kind: 'free_mail', id: 'free-mail', points: -15 }], { clamp: { min: -100, max: 100 } });
    const free = scoreLead(m, subject({}, { email: 'jane@gmail.com' }), AT);
    expect(free.score).toBe(-15);
    expect(JSON.stringify(free)).not.toContain('gmail');
    expect(scoreLead(m, subject({}, { email: 'jane@acme.com' }), AT).score).toBe(0);
    expect(scoreLead(m, subject({}, { email: undefined, phone: '+44 20 7946 0958' }), AT).breakdown[0]!.detail).toBe('no email');
  });
});

describe('grades, clamping and qualification', () => {
  const m = model([
    { kind: 'behaviour_per_unit', id: 'views', metric: 'pageViews', pointsPerUnit: 1, cap: 200 },
    { kind: 'free_mail', id: 'free-mail', points: -10 },
  ]);
  const withViews = (pageViews: number, email = 'jane@acme.com') => scoreLead(m, subject({ behaviour: { pageViews } }, { email }), AT);

  it.each([
    [100, 100, 'A'],
    [80, 80, 'A'],
    [79, 79, 'B'],
    [60, 60, 'B'],
    [40, 40, 'C'],
    [39, 39, 'D'],
    [150, 100, 'A'],
  ])('%s page views → score %s, grade %s', (views, score, grade) => {
    const r = withViews(views);
    expect(r.score).toBe(score);
    expect(r.grade).toBe(grade);
    expect(r.rawScore).toBe(views);
  });

  it('clamps at the minimum and gives the lowest grade', () => {
    const r = withViews(0, 'jane@gmail.com');
    expect(r).toMatchObject({ rawScore: -10, score: 0, grade: 'D' });
  });

  it('below the threshold the lead goes to nurture', () => {
    expect(withViews(39)).toMatchObject({ qualified: false, outcome: 'nurture', qualifyAt: 40 });
    expect(withViews(40)).toMatchObject({ qualified: true, outcome: 'route' });
  });
});

describe('scoring model schema', () => {
  const issues = (input: unknown) => {
    const r = ScoringModelSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };

  it('rejects malformed models with paths', () => {
    expect(
      issues({
        criteria: [],
        grades: [
          { grade: 'B', min: 50 },
          { grade: 'A', min: 80 },
        ],
        qualifyAt: 40,
      }),
    ).toEqual(['grades.1.min']);
    expect(
      issues({
        criteria: [
          { kind: 'attribute', id: 'x', field: 'product', points: 1 },
          { kind: 'attribute', id: 'x', field: 'nope', equals: 'a', points: 1 },
          { kind: 'range', id: 'r', field: 'dealValue', gte: 10, lt: 5, points: 1 },
          { kind: 'telepathy', id: 't', points: 1 },
        ],
        grades: GRADES,
        qualifyAt: 40,
      }),
    ).toEqual(['criteria.0.equals', 'criteria.1.field', 'criteria.2.lt', 'criteria.3.kind']);
  });

  it('the documented example parses', () => {
    expect(
      ScoringModelSchema.safeParse({
        qualifyAt: 40,
        grades: GRADES,
        criteria: [
          { id: 'mortgage', kind: 'attribute', field: 'product', in: ['mortgage', 'remortgage'], points: 15 },
          { id: 'uk', kind: 'attribute', field: 'country', equals: 'GB', points: 10 },
          { id: 'big-deal', kind: 'range', field: 'dealValue', gte: 250000, points: 20 },
          { id: 'engaged', kind: 'behaviour_at_least', metric: 'pageViews', atLeast: 5, points: 10 },
          { id: 'clicks', kind: 'behaviour_per_unit', metric: 'emailClicks', pointsPerUnit: 2, cap: 10 },
          { id: 'recent', kind: 'recency', points: 20, halfLifeDays: 7, maxAgeDays: 60 },
          { id: 'free-mail', kind: 'free_mail', points: -10 },
        ],
      }).success,
    ).toBe(true);
  });
});
