import type { NormalisedIntake } from '../../domain/intake/normalise-lead.ts';
import type { LeadScore } from '../../domain/intake/score-lead.ts';
import { LeadSchema, type Lead } from '../../domain/lead/lead.schema.ts';
import type { AccountMatch } from './account-match.ts';
import { leadScreening, type IntakeScreening } from './screen-intake.ts';

/** What intake learnt about a lead beside its payload: its score, the account it matched, its screening. */
export interface IntakeFindings {
  readonly intake: NormalisedIntake;
  readonly score: LeadScore | null;
  readonly account: AccountMatch | null;
  readonly screening: IntakeScreening;
}

/**
 * The lead as routing sees it, from a normalised intake and its findings: the API's pipeline and
 * `remit route --lead` (docs/cli.md) build it here, so both route the same document.
 */
export function routableLead(findings: IntakeFindings, id: string): Lead {
  const { intake, score, account, screening } = findings;
  return LeadSchema.parse({
    ...intake.lead,
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
            ...(account.account.ownerRep ? { ownerRep: account.account.ownerRep } : {}),
            ...(account.account.tier ? { tier: account.account.tier } : {}),
            name: account.account.name,
          },
        }
      : {}),
  });
}
