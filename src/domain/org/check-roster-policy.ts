import type { CompiledPool } from './compiled-entities.ts';
import type { RosterPolicy } from './roster-policy.schema.ts';

/** Cross-references of the roster section: the pool or rep it names must exist. */
export function checkRosterPolicy(
  section: RosterPolicy | undefined,
  repIds: ReadonlySet<string>,
  pools: ReadonlyMap<string, CompiledPool>,
  issues: { path: readonly (string | number)[]; message: string }[],
): void {
  const target = section?.accountsOnLeave;
  if (target?.kind === 'pool' && !pools.has(target.pool))
    issues.push({ path: ['roster', 'accountsOnLeave', 'pool'], message: `unknown pool "${target.pool}" (declare it in pools)` });
  if (target?.kind === 'rep' && !repIds.has(target.rep))
    issues.push({ path: ['roster', 'accountsOnLeave', 'rep'], message: `unknown rep "${target.rep}"` });
}
