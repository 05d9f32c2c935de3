import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reassignFromRep } from '../../src/app/routing/reassign.use-case.ts';
import type { DecisionAuditPayload } from '../../src/app/audit/decision-audit.ts';
import { checkAssignment } from '../../src/domain/decision/decide.ts';
import { holdsRepCapacity } from '../../src/domain/lead/lead-status.ts';
import type { OrgConfig } from '../../src/domain/org/org-config.schema.ts';
import { viewOf } from '../../src/domain/strategies/routing-state.ts';
import { postPropertyLeads } from './property-leads.ts';
import { startTestService, type TestService } from './service-harness.ts';

/**
 * Issue 14, the real run (not the preview): after a reassignment through the store no lead holds the departed rep's
 * capacity, and every lead it assigned went to a rep who passes every eligibility check — re-checked here with
 * checkAssignment against the routing state the decision recorded as read, and the org version it names. Random
 * lead counts, times of day and paused colleagues; SQLite (the HTTP suite covers PostgreSQL).
 */
let s: TestService;
let original: OrgConfig;
beforeAll(async () => {
  s = await startTestService();
  original = s.ctx.orgs.current.config;
});
afterAll(async () => s?.close());

const UK_REPS = () => original.reps.filter((r) => r.team.startsWith('uk-')).map((r) => r.id);

describe('reassignment through the store: never to the departed rep, never to an ineligible one', () => {
  it('holds for random batches, times and pauses', async () => {
    const arb = fc.record({
      leads: fc.integer({ min: 1, max: 6 }),
      ingestAt: fc.integer({ min: 0, max: 23 }),
      moveAt: fc.integer({ min: 0, max: 47 }),
      paused: fc.subarray(UK_REPS(), { maxLength: 6 }),
      pauseFrom: fc.boolean(),
    });
    let assigned = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ leads, ingestAt, moveAt, paused, pauseFrom }) => {
        const ids = (await postPropertyLeads(s, original, ingestAt, leads)).map((l) => l.leadId);
        const holders = (await Promise.all(ids.map((id) => s.store.leads.get(id)))).filter((l) => l && holdsRepCapacity(l.status));
        if (holders.length === 0) return;
        const from = holders[0]!.repId!;
        const config = structuredClone(original) as unknown as { reps: { id: string; status: string }[] };
        for (const rep of config.reps) if (paused.includes(rep.id) || (pauseFrom && rep.id === from)) rep.status = 'paused';
        expect((await s.ctx.orgs.publish(config, 'test')).ok).toBe(true);
        s.clock.ms += moveAt * 1_800_000;

        const r = await reassignFromRep(s.ctx, { userId: 'usr-prop' }, { fromRepId: from, reason: 'property', dryRun: false });
        if (!r.ok || r.value.kind !== 'operation') throw new Error(JSON.stringify(r));
        const stillHeld = (await s.store.leads.list({ repId: from })).filter((l) => holdsRepCapacity(l.status));
        expect(stillHeld).toEqual([]);
        const decisions = new Map(
          (await s.store.audit.pending(1_000_000))
            .map((p) => p.event)
            .filter((e) => e.kind === 'decision')
            .map((e) => [(e.payload as unknown as DecisionAuditPayload).decision.decisionId, e.payload as unknown as DecisionAuditPayload]),
        );
        for (const item of r.value.items) {
          expect(item.toRep).not.toBe(from);
          if (item.outcome !== 'ASSIGNED') continue;
          assigned++;
          const payload = decisions.get(item.decisionId!)!;
          const org = (await s.ctx.orgs.get(payload.decision.ruleSet.hash))!;
          const at = Date.parse(payload.decision.decidedAt);
          const verdict = checkAssignment(org, payload.lead, at, viewOf(payload.stateRead), item.toTeam!, item.toRep!);
          expect(verdict.eligible, JSON.stringify(verdict.rep?.reasons)).toBe(true);
          expect(await s.store.leads.get(item.leadId)).toMatchObject({ status: 'ASSIGNED', repId: item.toRep });
        }
      }),
      { numRuns: 12 },
    );
    expect(assigned).toBeGreaterThan(0);
  }, 240_000);
});
