import type { StrategyStep } from './strategy.ts';

/** docs/intake.md: the existing account owner keeps the relationship, but only while still eligible. */
export const accountOwner = (): StrategyStep => ({
  kind: 'account-owner',
  apply(ctx, candidates) {
    const owner = ctx.lead.account?.ownerRep;
    if (!owner) return { kind: 'passed', note: 'no matched account owner' };
    const candidate = candidates.find((c) => c.rep.id === owner);
    if (!candidate) return { kind: 'passed', note: `account owner ${owner} is not eligible for this lead` };
    return { kind: 'picked', candidate, note: `account owner ${owner} is eligible` };
  },
});
