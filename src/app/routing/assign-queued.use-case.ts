import { decide, routingScope } from '../../domain/decision/decide.ts';
import { LeadSchema } from '../../domain/lead/lead.schema.ts';
import { lockScopeWithPresence } from './presence-input.ts';
import { redecide } from './redecide.ts';
import { withScopeRetry } from './decision-recorder.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/**
 * QUEUED leads have a lawful team but nobody available (hours, out of office, capacity). Each pass
 * looks at the oldest of them again, under the same locks routing takes: when the decision would now
 * differ (a rep is free, or a licence has expired and it must be refused), it is recorded like any
 * decision; while it would still be QUEUED, nothing is written — a waiting lead does not flood the
 * log with identical decisions. Several instances may run passes at once: the lead row lock makes
 * each lead decided by one of them.
 */
export async function assignQueuedLeads(
  ctx: ServiceContext,
  opts: { limit?: number; actor?: string } = {},
): Promise<{ readonly looked: number; readonly decided: readonly { leadId: string; outcome: string }[] }> {
  const queued = await ctx.store.leads.page({ status: 'QUEUED', limit: opts.limit ?? 50 });
  const decided: { leadId: string; outcome: string }[] = [];
  for (const candidate of queued) {
    const outcome = await withScopeRetry(() =>
      ctx.store.transaction(async (tx) => {
        const record = await tx.leads.lock(candidate.id);
        if (!record || record.status !== 'QUEUED') return null;
        const lead = LeadSchema.parse(JSON.parse(record.leadJson));
        const org = ctx.orgs.current;
        const now = ctx.clock.now();
        const scope = routingScope(org, lead, now);
        const { state, presence } = await lockScopeWithPresence(tx, scope);
        const preview = decide({ org, lead, at: now, state, presence, decisionId: 'preview' }).decision;
        if (preview.outcome === 'QUEUED') return null;
        return (await redecide(tx, ctx, record, lead, opts.actor ?? 'queue')).outcome;
      }),
    );
    if (outcome) decided.push({ leadId: candidate.id, outcome });
  }
  return { looked: queued.length, decided };
}
