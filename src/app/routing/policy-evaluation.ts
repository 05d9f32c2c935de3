import type { Decision } from '../../domain/decision/decision.ts';
import { assignedOutsideEligibleSet, loggedChoiceOf } from '../../domain/outcomes/logged-choice.ts';
import { estimatePolicyValue, type LoggedChoice, type PolicyEstimate } from '../../domain/outcomes/off-policy-estimate.ts';

/** The draft against the recorded policy on the leads whose outcome is known. */
export interface PolicyEvaluation {
  /** Recorded, assigned leads with a known outcome. */
  readonly leadsWithOutcome: number;
  /** Conversion per lead the recorded decisions got, and the draft's estimates from the logged propensities. */
  readonly current: number;
  readonly proposed: PolicyEstimate;
  /** Simulated assignments to a rep the decision did not find eligible: must be 0. */
  readonly lawfulSetViolations: number;
}

/** Collects, lead by lead of a simulation, the off-policy samples and the lawful-set check of the draft's decisions. */
export function policyEvaluation(rewards: ReadonlyMap<string, number> | undefined) {
  const log: LoggedChoice[] = [];
  let lawfulSetViolations = 0;
  return {
    observe(leadId: string, recorded: Decision, simulated: Decision): void {
      if (assignedOutsideEligibleSet(simulated)) lawfulSetViolations += 1;
      const reward = rewards?.get(leadId);
      const choice = reward === undefined ? null : loggedChoiceOf(recorded, simulated, reward);
      if (choice) log.push(choice);
    },
    result(): PolicyEvaluation {
      return {
        leadsWithOutcome: log.length,
        current: log.length === 0 ? 0 : log.reduce((n, c) => n + c.reward, 0) / log.length,
        proposed: estimatePolicyValue(log),
        lawfulSetViolations,
      };
    },
  };
}
