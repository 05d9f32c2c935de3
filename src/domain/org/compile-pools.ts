import type { OrgConfig } from './org-config.schema.ts';
import type { CompiledPool } from './compiled-entities.ts';

/** A config problem with its path (compile-org.ts OrgIssue has the same shape). */
interface OrgIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The built-in rotation every chain falls back to; it is not declarable, so it always means "every eligible rep". */
export const DEFAULT_POOL = 'default';

/**
 * Declared pools (docs/routing.md "Declared pools"): ids unique and not `default`, members real reps and
 * each listed once. Round-robin steps that name an undeclared pool are checked in compileRules, because
 * only there is the step's path known.
 */
export function compilePools(config: OrgConfig, repIds: ReadonlySet<string>, issues: OrgIssue[]): ReadonlyMap<string, CompiledPool> {
  const pools = new Map<string, CompiledPool>();
  (config.pools ?? []).forEach((p, i) => {
    if (p.id === DEFAULT_POOL)
      issues.push({
        path: ['pools', i, 'id'],
        message: `"${DEFAULT_POOL}" is the built-in rotation over every eligible rep; name the pool`,
      });
    if (pools.has(p.id)) issues.push({ path: ['pools', i, 'id'], message: `duplicate pool id "${p.id}"` });
    const seen = new Map<string, number>();
    p.members?.forEach((m, j) => {
      if (!repIds.has(m.rep)) issues.push({ path: ['pools', i, 'members', j, 'rep'], message: `pool "${p.id}": "${m.rep}" is not a rep` });
      const first = seen.get(m.rep);
      if (first !== undefined)
        issues.push({
          path: ['pools', i, 'members', j, 'rep'],
          message: `pool "${p.id}": rep "${m.rep}" is already a member (members[${first}])`,
        });
      else seen.set(m.rep, j);
    });
    if (!pools.has(p.id) && p.id !== DEFAULT_POOL)
      pools.set(p.id, {
        id: p.id,
        name: p.name,
        description: p.description ?? null,
        members: p.members?.map((m) => ({ rep: m.rep, weight: m.weight ?? null, cap: m.cap ?? null })) ?? null,
      });
  });
  return pools;
}

/** Once an org declares pools, a round-robin step naming anything else is a typo, not a new ledger. */
export function checkPoolReference(
  config: OrgConfig,
  pools: ReadonlyMap<string, CompiledPool>,
  pool: string,
  path: readonly (string | number)[],
  issues: OrgIssue[],
): void {
  if (config.pools === undefined || pool === DEFAULT_POOL || pools.has(pool)) return;
  issues.push({ path, message: `unknown pool "${pool}" (declared: ${[...pools.keys()].join(', ') || 'none'})` });
}
