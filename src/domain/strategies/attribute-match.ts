import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import type { SkillSource } from './strategy-step.schema.ts';
import { preferWhere, type StrategyContext, type StrategyStep } from './strategy.ts';

/** What each skill source offers as skill names for the lead (empty: the lead has nothing there). */
const SKILLS_WANTED: Readonly<Record<SkillSource, (ctx: StrategyContext) => readonly string[]>> = {
  product: (ctx) => [ctx.product.id, ...ctx.product.productLines],
  'company.segment': (ctx) => (ctx.lead.company?.segment !== undefined ? [ctx.lead.company.segment] : []),
  // A code and its prefixes: a rep skilled in NAICS sector "54" covers "541511". Free text matches whole.
  'company.industry': (ctx) => {
    const industry = ctx.lead.company?.industry;
    if (industry === undefined) return [];
    if (industry.system === 'text') return [industry.code];
    return Array.from({ length: industry.code.length - 1 }, (_, i) => industry.code.slice(0, industry.code.length - i));
  },
  'company.tags': (ctx) => ctx.lead.company?.tags ?? [],
  'company.region': (ctx) => (ctx.lead.company?.region !== undefined ? [ctx.lead.company.region] : []),
};

/** Prefer reps whose skills name what the step matches on: by default the product or one of its lines. */
export const skillsMatch = (sources: readonly SkillSource[] = ['product']): StrategyStep => ({
  kind: 'skills-match',
  apply(ctx, candidates) {
    const wanted = new Set(sources.flatMap((s) => SKILLS_WANTED[s](ctx)));
    if (wanted.size === 0) return { kind: 'passed', note: `lead has no ${sources.join('/')}` };
    return preferWhere(candidates, (c) => c.rep.skills.some((s) => wanted.has(s)), {
      matched: `skilled in ${[...wanted].join('/')}`,
      none: `no eligible rep lists a skill in ${[...wanted].join('/')}`,
    });
  },
});

export const languageMatch = (): StrategyStep => ({
  kind: 'language-match',
  apply(ctx, candidates) {
    const language = ctx.lead.language;
    if (!language) return { kind: 'passed', note: 'lead has no language' };
    return preferWhere(candidates, (c) => c.rep.languages.includes(language), {
      matched: `speaks ${language}`,
      none: `no eligible rep speaks ${language}`,
    });
  },
});

export const territory = (): StrategyStep => ({
  kind: 'territory',
  apply(ctx, candidates) {
    const { jurisdiction, postalCode, timeZone } = ctx.lead;
    return preferWhere(
      candidates,
      (c) => {
        const t = c.rep.territory;
        if (!t) return false;
        return (
          t.jurisdictions.some((j) => jurisdictionCovers(j, jurisdiction)) ||
          (postalCode !== undefined && t.postalPrefixes.some((p) => postalCode.startsWith(p))) ||
          (timeZone !== undefined && t.timeZones.includes(timeZone))
        );
      },
      {
        matched: `territory covers ${jurisdiction}${postalCode ? ` ${postalCode}` : ''}`,
        none: `no eligible rep's territory covers ${jurisdiction}`,
      },
    );
  },
});
