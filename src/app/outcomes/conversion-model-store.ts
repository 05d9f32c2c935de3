import { buildConversionModel, type ConversionModelSnapshot } from '../../domain/outcomes/conversion-model.ts';
import type { OutcomeFact } from '../../domain/outcomes/outcome-fact.ts';
import { UNKNOWN_SEGMENT } from '../../domain/outcomes/outcome-fact.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { LeadOutcomeRecord } from '../../store/ports/lead-outcomes.port.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * The conversion model as versioned state (docs/outcome-routing.md "Snapshots and replay"): built from the stored
 * outcomes, stored once under its content hash, and read by decisions like the round-robin ledger. A decision
 * records the version it read; replay loads that version, so it is exact however many outcomes arrived since.
 */

/** What the model learns from: each lead's current outcome, attributed to the rep and team its decision chose. */
export function outcomeFacts(current: readonly LeadOutcomeRecord[]): OutcomeFact[] {
  const facts: OutcomeFact[] = [];
  for (const o of current) {
    const { rep, team, segment } = o.attribution;
    // An outcome on a lead no rep was assigned to (refused, queued, never routed) says nothing about a rep.
    if (!rep || !team || !o.decisionId) continue;
    facts.push({
      leadId: o.leadId,
      decisionId: o.decisionId,
      repId: rep,
      teamId: team,
      segment: segment ?? UNKNOWN_SEGMENT,
      outcome: o.kind,
      closedAt: Date.parse(o.closedAt),
    });
  }
  return facts;
}

export interface ModelBuild {
  readonly version: string;
  /** Outcome rows the model was built from (its watermark). */
  readonly outcomeRows: number;
  /** Leads with a current outcome attributed to a rep (DISQUALIFIED ones count here but teach nothing); null: not rebuilt. */
  readonly facts: number | null;
  /** false when nothing was recorded since the current model was built. */
  readonly rebuilt: boolean;
}

/**
 * Rebuilds the model from every lead's current outcome when outcomes were recorded since the current one was built,
 * in one transaction, and makes it current. Several instances may run it at once: the same outcomes give the same
 * version, and the head ends at a model of all outcomes either saw.
 */
export async function rebuildConversionModel(ctx: Pick<ServiceContext, 'store' | 'clock'>, opts: { readonly force?: boolean } = {}) {
  return ctx.store.transaction(async (tx): Promise<ModelBuild> => {
    const [rows, head] = await Promise.all([tx.outcomes.count(), tx.outcomeModels.head()]);
    if (head && head.outcomeRows === rows && !opts.force) return { version: head.version, outcomeRows: rows, facts: null, rebuilt: false };
    const facts = outcomeFacts(await tx.outcomes.currentAll());
    const model = buildConversionModel(facts);
    await tx.outcomeModels.publish({
      version: model.version,
      modelJson: JSON.stringify(model),
      outcomeRows: rows,
      builtAt: toIso(ctx.clock.now()),
    });
    remember(model);
    return { version: model.version, outcomeRows: rows, facts: facts.length, rebuilt: true };
  });
}

/** Parsed snapshots by version: immutable, so a cache needs no invalidation; bounded so old ones fall out. */
const parsed = new Map<string, ConversionModelSnapshot>();
const KEEP = 8;

function remember(model: ConversionModelSnapshot): ConversionModelSnapshot {
  parsed.delete(model.version);
  parsed.set(model.version, model);
  while (parsed.size > KEEP) parsed.delete(parsed.keys().next().value!);
  return model;
}

async function byVersion(tx: UnitOfWork | Store, version: string): Promise<ConversionModelSnapshot | undefined> {
  const cached = parsed.get(version);
  if (cached) return cached;
  const record = await tx.outcomeModels.get(version);
  return record ? remember(JSON.parse(record.modelJson) as ConversionModelSnapshot) : undefined;
}

/**
 * The current model for a decision of this org, read in the decision's transaction; undefined when the org has no
 * outcome-aware step (no read at all) or no model was built yet (the step starts from its priors).
 */
export async function modelForDecision(tx: UnitOfWork, org: CompiledOrg): Promise<ConversionModelSnapshot | undefined> {
  if (!org.readsOutcomeModel) return undefined;
  const version = await tx.outcomeModels.headVersion();
  return version === undefined ? undefined : byVersion(tx, version);
}

/** A stored model by the version a decision recorded (replay); undefined when it is not stored. */
export const storedModel = (store: Store, version: string): Promise<ConversionModelSnapshot | undefined> => byVersion(store, version);

/**
 * What an evaluation (`remit simulate --policy`) reads from the store: every lead's current outcome as a reward
 * (WON 1, LOST 0; DISQUALIFIED left out: never winnable) and the facts a simulated outcome-aware step learns from.
 */
export async function storedOutcomeEvidence(store: Pick<Store, 'outcomes'>) {
  const current = await store.outcomes.currentAll();
  const rewards = new Map<string, number>();
  for (const o of current) if (o.kind !== 'DISQUALIFIED') rewards.set(o.leadId, o.kind === 'WON' ? 1 : 0);
  return { rewards: rewards as ReadonlyMap<string, number>, facts: outcomeFacts(current) };
}
