import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReassignmentWorker } from '../../src/app/routing/reassignment-worker.ts';
import { holderLawfulness } from '../../src/domain/decision/lawful-holder.ts';
import { LeadSchema } from '../../src/domain/lead/lead.schema.ts';
import { holdsRepCapacity } from '../../src/domain/lead/lead-status.ts';
import { startTestService, type TestService } from '../http/service-harness.ts';
import { isaLead, patchRep, postJson } from './roster-support.ts';

const REPS = ['amelia-hughes', 'oliver-bennett', 'priya-shah'] as const;

type Step =
  | { kind: 'ingest'; count: number }
  | { kind: 'status'; rep: (typeof REPS)[number]; status: 'active' | 'paused' | 'left' }
  | { kind: 'licence-end'; rep: (typeof REPS)[number]; how: 'suspended' | 'revoked' | 'expired' }
  | { kind: 'jobs' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('ingest' as const), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({
    kind: fc.constant('status' as const),
    rep: fc.constantFrom(...REPS),
    status: fc.constantFrom('active' as const, 'paused' as const, 'left' as const),
  }),
  fc.record({
    kind: fc.constant('licence-end' as const),
    rep: fc.constantFrom(...REPS),
    how: fc.constantFrom('suspended' as const, 'revoked' as const, 'expired' as const),
  }),
  fc.constant({ kind: 'jobs' as const }),
);

type Grant = { id: string; status?: string; validTo?: string };

async function apply(s: TestService, worker: ReassignmentWorker, st: Step): Promise<void> {
  if (st.kind === 'ingest') {
    for (let i = 0; i < st.count; i++) expect((await postJson(s, '/v1/leads', isaLead(), s.tokens.integration)).statusCode).toBe(201);
  } else if (st.kind === 'status') {
    expect((await patchRep(s, st.rep, { status: st.status, reason: 'property' })).statusCode).toBe(200);
  } else if (st.kind === 'licence-end') {
    const config = structuredClone(s.ctx.orgs.current.config) as unknown as { licences: Grant[] };
    const grant = config.licences.find((g) => g.id === `fca-cert-${st.rep}`)!;
    if (st.how === 'expired') grant.validTo = new Date(s.clock.ms - 60_000).toISOString();
    else grant.status = st.how;
    const published = await s.ctx.orgs.publish(config, 'property-test', { reason: `licence ${st.how}` });
    expect(published.ok).toBe(true);
  } else await worker.drain();
}

/**
 * Property (issue 14): after any sequence of pauses, leaves, re-activations and licence ends (suspended, revoked,
 * lapsed by date), interleaved with intake, once the jobs have run no open lead is held by a rep who is paused, left
 * or unlawful for it, and no lead is lost.
 */
describe('automatic reassignment property', () => {
  it('after the jobs run, no open lead is held by a paused, departed or unlawful rep', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 10 }), async (steps) => {
        const s = await startTestService({ repId: 'amelia-hughes' });
        try {
          const worker = new ReassignmentWorker(s.ctx, { name: 'property' });
          await apply(s, worker, { kind: 'ingest', count: 4 });
          for (const st of steps) {
            await apply(s, worker, st);
            s.clock.advance(60_000);
          }
          await worker.drain();
          const org = s.ctx.orgs.current;
          const all = await s.ctx.store.leads.list();
          const ingested = 4 + steps.reduce((n, st) => n + (st.kind === 'ingest' ? st.count : 0), 0);
          expect(all).toHaveLength(ingested);
          for (const r of all.filter((l) => holdsRepCapacity(l.status))) {
            expect(org.repsById.get(r.repId!)?.status, `${r.id} with ${r.repId}`).toBe('active');
            const lead = LeadSchema.parse(JSON.parse(r.leadJson));
            expect(holderLawfulness(org, lead, s.clock.ms, r.repId!).reasons, `${r.id} with ${r.repId}`).toEqual([]);
          }
          expect(await s.ctx.store.reassignmentJobs.open()).toEqual([]);
        } finally {
          await s.close();
        }
      }),
      { numRuns: 15 },
    );
  }, 300_000);
});
