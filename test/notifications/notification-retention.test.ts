import { afterEach, describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/app/notifications/email-message.ts';
import { applyRetention } from '../../src/app/privacy/retention.use-case.ts';
import { retentionOf } from '../../src/domain/org/retention.schema.ts';
import { retentionEntriesOf, startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { ingest, stopAll } from './notification-test-service.ts';

/**
 * Notifications and personal data (docs/notifications.md "Retention and erasure"), on SQLite and PostgreSQL:
 * finished rows are deleted by the retention run (category `notifications`, dry run counts first, audited), PENDING
 * ones stay; an erased lead's queued notification renders without the prospect's details (rows hold only ids).
 */

const DAY = 86_400_000;
const PROSPECT = { firstName: 'Rhoswen', lastName: 'Tallowmere', email: 'rhoswen.tallowmere@example.org', phone: '+44 20 7946 0733' };

let s: AuditService | undefined;
afterEach(async () => {
  [s] = await stopAll(s);
});

const dialects = await bothDialects();

describe.each(dialects)('notification retention and erasure: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('the retention run deletes SENT and DEAD rows past the period (dry run counts), keeps PENDING ones, and is audited', async () => {
    s = await startAuditService(factory, { notify: true, configure: (c) => ({ ...c, retention: { notifications: 'P30D' } }) });
    const a = s;
    await ingest(a, PROSPECT);
    await ingest(a, { ...PROSPECT, email: 'r.t@example.org', phone: '+44 20 7946 0734', lastName: 'Tallow' });
    await ingest(a, { ...PROSPECT, email: 'r.m@example.org', phone: '+44 20 7946 0735', lastName: 'Mere' });
    const [sent, dead, pending] = await a.h.store.notifications.list({ limit: 10 });
    expect(pending).toBeDefined();
    await a.h.store.notifications.markSent(sent!.id, new Date(a.clock.ms).toISOString());
    await a.h.store.notifications.markFailed(dead!.id, { error: 'attempt 8: refused', nextAttemptAt: null });
    const retention = retentionOf(a.ctx.orgs.current.config);
    const run = (dryRun: boolean) => applyRetention({ store: a.h.store, clock: a.clock, retention }, { dryRun });
    const action = (r: Awaited<ReturnType<typeof run>>) => r.actions.find((x) => x.category === 'notifications');

    a.clock.advance(29 * DAY);
    expect(action(await run(false))).toMatchObject({ count: 0, period: 'P30D', action: 'delete' });
    a.clock.advance(2 * DAY);
    expect(action(await run(true))).toMatchObject({ count: 2 });
    expect(await a.h.store.notifications.list({ limit: 10 })).toHaveLength(3);
    expect(action(await run(false))).toMatchObject({ count: 2 });
    expect((await a.h.store.notifications.list({ limit: 10 })).map((n) => [n.id, n.status])).toEqual([[pending!.id, 'PENDING']]);

    expect(await retentionEntriesOf(a, 'notifications')).toEqual([['retention.deleted', 2, 'P30D']]);
  });

  it("an org without retention.notifications keeps them; an erased lead's PENDING notification renders without personal data", async () => {
    s = await startAuditService(factory, { notify: true });
    const a = s;
    const lead = await ingest(a, PROSPECT);
    const erased = await a.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.leadId}/erase`,
      headers: auth(a.tokens.compliance),
      payload: { reason: 'erasure request by the data subject' },
    });
    expect(erased.statusCode, erased.body).toBe(200);
    const [row] = await a.h.store.notifications.list({ limit: 10 });
    expect(row).toMatchObject({ status: 'PENDING', eventType: 'lead.assigned' });
    const stored = JSON.stringify(row);
    const content = renderEmail(row!.eventType, row!.payloadJson, 'https://remit.example');
    const rendered = JSON.stringify(content);
    expect(rendered).toContain(lead.leadId);
    for (const personal of ['Rhoswen', 'Tallowmere', PROSPECT.email, '2079460733', '7946 ']) {
      expect(stored).not.toContain(personal);
      expect(rendered).not.toContain(personal);
    }
    a.clock.advance(3650 * DAY);
    const report = await applyRetention(
      { store: a.h.store, clock: a.clock, retention: retentionOf(a.ctx.orgs.current.config) },
      { dryRun: false },
    );
    expect(report.keptIndefinitely).toContain('notifications');
  });
});
