import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { remitWithoutDatabaseUrl as remit } from '../support/remit-cli.ts';
import { verifyStoredLog, type CheckpointsFile } from '../../src/app/audit/audit-queries.ts';
import { rotateAuditKey } from '../../src/app/audit/audit-signing-key.ts';
import { verifyCommitment } from '../../src/audit/index.ts';
import { auth, ukLead } from '../http/service-harness.ts';
import { withPgClient } from '../store/store-harness.ts';
import { dropImmutability, sqlText, startAuditService, type AuditService } from './audit-service-fixture.ts';
import { findEverywhere } from './find-everywhere.ts';
import { independentVerify } from './independent-verifier.ts';

/**
 * The audit trail in the running service (docs/audit.md: erasure and decision replay), on SQLite
 * and PostgreSQL: entries written in the business transactions, sealed into a signed log, tampered
 * with directly in the database, verified, told as a lead story, replayed, erased.
 */

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const post = (path: string, body: unknown, token: string, headers: Record<string, string> = {}) =>
  s!.app.inject({ method: 'POST', url: path, payload: body as object, headers: { ...auth(token), ...headers } });
const get = (path: string, token: string, headers: Record<string, string> = {}) =>
  s!.app.inject({ method: 'GET', url: path, headers: { ...auth(token), ...headers } });

let n = 0;
const person = (first = 'Ann', last = 'Lee') => ({
  firstName: first,
  lastName: last,
  email: `${first}.${last}.${++n}@example.co.uk`.toLowerCase(),
  phone: `+44 20 7946 ${String(1000 + n).slice(-4)}`,
});

/** A few leads and changes of every kind, sealed in two batches. Returns the lead ids. */
async function activity(): Promise<{ assigned: string; refused: string; duplicate: string }> {
  const a = (await post('/v1/leads', ukLead({ person: person() }), s!.tokens.integration)).json();
  const dupOf = ukLead({ person: person('Bea', 'Fox') });
  await post('/v1/leads', dupOf, s!.tokens.integration);
  await s!.seal();
  const d = (await post('/v1/leads', dupOf, s!.tokens.integration)).json();
  const r = (await post('/v1/leads', ukLead({ address: { country: 'BR' }, person: person('Rui', 'Costa') }), s!.tokens.integration)).json();
  const review = (await get('/v1/review', s!.tokens.compliance)).json().items.find((i: { leadId: string }) => i.leadId === r.leadId);
  const org = s!.ctx.orgs.current;
  const rep = [...org.repsById.values()].find((x) => x.teamId === org.teams[0]!.id)!;
  expect(
    (
      await post(
        `/v1/review/${review.id}/approve`,
        { teamId: rep.teamId, repId: rep.id, justification: 'Existing client relocating; legal confirmed.' },
        s!.tokens.compliance,
      )
    ).statusCode,
  ).toBe(200);
  expect(
    (
      await post(
        '/v1/accounts:import',
        { accounts: [{ id: 'acc-1', name: 'Acme Ltd', domains: ['acme.co.uk'], ownerRep: rep.id }] },
        s!.tokens.ops,
      )
    ).statusCode,
  ).toBe(200);
  expect(
    (await post('/v1/webhooks', { url: 'https://hooks.example.com/remit', events: ['lead.assigned'] }, s!.tokens.admin)).statusCode,
  ).toBe(201);
  const key = (await post('/v1/keys', { name: 'temp', role: 'ops' }, s!.tokens.admin)).json();
  expect((await s!.app.inject({ method: 'DELETE', url: `/v1/keys/${key.key.id}`, headers: auth(s!.tokens.admin) })).statusCode).toBe(204);
  await s!.seal();
  return { assigned: a.leadId, refused: r.leadId, duplicate: d.leadId };
}

async function rows(): Promise<{ seq: number; kind: string; subject: string; payload_json: string }[]> {
  const out: { seq: number; kind: string; subject: string; payload_json: string }[] = [];
  for await (const r of s!.h.store.audit.rows())
    out.push({ seq: r.seq, kind: r.kind, subject: r.subject, payload_json: JSON.stringify(r.payload) });
  return out;
}

const dialects = await bothDialects();

describe.each(dialects)('audit trail in the service: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);

  it(
    'records every change in its own transaction, seals it into a signed log that verifies, with no personal data in clear',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      const ids = await activity();
      expect(await s.h.store.audit.pendingCount()).toBe(0);
      const all = await rows();
      const kinds = new Set(all.map((r) => r.kind));
      for (const k of ['org_change', 'access', 'intake', 'account_match', 'screening', 'dedupe', 'decision', 'review'])
        expect(kinds, k).toContain(k);
      const actions = all.map((r) => (JSON.parse(r.payload_json) as { action?: string }).action).filter(Boolean);
      expect(actions).toEqual(
        expect.arrayContaining([
          'org_version.published',
          'api_key.created',
          'api_key.revoked',
          'accounts.imported',
          'webhook.subscribed',
          'review.requested',
          'review.approved',
        ]),
      );
      // Entries about the refused lead, in order.
      expect(all.filter((r) => r.subject === ids.refused).map((r) => r.kind)).toEqual([
        'intake',
        'account_match',
        'screening',
        'dedupe',
        'decision',
        'review',
        'review',
      ]);
      expect(all.filter((r) => r.subject === ids.duplicate).map((r) => r.kind)).toEqual(['intake', 'account_match', 'screening', 'dedupe']);
      // No email, name or phone in clear: only commitments, which open with the lead's salt.
      const intake = (await s.h.store.audit.rowsForSubject(ids.assigned)).find((r) => r.kind === 'intake')!;
      const text = JSON.stringify(intake);
      // The phone as it could appear (E.164 digits or the national form); a bare "7946" also matched random hex in hashes.
      expect(text).not.toMatch(/@example\.co\.uk|Ann|2079461|20 7946/);
      const salt = Buffer.from((await s.h.store.personalData.get(ids.assigned))!.salt, 'hex');
      const contact = JSON.parse((await s.h.store.personalData.get(ids.assigned))!.contactJson) as { email: string };
      expect(verifyCommitment(intake.commitments['contact.email']!, 'contact.email', contact.email, salt)).toEqual({ kind: 'match' });
      // The decision entry holds the full decision document and what it read.
      const decision = (await s.h.store.audit.rowsForSubject(ids.assigned)).find((r) => r.kind === 'decision')!.payload as {
        decision: { decisionId: string };
        lead: unknown;
        stateRead: unknown;
      };
      expect(decision.decision.decisionId).toMatch(/^dec-/);
      expect(decision.stateRead).toHaveProperty('pools');

      const report = await verifyStoredLog(s.h.store);
      expect(report.ok).toBe(true);
      expect(report.result).toMatchObject({ ok: true, entries: all.length, uncheckpointed: 0 });
      const cli = await remit('audit', 'verify', '--db', s.cliUrl);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(new RegExp(`^ok: .*\\n  entries verified: +${all.length}\\n`));
    },
  );

  const tamperCases: {
    name: string;
    problem: string;
    at: (size: number) => number;
    tamper: (a: AuditService, k: number, size: number) => Promise<void>;
  }[] = [
    {
      name: 'one byte of a payload edited',
      problem: 'EDITED',
      at: () => 9,
      async tamper(a, k) {
        const row = (await rows()).find((r) => r.seq === k)!;
        const stored = await storedPayload(a, k);
        // Flip one character inside the first string value of the payload, keeping valid JSON.
        const i = stored.indexOf(':"') + 2;
        const edited = `${stored.slice(0, i)}${stored[i] === 'x' ? 'y' : 'x'}${stored.slice(i + 1)}`;
        expect(edited.length).toBe(stored.length);
        expect(row.seq).toBe(k);
        await a.h.rawExec(`UPDATE audit_log SET payload_json = ${sqlText(edited)} WHERE seq = ${k}`);
      },
    },
    { name: 'an entry deleted', problem: 'DELETED', at: () => 12, tamper: (a, k) => a.h.rawExec(`DELETE FROM audit_log WHERE seq = ${k}`) },
    {
      name: 'two entries swapped',
      problem: 'REORDERED',
      at: () => 7,
      tamper: (a, k) =>
        a.h.rawExec(
          `UPDATE audit_log SET seq = -1 WHERE seq = ${k}; UPDATE audit_log SET seq = ${k} WHERE seq = ${k + 1}; UPDATE audit_log SET ` +
            `seq = ${k + 1} WHERE seq = -1;`,
        ),
    },
    {
      name: 'the tail truncated',
      problem: 'TRUNCATED',
      at: (size) => size - 3,
      tamper: (a, k) => a.h.rawExec(`DELETE FROM audit_log WHERE seq >= ${k}`),
    },
  ];

  async function storedPayload(a: AuditService, seq: number): Promise<string> {
    if (a.h.schema === undefined) {
      const { DatabaseSync } = await import('node:sqlite');
      const db = new DatabaseSync(a.h.url.replace(/^sqlite:/, ''));
      try {
        return (db.prepare('SELECT payload_json FROM audit_log WHERE seq = ?').get(seq) as { payload_json: string }).payload_json;
      } finally {
        db.close();
      }
    }
    return withPgClient(
      async (c) => (await c.query('SELECT payload_json FROM audit_log WHERE seq = $1', [seq])).rows[0].payload_json as string,
      a.h.schema,
    );
  }

  it.each(tamperCases)(
    'tampering in the database — $name — is named precisely by `remit audit verify` (exit 7)',
    { timeout: 60_000 },
    async ({ problem, at, tamper }) => {
      s = await startAuditService(factory);
      await activity();
      const size = await s.h.store.audit.size();
      expect((await verifyStoredLog(s.h.store)).ok).toBe(true);
      // The database itself refuses: sealed rows cannot be changed or removed…
      await expect(s.h.rawExec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")).rejects.toThrow(/append-only/);
      await expect(s.h.rawExec('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
      // …until the attacker drops the triggers.
      await dropImmutability(s.h, 'audit_log');
      const k = at(size);
      await tamper(s, k, size);
      const report = await verifyStoredLog(s.h.store);
      expect(report.ok).toBe(false);
      expect(report.result).toMatchObject({ ok: false, firstBad: { seq: k, problem } });
      const cli = await remit('audit', 'verify', '--db', s.cliUrl);
      expect(cli.code).toBe(7);
      expect(cli.stdout).toContain(`first bad entry: #${k}  ${problem}`);
      const api = await post('/v1/audit/verify', {}, s.tokens.compliance);
      expect(api.json()).toMatchObject({ ok: false, result: { firstBad: { seq: k, problem } } });
    },
  );

  it(
    'checkpoints exported outside Remit catch a tail truncation that also removed the stored checkpoints',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      await activity();
      const file = join(s.dir, 'checkpoints.json');
      const exported = await remit('audit', 'checkpoints', 'export', '--db', s.cliUrl, '--out', file);
      expect(exported.code, exported.stderr).toBe(0);
      const cps = JSON.parse(readFileSync(file, 'utf8')) as CheckpointsFile;
      expect(cps.checkpoints.length).toBeGreaterThanOrEqual(2);
      const first = cps.checkpoints[0]!.treeSize;
      const size = await s.h.store.audit.size();
      // The attacker removes everything after the first checkpoint, the later checkpoints and rewinds the sealer state.
      await dropImmutability(s.h, 'audit_log');
      await dropImmutability(s.h, 'audit_checkpoints');
      await s.h.rawExec(`DELETE FROM audit_log WHERE seq >= ${first}`);
      await s.h.rawExec(`DELETE FROM audit_checkpoints WHERE tree_size > ${first}`);
      const alone = await verifyStoredLog(s.h.store);
      expect(alone.result.ok).toBe(true); // the log alone is consistent again…
      expect(alone.assignments?.ok).toBe(false); // …but leads decided in the removed tail disagree with it (W17)
      const outside = await remit('audit', 'verify', '--db', s.cliUrl, '--checkpoints', file);
      expect(outside.code).toBe(7);
      expect(outside.stdout).toContain(`first bad entry: #${first}  TRUNCATED`);
      expect(size).toBeGreaterThan(first);
      // Range verification from a checkpoint works against the file too.
      const range = await remit('audit', 'verify', '--db', s.cliUrl, '--checkpoints', file, '--from', String(first), '--to', String(first));
      expect(range.code, range.stdout).toBe(0);
    },
  );

  it('key rotation: checkpoints before and after verify with their own keys; the ring keeps the old key', { timeout: 60_000 }, async () => {
    s = await startAuditService(factory);
    await post('/v1/leads', ukLead({ person: person() }), s.tokens.integration);
    await s.seal();
    const oldKey = s.signer.keyId;
    s.clock.advance(60_000);
    const rotated = await s.h.store.transaction((tx) => rotateAuditKey(tx, { file: s!.keyFile }, new Date(s!.clock.ms).toISOString()));
    expect(statSync(s.keyFile).mode & 0o777).toBe(0o600);
    expect(rotated.previous).toEqual([oldKey]);
    await post('/v1/leads', ukLead({ person: person('Cy', 'Moss') }), s.tokens.integration);
    await s.seal(); // the signer notices its key was closed and re-reads the key file
    expect(s.signer.keyId).toBe(rotated.keyId);
    const cps = await s.h.store.audit.checkpoints();
    expect(cps[0]!.keyId).toBe(oldKey);
    expect(cps.at(-1)!.keyId).toBe(rotated.keyId);
    const ring = await s.h.store.audit.keyRing();
    expect(ring.map((k) => [k.keyId, k.validTo === null])).toEqual([
      [oldKey, false],
      [rotated.keyId, true],
    ]);
    expect((await verifyStoredLog(s.h.store)).result).toMatchObject({ ok: true, checkpointsVerified: cps.length });
  });

  it(
    'the lead story (HTTP JSON and HTML, CLI) carries proofs an independent node:crypto verifier accepts',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      const ids = await activity();
      const res = await get(`/v1/leads/${ids.refused}/story`, s.tokens.compliance);
      expect(res.statusCode).toBe(200);
      const story = res.json();
      expect(story.integrity.verified).toBe(true);
      expect(story.entries.map((e: { kind: string }) => e.kind)).toEqual([
        'intake',
        'account_match',
        'screening',
        'dedupe',
        'decision',
        'review',
        'review',
      ]);
      expect(story.checkpoint.publicKeys[0].publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(independentVerify(res.body)).toBe(true);
      // One changed byte in an entry and the outside verifier refuses.
      expect(independentVerify(res.body.replace('"JURISDICTION_NOT_LICENSED"', '"JURISDICTION_NOT_LICENSEE"'))).toBe(false);
      const html = await get(`/v1/leads/${ids.refused}/story`, s.tokens.ops, { accept: 'text/html' });
      expect(html.headers['content-type']).toMatch(/text\/html/);
      expect(html.body).toContain('Integrity: VERIFIED');
      expect(html.body).toContain('Routing decision');
      expect((await get(`/v1/leads/${ids.refused}/story`, s.tokens.rep)).statusCode).toBe(403);
      const cli = await remit('audit', 'story', ids.refused, '--db', s.cliUrl, '--format', 'json');
      expect(cli.code, cli.stderr).toBe(0);
      expect(independentVerify(cli.stdout)).toBe(true);
      const text = await remit('audit', 'story', ids.refused, '--db', s.cliUrl);
      expect(text.stdout).toMatch(/Routing decision[\s\S]*JURISDICTION_NOT_LICENSED[\s\S]*Compliance review[\s\S]*Integrity: VERIFIED/);
      const checkpoints = (await get('/v1/audit/checkpoints', s.tokens.ops)).json();
      expect(checkpoints.latest.checkpoint.rootHash).toBe(story.checkpoint.checkpoint.rootHash);
      // Date-range export.
      const jsonl = await remit('audit', 'export', '--db', s.cliUrl, '--from', '2026-11-01', '--to', '2026-12-01', '--format', 'jsonl');
      expect(jsonl.stdout.trim().split('\n').length).toBe(await s.h.store.audit.size());
      const csv = await remit('audit', 'export', '--db', s.cliUrl, '--from', '2027-01-01', '--to', '2027-02-01', '--format', 'csv');
      expect(csv.stdout.trim().split('\r\n')).toHaveLength(1); // header only
    },
  );

  it(
    'scenario 15: a recorded decision replays identically; one changed byte of its record fails the integrity check',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      // Several UK leads so the round robin has state (ledger rows, loads) to record and replay against.
      const leads: string[] = [];
      for (let i = 0; i < 5; i++)
        leads.push((await post('/v1/leads', ukLead({ person: person('Dee', `Lane${i}`) }), s.tokens.integration)).json().leadId);
      await s.seal();
      const decisionId = (await s.h.store.decisions.listForLead(leads[4]!))[0]!.decisionId;
      const ok = await remit('audit', 'replay', decisionId, '--db', s.cliUrl);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toContain('result: IDENTICAL');
      expect(ok.stdout).toContain('integrity: VERIFIED');
      const api = (await get(`/v1/decisions/${decisionId}/replay`, s.tokens.compliance)).json();
      expect(api).toMatchObject({ identical: true, differences: [], integrity: { verified: true } });
      // The replay really used the recorded state: the decision read ledger rows written by earlier leads.
      const entry = (await s.h.store.audit.rowsForSubject(leads[4]!)).find((r) => r.kind === 'decision')!;
      expect(JSON.stringify((entry.payload as { stateRead: unknown }).stateRead)).toMatch(/"(open|assigned)":[1-9]/);

      // The sealed entry's decision is stored once, in its `decisions` row (migration 0049: the log row references it), so
      // that row is the record to change: one byte of it, behind the triggers.
      expect(await storedPayload(s, entry.seq)).not.toContain('"outcome":"ASSIGNED"');
      await dropImmutability(s.h, 'decisions');
      const document = (await s.h.store.decisions.get(decisionId))!.documentJson;
      const i = document.indexOf('"outcome":"ASSIGNED"') + '"outcome":"'.length;
      expect(i).toBeGreaterThan(10);
      await s.h.rawExec(
        `UPDATE decisions SET document_json = ${sqlText(`${document.slice(0, i)}B${document.slice(i + 1)}`)} ` +
          `WHERE decision_id = ${sqlText(decisionId)}`,
      );
      const bad = await remit('audit', 'replay', decisionId, '--db', s.cliUrl, '--json');
      expect(bad.code).toBe(7);
      const report = JSON.parse(bad.stdout);
      expect(report.integrity.verified).toBe(false);
      // The entry re-read with the changed document no longer hashes to its sealed hash (DECISION_RECORD_DIFFERS compares
      // the decisions row with the entry's copy: a referencing entry has none, and reads the changed row itself).
      expect(report.integrity.problems.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['LEAF_HASH_MISMATCH']));
      expect((await verifyStoredLog(s.h.store)).result).toMatchObject({ ok: false, firstBad: { seq: entry.seq, problem: 'EDITED' } });
    },
  );

  it(
    'scenario 14: erasure removes the email and name from the whole database while `audit verify` stays green',
    { timeout: 60_000 },
    async () => {
      s = await startAuditService(factory);
      const email = 'zebedee.quillfeather@example.org';
      const name = ['Zebedee', 'Quillfeather'];
      const lead = (
        await post(
          '/v1/leads',
          ukLead({ person: { firstName: name[0], lastName: name[1], email, phone: '+44 20 7946 0991' } }),
          s.tokens.integration,
        )
      ).json();
      await post('/v1/leads', ukLead({ person: person('Other', 'Person') }), s.tokens.integration);
      await s.seal();
      expect(await findEverywhere(s.h, email)).not.toEqual([]); // before: personal_data, dedupe keys …
      const erased = await post(`/v1/leads/${lead.leadId}/erase`, { reason: 'GDPR Art. 17 request, ticket 4711' }, s.tokens.compliance);
      expect(erased.statusCode, erased.body).toBe(200);
      expect(erased.json().retention.basis).toMatch(/Art\. 17\(3\)\(b\)/);
      expect((await post(`/v1/leads/${lead.leadId}/erase`, { reason: 'again' }, s.tokens.compliance)).statusCode).toBe(409);
      await s.seal();
      const story = (await get(`/v1/leads/${lead.leadId}/story`, s.tokens.compliance)).json();
      expect(story.entries.at(-1)).toMatchObject({ kind: 'erasure', payload: { retention: { period: 'P6Y' } } });
      expect(story.integrity.verified).toBe(true);
      const v = await remit('audit', 'verify', '--db', s.cliUrl);
      expect(v.code, v.stdout).toBe(0);
      const decisionId = (await s.h.store.decisions.listForLead(lead.leadId))[0]!.decisionId;
      expect((await remit('audit', 'replay', decisionId, '--db', s.cliUrl)).code).toBe(0); // the decision record is retained and replays
      for (const needle of [email, `${name[0]} ${name[1]}`, name[1]!, name[1]!.toLowerCase()])
        expect(await findEverywhere(s.h, needle), needle).toEqual([]);
    },
  );

  it('erasure also removes what screening derived from the person (a near-miss of a blocklist entry)', { timeout: 60_000 }, async () => {
    s = await startAuditService(factory);
    // "Hallorann" is the prospect's own spelling; the blocklist entry is "Viktor Halloran" (public list data, which may stay).
    const lead = (
      await post(
        '/v1/leads',
        ukLead({
          person: { firstName: 'Viktor', lastName: 'Hallorann', email: 'vh2@example.ie', dateOfBirth: '1971-03-14' },
          address: { country: 'IE' },
        }),
        s.tokens.integration,
      )
    ).json();
    expect(lead.status, JSON.stringify(lead.decision?.reasons)).toBe('HELD');
    await s.seal();
    expect(await findEverywhere(s.h, 'Hallorann')).not.toEqual([]);
    const erased = await post(`/v1/leads/${lead.leadId}/erase`, { reason: 'GDPR Art. 17 request, ticket 4712' }, s.tokens.compliance);
    expect(erased.statusCode, erased.body).toBe(200);
    await s.seal();
    for (const needle of ['Hallorann', 'hallorann', 'vh2@example.ie']) expect(await findEverywhere(s.h, needle), needle).toEqual([]);
    expect((await remit('audit', 'verify', '--db', s.cliUrl)).code).toBe(0);
  });
});
