import { describe, expect, it } from 'vitest';
import { sequentialIds } from '../../../src/domain/shared/clock.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { lead, storeOrg } from '../fixtures/org.ts';
import { ALL_MIGRATIONS, STORES, iso, manualClock, olderDatabase, routeLead, storeReachable } from './contract-support.ts';

/**
 * Migration 0023 on a database of the previous release: the SLA timers already scheduled survive (SQLite rebuilds the
 * table, PostgreSQL swaps the CHECK), and warning timers are admitted only after it.
 */
describe.each(STORES)('migration 0023 upgrades sla_timers in place: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;

  it('keeps every timer and its indexes; accept_warning is refused before and stored after', async () => {
    const db = await olderDatabase(
      factory.name,
      // Today's routing core (used below to write timers the old way) also writes 0030's audit inbox columns, which are
      // independent of sla_timers: the old database has them, the upgrade then applies 0023–0029.
      MIGRATIONS.filter((m) => m.version < 23 || m.version === 30),
    );
    const open = db.open;
    const timer = (id: string, kind: 'accept' | 'accept_warning') => ({
      id,
      leadId: 'W1',
      kind,
      repId: 'r1',
      teamId: 't1',
      assignedAt: iso(0),
      dueAt: iso(60),
      createdAt: iso(0),
    });
    try {
      const old = await open(false);
      await routeLead({ store: old, org: storeOrg(), clock: manualClock(), ids: sequentialIds() }, lead({ id: 'W1' }));
      await old.slaTimers.schedule([timer('W1:accept', 'accept')]);
      await old.slaTimers.close('W1:accept', { status: 'FIRED', at: iso(61), by: 'w', outcomeJson: '{"missed":"accept"}' });
      await old.slaTimers.schedule([timer('W1:accept-2', 'accept')]);
      await expect(old.slaTimers.schedule([timer('W1:warn', 'accept_warning')])).rejects.toThrow();
      const before = await old.slaTimers.listForLead('W1');
      await old.close();

      const upgraded = await open(true);
      try {
        expect(await upgraded.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        expect(await upgraded.slaTimers.listForLead('W1')).toEqual(before);
        await upgraded.slaTimers.schedule([timer('W1:warn', 'accept_warning')]);
        expect(before.length).toBeGreaterThanOrEqual(3); // routing scheduled its own timers too
        const due = (await upgraded.slaTimers.due(iso(60), 10)).map((d) => d.id);
        expect(due).toEqual(expect.arrayContaining(['W1:accept-2', 'W1:warn']));
        expect(due).not.toContain('W1:accept');
        // Still refused: a kind no release knows, and a timer of a lead that does not exist (the foreign key survived).
        await expect(upgraded.slaTimers.schedule([{ ...timer('W1:x', 'accept'), kind: 'later' as 'accept' }])).rejects.toThrow();
        await expect(upgraded.slaTimers.schedule([{ ...timer('G:accept', 'accept'), leadId: 'ghost' }])).rejects.toThrow();
      } finally {
        await upgraded.close();
      }
    } finally {
      await db.drop();
    }
  });
});
