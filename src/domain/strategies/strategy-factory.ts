import type { StrategyStepConfig } from './strategy-step.schema.ts';
import type { StrategyStep } from './strategy.ts';
import { accountOwner } from './account-owner.ts';
import { teamPriority } from './team-priority.ts';
import { dealValueTier, scoreTier } from './experience-tier.ts';
import { languageMatch, skillsMatch, territory } from './attribute-match.ts';
import { leastLoaded } from './least-loaded.ts';
import { weightedRoundRobin } from './weighted-round-robin.ts';

type Factories = { [K in StrategyStepConfig['kind']]: (config: Extract<StrategyStepConfig, { kind: K }>) => StrategyStep };

const FACTORIES: Factories = {
  'account-owner': () => accountOwner(),
  'team-priority': () => teamPriority(),
  'score-tier': (c) => scoreTier(c.tiers),
  'deal-value-tier': (c) => dealValueTier(c.tiers),
  'skills-match': () => skillsMatch(),
  'language-match': () => languageMatch(),
  territory: () => territory(),
  'least-loaded': () => leastLoaded(),
  'weighted-round-robin': (c) => weightedRoundRobin(c.pool),
};

export function buildStep(config: StrategyStepConfig): StrategyStep {
  return (FACTORIES[config.kind] as (c: StrategyStepConfig) => StrategyStep)(config);
}

/** Without an explicit chain: account owner, then the first team in priority order, then fair rotation. */
export const DEFAULT_CHAIN: readonly StrategyStepConfig[] = [
  { kind: 'account-owner' },
  { kind: 'team-priority' },
  { kind: 'weighted-round-robin', pool: 'default' },
];

/** A chain always ends in a picker, so an eligible set is never left unassigned. */
export function buildChain(configs: readonly StrategyStepConfig[]): readonly StrategyStep[] {
  const chain = (configs.length > 0 ? configs : DEFAULT_CHAIN).map(buildStep);
  const last = chain[chain.length - 1];
  return last?.kind === 'weighted-round-robin' ? chain : [...chain, weightedRoundRobin('default')];
}
