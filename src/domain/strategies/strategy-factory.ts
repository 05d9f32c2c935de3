import type { StrategyStepConfig } from './strategy-step.schema.ts';
import type { StrategyStep } from './strategy.ts';
import { accountOwner, contactOwner } from './account-owner.ts';
import { teamPriority } from './team-priority.ts';
import { companySizeTier, dealValueTier, scoreTier } from './experience-tier.ts';
import { languageMatch, skillsMatch, territory } from './attribute-match.ts';
import { leastLoaded } from './least-loaded.ts';
import { weightedRoundRobin } from './weighted-round-robin.ts';
import { declaredPoolRoundRobin } from './declared-pool-round-robin.ts';
import { outcomeAware } from './outcome-aware.ts';
import { PoolMembership } from './pool-membership.ts';
import type { CompiledPool } from '../org/compiled-entities.ts';

type Pools = ReadonlyMap<string, CompiledPool>;
type Factories = {
  [K in StrategyStepConfig['kind']]: (config: Extract<StrategyStepConfig, { kind: K }>, pools: Pools) => StrategyStep;
};

const NO_POOLS: Pools = new Map();

const membershipOf = (pool: CompiledPool | undefined) => (pool?.members ? { membership: new PoolMembership(pool, pool.members) } : {});

const FACTORIES: Factories = {
  'account-owner': () => accountOwner(),
  'contact-owner': () => contactOwner(),
  'team-priority': () => teamPriority(),
  'score-tier': (c) => scoreTier(c.tiers),
  'deal-value-tier': (c) => dealValueTier(c.tiers),
  'skills-match': (c) => skillsMatch(c.match),
  'company-size-tier': (c) => companySizeTier(c.tiers),
  'language-match': () => languageMatch(),
  territory: () => territory(),
  'least-loaded': () => leastLoaded(),
  // A pool with members restricts the step to them; an open pool or an undeclared name keeps the plain rotation (byte for byte).
  'weighted-round-robin': (c, pools) => {
    const declared = pools.get(c.pool);
    return declared?.members ? declaredPoolRoundRobin(declared, declared.members) : weightedRoundRobin(c.pool);
  },
  // Over a pool with members the step admits only them (weights, daily caps), as weighted-round-robin does.
  'outcome-aware': (c, pools) =>
    outcomeAware({
      pool: c.pool,
      ...membershipOf(pools.get(c.pool)),
      minOutcomes: c.minOutcomes,
      teamPriorStrength: c.teamPriorStrength,
      globalPriorStrength: c.globalPriorStrength,
      band: c.fairness.band,
      window: c.fairness.window,
      propensitySamples: c.propensitySamples,
    }),
};

function buildStep(config: StrategyStepConfig, pools: Pools): StrategyStep {
  return (FACTORIES[config.kind] as (c: StrategyStepConfig, p: Pools) => StrategyStep)(config, pools);
}

/** Without an explicit chain: account owner, then the first team in priority order, then fair rotation. */
export const DEFAULT_CHAIN: readonly StrategyStepConfig[] = [
  { kind: 'account-owner' },
  { kind: 'team-priority' },
  { kind: 'weighted-round-robin', pool: 'default' },
];

/**
 * A chain always ends in a picker that always picks, so an eligible set is never left unassigned. A pool with
 * members may pass (no member eligible), so a chain ending in one gets a plain rotation after it over whoever is
 * eligible, with a ledger of its own (`<pool>/fallback`; `/` is not allowed in ids, so it never names a
 * declared pool): the lead is fairly shared, and rules ending in different pools do not contend for one
 * `default` ledger row, which routing locks.
 */
export function buildChain(configs: readonly StrategyStepConfig[], pools: Pools = NO_POOLS): readonly StrategyStep[] {
  const chain = (configs.length > 0 ? configs : DEFAULT_CHAIN).map((c) => buildStep(c, pools));
  const last = chain[chain.length - 1];
  // A picker over a pool with members may pass (round robin or outcome-aware): its own fallback rotation follows.
  if (last?.pool !== undefined && pools.get(last.pool)?.members) return [...chain, weightedRoundRobin(fallbackPool(last.pool))];
  return last?.kind === 'weighted-round-robin' ? chain : [...chain, weightedRoundRobin('default')];
}

/** The ledger of the plain rotation after a declared pool that passed. */
const fallbackPool = (pool: string): string => `${pool}/fallback`;
