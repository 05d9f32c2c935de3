import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { poolDefinition, poolIds, poolView, recalibrateLedger, resetLedger, type PoolView } from '../../domain/strategies/pool-ledger.ts';
import type { PoolLedger } from '../../domain/strategies/routing-state.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * Round-robin pools as ops see and steer them (docs/operations.md "Pools"): the ledger of every pool the
 * org version in force knows, and two audited controls on it. A control changes routing state, not the
 * org: it needs no new version, and the decisions after it record the ledger they read, as always.
 */

type Deps = Pick<ServiceContext, 'store' | 'clock' | 'orgs'>;

export async function listPools(deps: Deps): Promise<readonly PoolView[]> {
  const org = deps.orgs.current;
  const state = await deps.store.routingState.snapshot();
  return poolIds(org).map((id) => poolView(org, poolDefinition(org, id, state.pools[id])!, state.pools[id]));
}

export async function getPool(deps: Deps, id: string): Promise<Result<PoolView, AppFailure>> {
  const org = deps.orgs.current;
  const ledger = (await deps.store.routingState.snapshot()).pools[id];
  const def = poolDefinition(org, id, ledger);
  if (!def) return failure('NOT_FOUND', `no pool ${id} in org version ${org.version} (${org.hash})`);
  return ok(poolView(org, def, ledger));
}

export type PoolControl = 'reset' | 'recalibrate';

const FORMULA: Record<PoolControl, string> = {
  reset: 'every ledger entry removed: assigned = entitled = 0 for every member',
  recalibrate: 'entitled := assigned for every entry (shortfall 0: each member exactly at its weighted target)',
};

/**
 * Resets or recalibrates one pool's ledger under its lock, with who, why and the ledger before and after in
 * the audit trail, in the same transaction. The pool must be one the org version in force knows.
 */
export async function controlPool(
  deps: Deps,
  actor: Principal,
  id: string,
  control: PoolControl,
  reason: string,
): Promise<Result<PoolView, AppFailure>> {
  const org = deps.orgs.current;
  return deps.store.transaction(async (tx): Promise<Result<PoolView, AppFailure>> => {
    const before = await tx.routingState.lockPool(id);
    const def = poolDefinition(org, id, before);
    if (!def) return failure('NOT_FOUND', `no pool ${id} in org version ${org.version} (${org.hash})`);
    const entries = control === 'reset' ? resetLedger() : recalibrateLedger(def, before);
    await tx.routingState.replacePoolLedger(id, entries);
    const after: PoolLedger = { seq: before.seq, reps: entries };
    await appendAudit(tx, {
      kind: 'org_change',
      subject: `pool:${id}`,
      actor: actor.userId,
      at: toIso(deps.clock.now()),
      payload: {
        change: `pool_${control}`,
        pool: id,
        declared: def.declared,
        reason,
        formula: FORMULA[control],
        org: { version: org.version, hash: org.hash },
        before,
        after,
      },
    });
    return ok(poolView(org, def, after));
  });
}
