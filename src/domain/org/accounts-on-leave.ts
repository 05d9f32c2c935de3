import type { OrgConfig } from './org-config.schema.ts';
import type { AccountsOnLeave } from './roster-policy.schema.ts';

/**
 * docs/operations.md "Account owners": who takes each account a leaver owned. `pool`: the pool's active members (an
 * open pool: every active rep), the leaver excluded, each account to the one owning the fewest so far (ties by id);
 * `rep`: the named rep when active. With nobody to take them the accounts become unowned (null). Pure: `owned` is the
 * number of accounts each rep owns before the handover.
 */
export function accountHeirs(
  config: OrgConfig,
  leaver: string,
  rule: AccountsOnLeave,
  accountIds: readonly string[],
  owned: ReadonlyMap<string, number>,
): Map<string, string | null> {
  const active = new Set(config.reps.filter((r) => r.status === 'active' && r.id !== leaver).map((r) => r.id));
  const out = new Map<string, string | null>();
  if (rule.kind === 'none') return out;
  if (rule.kind === 'rep') {
    for (const id of accountIds) out.set(id, active.has(rule.rep) ? rule.rep : null);
    return out;
  }
  const pool = config.pools?.find((p) => p.id === rule.pool);
  const members = pool?.members ? pool.members.map((m) => m.rep) : [...active];
  const candidates = [...new Set(members)].filter((r) => active.has(r)).sort();
  const load = new Map(candidates.map((r) => [r, owned.get(r) ?? 0]));
  for (const id of [...accountIds].sort()) {
    const next = candidates.reduce<string | null>((best, r) => (best === null || load.get(r)! < load.get(best)! ? r : best), null);
    out.set(id, next);
    if (next !== null) load.set(next, load.get(next)! + 1);
  }
  return out;
}
