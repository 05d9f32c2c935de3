import type { StrategyStep } from './strategy.ts';

/** docs/intake.md: the existing account owner keeps the relationship, but only while still eligible. */
export const accountOwner = (): StrategyStep => ({
  kind: 'account-owner',
  apply(ctx, candidates) {
    const owner = ctx.lead.account?.ownerRep;
    if (!owner) return { kind: 'passed', note: 'no matched account owner' };
    // docs/intake.md "Account hierarchies": the owner may be a parent account's (the nearest owned ancestor).
    const via = ctx.lead.account?.ownerFrom !== undefined ? ` (owner of parent account ${ctx.lead.account.ownerFrom})` : '';
    const candidate = candidates.find((c) => c.rep.id === owner);
    if (!candidate) return { kind: 'passed', note: `account owner ${owner}${via} is not eligible for this lead` };
    return { kind: 'picked', candidate, note: `account owner ${owner}${via} is eligible` };
  },
});

/** docs/intake.md "Existing contacts": the rep of the person's earlier lead, while still eligible. */
export const contactOwner = (): StrategyStep => ({
  kind: 'contact-owner',
  apply(ctx, candidates) {
    const contact = ctx.lead.contact;
    if (!contact?.ownerRep)
      return { kind: 'passed', note: contact ? `earlier lead ${contact.leadId} had no rep` : 'no earlier lead of this person' };
    const owner = contact.ownerRep;
    const match = `${contact.matchedBy} match, score ${contact.score}`;
    const candidate = candidates.find((c) => c.rep.id === owner);
    if (!candidate) return { kind: 'passed', note: `existing contact owner ${owner} (${match}) is not eligible for this lead` };
    return { kind: 'picked', candidate, note: `existing contact owner ${owner} (${match}, lead ${contact.leadId}) is eligible` };
  },
});
