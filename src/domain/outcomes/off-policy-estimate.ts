/**
 * One logged decision, as an evaluation sees it: each candidate's logged selection probability (what the decision
 * recorded), the probability the policy under evaluation gives it, and a reward model's prediction for it.
 */
export interface LoggedChoice {
  readonly chosen: string;
  /** 1 for WON, 0 for LOST (DISQUALIFIED and still-open leads are left out by the caller). */
  readonly reward: number;
  readonly arms: readonly {
    readonly rep: string;
    readonly loggedPropensity: number;
    readonly targetPropensity: number;
    /** The reward model's expected conversion for this candidate (e.g. the posterior mean at decision time). */
    readonly predicted: number;
  }[];
}

export interface PolicyEstimate {
  readonly n: number;
  /** Mean reward the logging policy actually got. */
  readonly logged: number;
  /** Direct method: the reward model alone (biased if the model is). */
  readonly direct: number;
  /** Inverse propensity scoring: unbiased when logged propensities are right, high variance. */
  readonly ips: number;
  /** Self-normalised IPS: a little biased, much less variance. */
  readonly snips: number;
  /** Doubly robust: unbiased if either the propensities or the reward model is right. */
  readonly doublyRobust: number;
  /** (Σw)² / Σw², the sample size the importance weights leave. */
  readonly effectiveSampleSize: number;
}

/**
 * Expected reward per decision of a target policy, estimated from logged decisions (Dudík, Langford and Li, 2011,
 * for the doubly robust estimator). Conversions over n leads are n × these values.
 */
export function estimatePolicyValue(log: readonly LoggedChoice[]): PolicyEstimate {
  let logged = 0;
  let direct = 0;
  let ips = 0;
  let dr = 0;
  let sumW = 0;
  let sumW2 = 0;
  for (const c of log) {
    const arm = c.arms.find((a) => a.rep === c.chosen);
    if (!arm || arm.loggedPropensity <= 0) throw new Error(`logged choice ${c.chosen} has no positive logged propensity`);
    const w = arm.targetPropensity / arm.loggedPropensity;
    const dm = c.arms.reduce((s, a) => s + a.targetPropensity * a.predicted, 0);
    logged += c.reward;
    direct += dm;
    ips += w * c.reward;
    dr += dm + w * (c.reward - arm.predicted);
    sumW += w;
    sumW2 += w * w;
  }
  const n = log.length;
  const per = (x: number) => (n === 0 ? 0 : x / n);
  return {
    n,
    logged: per(logged),
    direct: per(direct),
    ips: per(ips),
    snips: sumW === 0 ? 0 : ips / sumW,
    doublyRobust: per(dr),
    effectiveSampleSize: sumW2 === 0 ? 0 : (sumW * sumW) / sumW2,
  };
}
