import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import { preferWhere, type StrategyStep } from './strategy.ts';

/** Prefer reps whose skills name the product or one of its product lines. */
export const skillsMatch = (): StrategyStep => ({
  kind: 'skills-match',
  apply(ctx, candidates) {
    const wanted = new Set([ctx.product.id, ...ctx.product.productLines]);
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
