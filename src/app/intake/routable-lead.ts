import type { NormalisedIntake } from '../../domain/intake/normalise-lead.ts';
import type { LeadScore } from '../../domain/intake/score-lead.ts';
import { LeadSchema, type Lead, type LeadCompany } from '../../domain/lead/lead.schema.ts';
import type { AccountMatch } from './account-match.ts';
import { leadScreening, type IntakeScreening } from './screen-intake.ts';

/**
 * What intake learnt about a lead beside its payload: its score, the account it matched, its screening, and (API
 * pipeline) the company after enrichment and segmentation and the earlier lead of the same person.
 */
export interface IntakeFindings {
  readonly intake: NormalisedIntake;
  readonly score: LeadScore | null;
  readonly account: AccountMatch | null;
  readonly screening: IntakeScreening;
  /** The company as routed (enriched, with its segment); omitted: as sent. */
  readonly company?: LeadCompany | undefined;
  readonly contact?: Lead['contact'];
}

/**
 * The lead as routing sees it, from a normalised intake and its findings: the API's pipeline and
 * `remit route --lead` (docs/cli.md) build it here, so both route the same document.
 */
export function routableLead(findings: IntakeFindings, id: string): Lead {
  const { intake, score, account, screening, contact } = findings;
  const { company: asSent, ...lead } = intake.lead;
  const company = findings.company ?? asSent;
  return LeadSchema.parse({
    ...lead,
    ...(company !== undefined ? { company } : {}),
    ...(contact !== undefined ? { contact } : {}),
    id,
    screening: leadScreening(screening),
    ...(score
      ? {
          score: intake.lead.score ?? score.score,
          grade: intake.lead.grade ?? score.grade,
          qualification: { score: score.score, grade: score.grade, qualified: score.qualified, threshold: score.qualifyAt },
        }
      : {}),
    ...(account
      ? {
          account: {
            id: account.account.id,
            ...(account.owner ? { ownerRep: account.owner.ownerRep } : {}),
            ...(account.owner?.from !== undefined ? { ownerFrom: account.owner.from } : {}),
            ...(account.account.tier ? { tier: account.account.tier } : {}),
            name: account.account.name,
            matchedBy: account.matchedBy,
            matchScore: account.score,
          },
        }
      : {}),
  });
}
