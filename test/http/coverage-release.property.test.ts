import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionAuditPayload } from '../../src/app/audit/decision-audit.ts';
import { queueCoverageRelease } from '../../src/app/screening/coverage-release.ts';
import { RescreenRunner } from '../../src/app/screening/rescreen-runner.ts';
import { checkAssignment } from '../../src/domain/decision/decide.ts';
import type { OrgConfig } from '../../src/domain/org/org-config.schema.ts';
import { viewOf } from '../../src/domain/strategies/routing-state.ts';
import { loadListSource } from '../../src/screening/list-sources.ts';
import { postPropertyLeads } from './property-leads.ts';
import { startTestService, type TestService } from './service-harness.ts';

/**
 * docs/screening.md "Screening again once coverage is back": the re-decision of a lead released once coverage is back
 * goes through the intake decision path, so every lead it assigns goes to a rep who passes every eligibility check —
 * re-checked with checkAssignment against the routing state the decision recorded as read and the org version it
 * names. Random lead counts, times of day and paused reps between intake and release; SQLite (the HTTP tests cover
 * PostgreSQL).
 */
let s: TestService;
let original: OrgConfig;
beforeAll(async () => {
  // the blocklist alone: no sanctions list, so every lead is not_screened and the example org holds it
  s = await startTestService({ lists: ['examples/bank/screening/firm-blocklist.csv'] });
  original = s.ctx.orgs.current.config;
});
afterAll(async () => s?.close());

const UK_REPS = () => original.reps.filter((r) => r.team.startsWith('uk-')).map((r) => r.id);
const sanctions = () =>
  loadListSource(
    { id: 'test-sanctions', format: 'ftm-jsonl', path: 'test/support/fixtures/sanctions-mini.ftm.jsonl' },
    () => new Date(s.clock.now()),
  );

describe('coverage release re-decisions: never an ineligible assignment', () => {
  it('holds for random batches, times and paused reps', async () => {
    const arb = fc.record({
      leads: fc.integer({ min: 1, max: 5 }),
      ingestAt: fc.integer({ min: 0, max: 23 }),
      releaseAfter: fc.integer({ min: 0, max: 47 }),
      paused: fc.subarray(UK_REPS(), { maxLength: 6 }),
    });
    let assigned = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ leads, ingestAt, releaseAfter, paused }) => {
        s.ctx.screening!.remove('test-sanctions');
        expect(s.ctx.screening!.coverage()).toBe('no_sanctions_list');
        const posted = await postPropertyLeads(s, original, ingestAt, leads);
        expect(posted.map((l) => l.status)).toEqual(posted.map(() => 'HELD'));
        const ids = posted.map((l) => l.leadId);
        const config = structuredClone(original) as unknown as { reps: { id: string; status: string }[] };
        for (const rep of config.reps) if (paused.includes(rep.id)) rep.status = 'paused';
        expect((await s.ctx.orgs.publish(config, 'test')).ok).toBe(true);
        s.clock.ms += releaseAfter * 1_800_000;

        s.ctx.screening!.add(sanctions());
        expect(s.ctx.screening!.coverage()).toBe('ok');
        expect(await queueCoverageRelease(s.ctx, 'property')).toEqual(expect.any(String));
        await new RescreenRunner(s.ctx).drain();
        const decisions = (await s.store.audit.pending(1_000_000))
          .map((p) => p.event)
          .filter((e) => e.kind === 'decision' && e.actor === 'system')
          .map((e) => e.payload as unknown as DecisionAuditPayload);
        for (const id of ids) {
          const record = (await s.store.leads.get(id))!;
          expect(record.status).not.toBe('HELD'); // none of them hits; each was re-decided
          const [intake, release, ...more] = decisions.filter((d) => d.decision.leadId === id);
          expect([intake?.decision.outcome, more]).toEqual(['HELD', []]); // intake, then exactly one re-decision
          const payload = release!;
          expect(payload.decision.outcome).not.toBe('HELD');
          if (record.status !== 'ASSIGNED') continue;
          assigned++;
          const org = (await s.ctx.orgs.get(payload.decision.ruleSet.hash))!;
          const verdict = checkAssignment(
            org,
            payload.lead,
            Date.parse(payload.decision.decidedAt),
            viewOf(payload.stateRead),
            record.teamId!,
            record.repId!,
          );
          expect(verdict.eligible, JSON.stringify(verdict.rep?.reasons)).toBe(true);
          expect(paused).not.toContain(record.repId);
        }
      }),
      { numRuns: 10 },
    );
    expect(assigned).toBeGreaterThan(0);
  }, 240_000);
});
