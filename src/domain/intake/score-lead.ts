import { countryOf, isSubdivision } from '../shared/jurisdiction.ts';
import { isFreeMailDomain } from './free-mail-domains.ts';
import type { NormalisedIntake } from './normalise-lead.ts';
import type { AttributeField, BehaviourMetric, RangeField, ScoringCriterion, ScoringModel } from './scoring-model.schema.ts';

/**
 * Scores a normalised intake with a points model (docs/intake.md). Pure and deterministic: the time is
 * passed in (for recency). The breakdown lists every criterion, matched or not, with its points,
 * for the decision record; it holds no contact data (the email domain is never echoed).
 */

export type ScoringSubject = Pick<NormalisedIntake, 'lead' | 'contact' | 'company' | 'behaviour'>;

export interface ScoreLine {
  readonly id: string;
  readonly kind: ScoringCriterion['kind'];
  readonly matched: boolean;
  readonly points: number;
  /** Human-readable reason, e.g. "pageViews = 7 ≥ 5", "dealValue absent". */
  readonly detail: string;
}

export interface LeadScore {
  /** Sum of points, clamped, rounded to 2 decimals. */
  readonly score: number;
  /** Sum before clamping. */
  readonly rawScore: number;
  readonly grade: string;
  readonly qualified: boolean;
  /** Where the lead goes next: a rep (via routing) or the nurture queue. */
  readonly outcome: 'route' | 'nurture';
  readonly qualifyAt: number;
  readonly breakdown: readonly ScoreLine[];
}

const DAY_MS = 86_400_000;
const round2 = (x: number): number => Math.round(x * 100) / 100 + 0; // + 0 turns -0 into 0

export function scoreLead(model: ScoringModel, subject: ScoringSubject, at: number): LeadScore {
  const breakdown = model.criteria.map((c) => scoreCriterion(c, subject, at));
  const rawScore = round2(breakdown.reduce((sum, line) => sum + line.points, 0));
  const score = round2(Math.min(model.clamp.max, Math.max(model.clamp.min, rawScore)));
  const grade = gradeFor(model, score);
  const qualified = score >= model.qualifyAt;
  return { score, rawScore, grade, qualified, outcome: qualified ? 'route' : 'nurture', qualifyAt: model.qualifyAt, breakdown };
}

export function gradeFor(model: Pick<ScoringModel, 'grades'>, score: number): string {
  for (const band of model.grades) if (score >= band.min) return band.grade;
  return model.grades.at(-1)!.grade;
}

function line(c: ScoringCriterion, matched: boolean, points: number, detail: string): ScoreLine {
  return { id: c.id, kind: c.kind, matched, points: matched ? round2(points) : 0, detail };
}

function scoreCriterion(c: ScoringCriterion, s: ScoringSubject, at: number): ScoreLine {
  switch (c.kind) {
    case 'attribute': {
      const value = attributeValue(c.field, s);
      const shown = c.field === 'emailDomain' ? '(email domain)' : JSON.stringify(value);
      if (value === undefined) return line(c, false, 0, `${c.field} absent`);
      const matched = c.equals !== undefined ? value === c.equals : (c.in ?? []).includes(value);
      const expected = c.equals !== undefined ? `= ${JSON.stringify(c.equals)}` : `in ${JSON.stringify(c.in)}`;
      return line(c, matched, c.points, `${c.field} ${shown} ${matched ? '' : 'not '}${expected}`);
    }
    case 'range': {
      const value = rangeValue(c.field, s);
      if (value === undefined) return line(c, false, 0, `${c.field} absent`);
      const matched = (c.gte === undefined || value >= c.gte) && (c.lt === undefined || value < c.lt);
      const bounds = [c.gte !== undefined ? `≥ ${c.gte}` : '', c.lt !== undefined ? `< ${c.lt}` : ''].filter(Boolean).join(' and ');
      return line(c, matched, c.points, `${c.field} = ${value} ${matched ? '' : 'not '}${bounds}`);
    }
    case 'behaviour_at_least': {
      const count = behaviourCount(c.metric, s);
      const matched = count >= c.atLeast;
      return line(c, matched, c.points, `${c.metric} = ${count} ${matched ? '≥' : '<'} ${c.atLeast}`);
    }
    case 'behaviour_per_unit': {
      const count = behaviourCount(c.metric, s);
      const uncapped = count * c.pointsPerUnit;
      const points = Math.sign(uncapped) * Math.min(Math.abs(uncapped), c.cap);
      const capped = Math.abs(uncapped) > c.cap ? ` (capped at ${c.cap})` : '';
      return line(c, count > 0, points, `${c.metric} = ${count} × ${c.pointsPerUnit}${capped}`);
    }
    case 'recency': {
      const last = s.behaviour?.lastActivityAt;
      if (last === undefined) return line(c, false, 0, 'no recorded activity');
      const ageDays = Math.max(0, (at - Date.parse(last)) / DAY_MS);
      if (c.maxAgeDays !== undefined && ageDays > c.maxAgeDays)
        return line(c, false, 0, `last activity ${round2(ageDays)} days ago > ${c.maxAgeDays}`);
      const points = c.points * 0.5 ** (ageDays / c.halfLifeDays);
      return line(c, true, points, `last activity ${round2(ageDays)} days ago, half-life ${c.halfLifeDays} days`);
    }
    case 'free_mail': {
      const domain = emailDomain(s);
      if (domain === undefined) return line(c, false, 0, 'no email');
      const matched = isFreeMailDomain(domain);
      return line(c, matched, c.points, matched ? 'email at a free-mail domain' : 'email at a business domain');
    }
  }
}

const emailDomain = (s: ScoringSubject): string | undefined => {
  const email = s.contact.email;
  return email === undefined ? undefined : email.slice(email.lastIndexOf('@') + 1);
};

function attributeValue(field: AttributeField, s: ScoringSubject): string | number | boolean | undefined {
  const { lead } = s;
  switch (field) {
    case 'product':
      return lead.product;
    case 'source':
      return lead.source;
    case 'country':
      return countryOf(lead.jurisdiction);
    case 'jurisdiction':
      return lead.jurisdiction;
    case 'subdivision':
      return isSubdivision(lead.jurisdiction) ? lead.jurisdiction : undefined;
    case 'customerType':
      return lead.customer.classification.category;
    case 'customerKind':
      return lead.customer.kind;
    case 'language':
      return lead.language;
    case 'currency':
      return lead.currency;
    case 'emailDomain':
      return emailDomain(s);
    default: {
      const v = lead.custom[field.slice('custom.'.length)];
      return Array.isArray(v) ? undefined : v;
    }
  }
}

function rangeValue(field: RangeField, s: ScoringSubject): number | undefined {
  return field === 'dealValue' ? s.lead.dealValue : s.company?.employees;
}

const behaviourCount = (metric: BehaviourMetric, s: ScoringSubject): number => s.behaviour?.[metric] ?? 0;
