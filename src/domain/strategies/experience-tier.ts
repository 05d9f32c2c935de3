import type { Lead } from '../lead/lead.ts';
import type { ExperienceLevel } from '../org/org-config.schema.ts';
import { preferWhere, type StrategyStep } from './strategy.ts';

interface Tier {
  readonly threshold: number;
  readonly experience: readonly ExperienceLevel[];
}

/**
 * Score, deal-value and company-size tiers are the same idea over a different number: the first tier
 * (highest threshold first) the lead reaches narrows to reps of those experience levels.
 */
function experienceTier(kind: string, label: string, read: (lead: Lead) => number | undefined, tiers: readonly Tier[]): StrategyStep {
  const ordered = [...tiers].sort((a, b) => b.threshold - a.threshold);
  return {
    kind,
    apply(ctx, candidates) {
      const value = read(ctx.lead);
      if (value === undefined) return { kind: 'passed', note: `lead has no ${label}` };
      const tier = ordered.find((t) => value >= t.threshold);
      if (!tier) return { kind: 'passed', note: `${label} ${value} is below every tier` };
      const levels = new Set(tier.experience);
      return preferWhere(candidates, (c) => levels.has(c.rep.experience), {
        matched: `${label} ${value} ≥ ${tier.threshold} → ${tier.experience.join('/')}`,
        none: `${label} ${value} ≥ ${tier.threshold} but no eligible ${tier.experience.join('/')} rep; tier ignored`,
      });
    },
  };
}

export const scoreTier = (tiers: readonly { minScore: number; experience: readonly ExperienceLevel[] }[]): StrategyStep =>
  experienceTier(
    'score-tier',
    'score',
    (l) => l.score,
    tiers.map((t) => ({ threshold: t.minScore, experience: t.experience })),
  );

export const dealValueTier = (tiers: readonly { minValue: number; experience: readonly ExperienceLevel[] }[]): StrategyStep =>
  experienceTier(
    'deal-value-tier',
    'deal value',
    (l) => l.dealValue,
    tiers.map((t) => ({ threshold: t.minValue, experience: t.experience })),
  );

export const companySizeTier = (tiers: readonly { minEmployees: number; experience: readonly ExperienceLevel[] }[]): StrategyStep =>
  experienceTier(
    'company-size-tier',
    'employees',
    (l) => l.company?.employees,
    tiers.map((t) => ({ threshold: t.minEmployees, experience: t.experience })),
  );
