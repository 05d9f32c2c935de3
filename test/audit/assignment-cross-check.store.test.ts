import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { remitWithoutDatabaseUrl as remit } from '../support/remit-cli.ts';
import { assignQueuedLeads } from '../../src/app/routing/assign-queued.use-case.ts';
import { verifyStoredLog } from '../../src/app/audit/audit-queries.ts';
import { ASSIGNMENT_PAYLOAD_FIELDS, AuditedAssignments } from '../../src/app/audit/assignment-cross-check.ts';
import { closeLead } from '../support/route-lead.ts';
import { SlaWorker } from '../../src/app/sla/sla-worker.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { canonicalText, hashLeafText, storedLeafText, toHex, type JsonValue, type StoredAuditRow } from '../../src/audit/index.ts';
import { dropImmutability, sqlText, startAuditService, type AuditService } from './audit-service-fixture.ts';

/**
 * Finding W17 (docs/audit.md): `audit verify` (CLI and HTTP) cross-checks each lead's current status, team
 * and rep in the leads table against what its audited decisions, approvals, lifecycle moves, closes,
 * dedupe and erasure add up to. Realistic traffic over every path that changes an assignment verifies
 * clean; a direct edit of the leads table is reported with the lead's id.
 */

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const post = (path: string, body: unknown, token: string) =>
  s!.app.inject({ method: 'POST', url: path, payload: body as object, headers: auth(token) });
let n = 0;
const person = (first: string) => ({ firstName: first, lastName: 'Audit', email: `${first.toLowerCase()}.${++n}@example.co.uk` });
async function ingest(
  body: Record<string, unknown>,
): Promise<{ leadId: string; status: string; decision: { team: { id: string } | null; rep: { id: string } | null } }> {
  const res = await post('/v1/leads', body, s!.tokens.integration);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Every path that changes a lead's row, with the sealer running part way through (the rest stays in the inbox). */
async function realisticTraffic(): Promise<Record<string, string>> {
  const a = s!;
  const ids: Record<string, string> = {};
  // Queued at night (UK mortgages have no night desk), assigned when the advisers start work.
  a.clock.ms = Date.parse('2026-11-24T22:30:00Z');
  const queued = await ingest(ukLead({ product: 'uk-residential-mortgage', person: person('Quinn') }));
  expect(queued.status).toBe('QUEUED');
  ids.queued = queued.leadId;
  a.clock.ms = Date.parse('2026-11-25T09:30:00Z');
  expect((await assignQueuedLeads(a.ctx)).decided).toEqual([{ leadId: queued.leadId, outcome: 'ASSIGNED' }]);
  await a.seal();

  // Assigned at intake; nobody accepts in time: the SLA worker re-routes them.
  for (const name of ['Sla', 'Exa', 'Lou', 'Cla', 'Era']) {
    const lead = await ingest(ukLead({ person: person(name) }));
    expect(lead.status).toBe('ASSIGNED');
    ids[name] = lead.leadId;
  }
  a.clock.advance(40 * 60_000);
  const rerouted = await new SlaWorker(a.ctx).tick();
  expect(rerouted.some((o) => o.outcome === 'missed' && o.leadId === ids.Sla && o.decision !== null)).toBe(true);

  // A refused lead approved by compliance; an exception on an assigned lead approved to another rep.
  const refused = await ingest(ukLead({ address: { country: 'BR' }, person: person('Rui') }));
  expect(refused.status).toBe('REFUSED');
  const org = a.ctx.orgs.current;
  const everyday = org.teamsById.get('uk-everyday')!;
  const review = await a.h.store.reviews.openForLead(refused.leadId);
  const approve = await post(
    `/v1/review/${review!.id}/approve`,
    { teamId: 'uk-everyday', repId: everyday.reps[0]!.id, justification: 'Existing client relocating; legal confirmed.' },
    a.tokens.compliance,
  );
  expect(approve.statusCode, approve.body).toBe(200);
  ids.approved = refused.leadId;
  const current = (await a.h.store.leads.get(ids.Exa!))!;
  const other = org.teamsById.get(current.teamId!)!.reps.find((r) => r.id !== current.repId)!;
  const exception = await post(`/v1/leads/${ids.Exa}/exceptions`, { reason: 'Client asked for another adviser' }, a.tokens.ops);
  expect(exception.statusCode, exception.body).toBe(201);
  const approved = await post(
    `/v1/review/${exception.json().review.id}/approve`,
    { teamId: other.teamId, repId: other.id, justification: 'Client asked for this adviser by name.' },
    a.tokens.compliance2,
  );
  expect(approved.statusCode, approved.body).toBe(200);
  await a.seal();

  // Lifecycle moves, a close, a duplicate and an erasure.
  for (const to of ['ACCEPTED', 'LOST'])
    expect((await post(`/v1/leads/${ids.Lou}/transitions`, { to }, a.tokens.ops)).statusCode).toBe(200);
  expect((await closeLead(a.ctx, ids.Cla!)).closed).toBe(true);
  const twice = ukLead({ person: person('Dup') });
  await ingest(twice);
  ids.duplicate = (await ingest(twice)).leadId;
  expect((await post(`/v1/leads/${ids.Era}/erase`, { reason: 'GDPR art 17' }, a.tokens.compliance)).statusCode).toBe(200);
  return ids;
}

/**
 * The report by ranges (on SQLite, digest workers that parse the assigning payloads and send only the fields the
 * cross-check reads; issue 18) equals the report by rows, cross-check included, with ranges small enough that this
 * log spans many (and one for the whole log).
 */
async function expectEveryMethodAgrees(report: Awaited<ReturnType<typeof verifyStoredLog>>): Promise<void> {
  expect(await verifyStoredLog(s!.h.store, { method: 'rows' })).toEqual(report);
  for (const rangeSize of [1, 7, 64, 100_000]) expect(await verifyStoredLog(s!.h.store, { method: 'ranges', rangeSize })).toEqual(report);
  // The report alone would not show a fold gone wrong (a lead that disagrees is read again on its own before it is
  // reported): the assignments folded from the digests must equal those folded from the rows, lead by lead.
  const store = s!.h.store;
  const byRows = new AuditedAssignments();
  for await (const row of store.audit.storedRows()) byRows.addStored(row);
  const size = await store.audit.size();
  for (const rangeSize of [7, 100_000]) {
    const byDigests = new AuditedAssignments();
    for await (const d of store.audit.leafDigests({ from: 0, to: size, rangeSize, payloadFields: ASSIGNMENT_PAYLOAD_FIELDS })) {
      expect(d.kind).toBe('clean');
      byDigests.addDigest(d);
    }
    expect(byDigests.bySubject).toEqual(byRows.bySubject);
    expect(byDigests.bySubject.size).toBeGreaterThan(5);
  }
}

const dialects = await bothDialects();

describe.each(dialects)('audit verify cross-checks the leads table: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);

  it(
    'after realistic traffic (assign, SLA re-route, queue, approvals, moves, close, duplicate, erase) every lead agrees with the log',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      await realisticTraffic();
      expect(await s.h.store.audit.pendingCount()).toBeGreaterThan(0);
      const leads = (await s.h.store.leads.list()).length;
      const report = await verifyStoredLog(s.h.store);
      expect(report.assignments).toEqual({ ok: true, leadsChecked: leads, mismatchCount: 0, mismatches: [] });
      expect(report.ok).toBe(true);
      await expectEveryMethodAgrees(report);
      const cli = await remit('audit', 'verify', '--db', s.cliUrl);
      expect(cli.code, cli.stderr + cli.stdout).toBe(0);
      expect(cli.stdout).toContain(`leads cross-checked:     ${leads} (status, team and rep agree with the log)`);
      await s.seal();
      expect((await verifyStoredLog(s.h.store)).ok).toBe(true);
    },
  );

  const tamperCases: { name: string; lead: (ids: Record<string, string>) => string; sql: (leadId: string) => string; problem: string }[] = [
    {
      name: "a lead's rep changed",
      lead: (ids) => ids.Exa!,
      sql: (id) => `UPDATE leads SET rep_id = 'alistair-graham' WHERE id = ${sqlText(id)}`,
      problem: 'ASSIGNMENT_MISMATCH',
    },
    {
      name: 'an erased lead handed to a rep',
      lead: (ids) => ids.Era!,
      sql: (id) => `UPDATE leads SET status = 'ASSIGNED', team_id = 'uk-wealth', rep_id = 'daniel-okafor' WHERE id = ${sqlText(id)}`,
      problem: 'ASSIGNMENT_MISMATCH',
    },
    {
      name: 'a lost lead reopened',
      lead: (ids) => ids.Lou!,
      sql: (id) => `UPDATE leads SET status = 'ACCEPTED' WHERE id = ${sqlText(id)}`,
      problem: 'ASSIGNMENT_MISMATCH',
    },
    {
      name: 'a lead row inserted behind Remit',
      lead: () => 'lead-forged',
      sql: () =>
        `INSERT INTO leads (id, status, team_id, rep_id, org_hash, lead_json, received_at, updated_at) SELECT 'lead-forged', status, ` +
        `team_id, rep_id, org_hash, lead_json, received_at, updated_at FROM leads WHERE status = 'ASSIGNED' AND rep_id IS NOT NULL ` +
        `ORDER BY id LIMIT 1`,
      problem: 'NO_AUDITED_ASSIGNMENT',
    },
  ];

  it.each(tamperCases)(
    '$name: verify fails naming the lead (CLI exit 7, HTTP ok: false)',
    { timeout: 60_000 },
    async ({ lead, sql, problem }) => {
      s = await startAuditService(factory);
      const ids = await realisticTraffic();
      await s.seal();
      const leadId = lead(ids);
      await s.h.rawExec(sql(leadId));
      const report = await verifyStoredLog(s.h.store);
      expect(report.result.ok).toBe(true); // the log itself is intact…
      expect(report.ok).toBe(false); // …the leads table is not
      expect(report.assignments).toMatchObject({ ok: false, mismatchCount: 1, mismatches: [{ leadId, problem }] });
      expect(report.assignments!.mismatches[0]!.detail).toContain(leadId);
      await expectEveryMethodAgrees(report);
      const cli = await remit('audit', 'verify', '--db', s.cliUrl);
      expect(cli.code).toBe(7);
      expect(cli.stdout).toMatch(/^MISMATCH: /);
      expect(cli.stdout).toContain(`lead ${leadId}  ${problem}`);
      const api = await post('/v1/audit/verify', {}, s.tokens.compliance);
      expect(api.json()).toMatchObject({ ok: false, result: { ok: true }, assignments: { ok: false, mismatches: [{ leadId, problem }] } });
    },
  );

  it(
    'a decision payload rewritten after the last checkpoint, chain recomputed: only the cross-check catches it, every method alike',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      const ids = await realisticTraffic();
      await s.seal();
      const leadId = ids.Sla!;
      const rows: StoredAuditRow[] = [];
      for await (const row of s.h.store.audit.storedRows()) rows.push(row);
      const at = rows.findLastIndex((r) => r.subject === leadId && r.kind === 'decision');
      const payload = JSON.parse(rows[at]!.payloadText) as { decision: { rep: { id: string } } };
      const genuineRep = payload.decision.rep.id;
      payload.decision.rep.id = 'forged-rep';
      // Sign nothing after the edit: drop the checkpoints that cover it, then rewrite the chain from it to the end.
      await dropImmutability(s.h, 'audit_log');
      await dropImmutability(s.h, 'audit_checkpoints');
      await s.h.rawExec(`DELETE FROM audit_checkpoints WHERE tree_size > ${at}`);
      let prevHash = rows[at]!.prevHash;
      const updates = rows.slice(at).map((row, i) => {
        const forged = { ...row, prevHash, ...(i === 0 ? { payloadText: canonicalText(payload as unknown as JsonValue)! } : {}) };
        prevHash = toHex(hashLeafText(storedLeafText(forged)));
        return (
          `UPDATE audit_log SET payload_json = ${sqlText(forged.payloadText)}, prev_hash = ${sqlText(forged.prevHash)}, ` +
          `entry_hash = ${sqlText(prevHash)} WHERE seq = ${row.seq};`
        );
      });
      await s.h.rawExec(updates.join('\n'));
      const report = await verifyStoredLog(s.h.store);
      expect(report.result.ok).toBe(true);
      expect(report.result.ok && report.result.uncheckpointed).toBeGreaterThanOrEqual(rows.length - at);
      expect(report.assignments).toMatchObject({
        ok: false,
        mismatchCount: 1,
        mismatches: [
          {
            leadId,
            problem: 'ASSIGNMENT_MISMATCH',
            current: { repId: genuineRep },
            audited: { kind: 'decision', seq: at, repId: 'forged-rep' },
          },
        ],
      });
      await expectEveryMethodAgrees(report);
    },
  );
});
