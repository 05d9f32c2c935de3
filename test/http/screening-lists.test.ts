import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import { RescreenRunner } from '../../src/app/screening/rescreen-runner.ts';
import { capturingLogger } from '../support/observability.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/**
 * Issue 11, B2 ("lists are configuration, not a path a client sends") and "no list, no clear":
 * reloads name configured sources only, are audited, and a shrinking reload needs a second key.
 */

const BLOCKLIST = 'examples/bank/screening/firm-blocklist.csv';
const SANCTIONS = 'test/support/fixtures/sanctions-mini.ftm.jsonl';
const HEADER = 'id,name,aliases,type,dob,country,reason\n';

let s: TestService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A service whose sources are copies in a temp folder (so a test can change the files on disk). */
async function serviceWithSources(): Promise<{ s: TestService; dir: string; blocklistFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'remit-sources-'));
  const blocklistFile = join(dir, 'firm-blocklist.csv');
  await copyFile(BLOCKLIST, blocklistFile);
  await copyFile(SANCTIONS, join(dir, 'sanctions.ftm.jsonl'));
  const sources = new ListSourceCatalogue(
    [
      { id: 'blocklist', format: 'blocklist-csv', path: blocklistFile },
      { id: 'test-sanctions', format: 'ftm-jsonl', path: join(dir, 'sanctions.ftm.jsonl') },
    ],
    0.2,
  );
  s = await startTestService({ listSources: sources });
  return { s, dir, blocklistFile };
}

const post = (url: string, body: unknown, token: string) =>
  s!.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
const get = (url: string, token: string) => s!.app.inject({ method: 'GET', url, headers: auth(token) });

/** Runs the re-screen job a reload queued, as `remit serve`'s runner does, and returns its report. */
async function reportOf(answer: { rescreen: { jobId: string; status: string } | null }) {
  expect(answer.rescreen?.status).toBe('queued');
  expect(await new RescreenRunner(s!.ctx, { name: 'test-runner' }).drain()).toBe(1);
  const job = (await get(`/v1/screening/rescreens/${answer.rescreen!.jobId}`, s!.tokens.compliance)).json();
  expect(job).toMatchObject({ status: 'done', attempts: 1 });
  return job.report;
}

/** The person behind the key named `name`: actions are attributed to people (docs/access.md). */
async function personOf(name: string): Promise<string> {
  return (await s!.store.apiKeys.list()).find((k) => k.name === name)!.userId;
}

/** Audit entries (not yet sealed) about screening list sources, after the start-up loads (by `system`). */
async function listAudit() {
  return (await s!.store.audit.pending(10_000))
    .map((p) => p.event)
    .filter((e) => e.subject.startsWith('screening-list:') && e.actor !== 'system');
}

let n = 0;
const viktor = () =>
  ukLead({
    person: { firstName: 'Viktor', lastName: 'Halloran', email: `vh${++n}@example.ie`, dateOfBirth: '1971-03-14' },
    address: { country: 'IE' },
  });

describe('reload by configured source id only (B2)', () => {
  it('a path, a typed path or the old `lists` body is 422 LIST_SOURCE_UNKNOWN and no file is read', async () => {
    const { dir } = await serviceWithSources();
    // A well-formed blocklist the service was never configured with: loading it would swap the firm's list.
    const rogue = join(dir, 'rogue.csv');
    await writeFile(rogue, `${HEADER}R-1,Rogue Entrant,,person,,GB,planted\n`);
    const before = (await get('/v1/screening/lists', s!.tokens.compliance)).json().lists;
    const auditBefore = await s!.store.audit.pendingCount();
    for (const body of [
      { sources: [rogue] },
      { sources: [`blocklist-csv:${rogue}`] },
      { sources: ['/etc/passwd'] },
      { lists: [rogue] },
      { lists: ['ftm-jsonl:/etc/passwd'] },
    ]) {
      const res = await post('/v1/screening/lists:reload', body, s!.tokens.compliance);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(res.json().code).toBe('LIST_SOURCE_UNKNOWN');
      expect(res.body).not.toContain('Rogue');
      expect(res.body).not.toContain('root:');
    }
    expect((await get('/v1/screening/lists', s!.tokens.compliance)).json().lists).toEqual(before);
    expect(await s!.store.audit.pendingCount()).toBe(auditBefore);
  });

  it('an unknown source id is 422 with a field error at its position, and nothing is reloaded', async () => {
    await serviceWithSources();
    const res = await post('/v1/screening/lists:reload', { sources: ['blocklist', 'ofac-everything'] }, s!.tokens.admin);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'LIST_SOURCE_UNKNOWN',
      details: [{ path: '/sources/1', message: expect.stringContaining('blocklist, test-sanctions') }],
    });
    expect(await listAudit()).toEqual([]);
  });

  it(
    'a source that cannot be loaded is named by id only: neither its contents nor its path are echoed, and the old version ' + 'stays',
    async () => {
      const { dir, blocklistFile } = await serviceWithSources();
      const before = (await get('/v1/screening/lists', s!.tokens.compliance)).json().lists;
      await writeFile(blocklistFile, 'root:x:0:0:SECRET-FIRST-LINE,"unterminated\n');
      const res = await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'LIST_SOURCE_UNREADABLE', message: expect.stringContaining('blocklist') });
      for (const leak of ['root:x', 'SECRET', 'unterminated', dir, 'firm-blocklist.csv']) expect(res.body).not.toContain(leak);
      expect((await get('/v1/screening/lists', s!.tokens.compliance)).json().lists).toEqual(before);
      expect(await listAudit()).toEqual([]);
    },
  );

  it('a reload is audited: who, which source, old and new sha256 and entry counts', async () => {
    const { blocklistFile } = await serviceWithSources();
    const old = s!.ctx.screening!.version('blocklist')!;
    await writeFile(blocklistFile, 'NB-BL-0101,Marguerite Quillfeather,,person,,GB,new fraud referral\n', { flag: 'a' });
    const res = await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance);
    expect(res.statusCode).toBe(200);
    const now = s!.ctx.screening!.version('blocklist')!;
    expect(now.entryCount).toBe(5);
    expect(res.json().applied).toEqual([
      {
        sourceId: 'blocklist',
        before: { sha256: old.sha256, entryCount: 4 },
        after: { sha256: now.sha256, entryCount: 5 },
        unchanged: false,
      },
    ]);
    const entries = await listAudit();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'org_change',
      subject: 'screening-list:blocklist',
      actor: await personOf('test compliance'),
      payload: {
        action: 'screening_list.reloaded',
        source: 'blocklist',
        roles: ['compliance'],
        before: { sha256: old.sha256, entryCount: 4 },
        after: { sha256: now.sha256, entryCount: 5 },
      },
    });
    // The version in force is in the store too (what a restart compares with).
    expect((await s!.store.screeningLists.inForce()).find((r) => r.sourceId === 'blocklist')).toMatchObject({
      sha256: now.sha256,
      entryCount: 5,
    });
  });
});

describe('shrink guard: a reload that empties or shrinks a list waits for a second principal', () => {
  it('is not applied (the blocklisted person stays HELD); the requester cannot approve it; another compliance key can', async () => {
    const { blocklistFile } = await serviceWithSources();
    const original = await readFile(blocklistFile, 'utf8');
    const old = s!.ctx.screening!.version('blocklist')!;

    // Dropping 1 of 4 entries (25 % > 20 %) is held back.
    await writeFile(
      blocklistFile,
      original
        .split('\n')
        .filter((l) => !l.startsWith('NB-BL-0004'))
        .join('\n'),
    );
    const shrunk = await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance);
    expect(shrunk.statusCode).toBe(202);
    expect(shrunk.json().pending[0]).toMatchObject({ sourceId: 'blocklist', before: { entryCount: 4 }, after: { entryCount: 3 } });

    // Emptying it is held back too (and supersedes the earlier request).
    await writeFile(blocklistFile, HEADER);
    const emptied = await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance);
    expect(emptied.statusCode).toBe(202);
    const pending = emptied.json().pending[0];
    expect(pending).toMatchObject({
      sourceId: 'blocklist',
      before: { sha256: old.sha256, entryCount: 4 },
      after: { entryCount: 0 },
      maxShrinkFraction: 0.2,
    });
    expect(s!.ctx.screening!.version('blocklist')).toEqual(old);

    const held = (await post('/v1/leads', viktor(), s!.tokens.integration)).json();
    expect(held.status).toBe('HELD');
    expect(held.decision.reasons[0].code).toBe('SCREENING_POTENTIAL_MATCH');

    const self = await post(`/v1/screening/lists:reload/${pending.reloadId}/approve`, {}, s!.tokens.compliance);
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('FOUR_EYES_VIOLATION');
    expect(
      (await post(`/v1/screening/lists:reload/${shrunk.json().pending[0].reloadId}/approve`, {}, s!.tokens.compliance2)).statusCode,
    ).toBe(409);
    expect(s!.ctx.screening!.version('blocklist')).toEqual(old);

    const approved = await post(`/v1/screening/lists:reload/${pending.reloadId}/approve`, {}, s!.tokens.compliance2);
    expect(approved.statusCode).toBe(200);
    expect(s!.ctx.screening!.version('blocklist')!.entryCount).toBe(0);
    expect((await post(`/v1/screening/lists:reload/${pending.reloadId}/approve`, {}, s!.tokens.admin)).statusCode).toBe(409);

    const entries = await listAudit();
    expect(
      entries
        .map((e) => [e.payload as { action: string }])
        .flat()
        .map((p) => p.action),
    ).toEqual(['screening_list.reload_requested', 'screening_list.reload_requested', 'screening_list.reload_approved']);
    expect(entries[2]).toMatchObject({
      actor: await personOf('second compliance officer'),
      payload: {
        reloadId: pending.reloadId,
        requestedBy: await personOf('test compliance'),
        before: { sha256: old.sha256, entryCount: 4 },
        after: { entryCount: 0 },
      },
    });
    const after = (await post('/v1/leads', viktor(), s!.tokens.integration)).json();
    expect(after.decision.constraints.screening.status).toBe('clear');
  });

  it('an approval is refused when the file changed again since the request', async () => {
    const { blocklistFile } = await serviceWithSources();
    await writeFile(blocklistFile, HEADER);
    const pending = (await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance)).json().pending[0];
    await writeFile(blocklistFile, `${HEADER}X-1,Someone Else,,person,,GB,other\n`);
    const res = await post(`/v1/screening/lists:reload/${pending.reloadId}/approve`, {}, s!.tokens.compliance2);
    expect(res.statusCode).toBe(409);
    expect(s!.ctx.screening!.version('blocklist')!.entryCount).toBe(4);
  });
});

describe('no list, no clear', () => {
  it('with the blocklist alone (no sanctions list) a lead is not_screened and the example org holds it', async () => {
    s = await startTestService({ lists: [BLOCKLIST] });
    const res = (await post('/v1/leads', ukLead(), s.tokens.integration)).json();
    expect(res.decision.constraints.screening.status).toBe('not_screened');
    expect(res.status).toBe('HELD');
    expect(res.decision.reasons.map((r: { code: string }) => r.code)).toContain('SCREENING_REQUIRED');
  });

  it('clearing a blocklist hit as a false positive does not make an unscreened lead clear', async () => {
    s = await startTestService({ lists: [BLOCKLIST] });
    const held = (await post('/v1/leads', viktor(), s.tokens.integration)).json();
    const body = {
      dispositions: [
        { listId: 'blocklist', entryId: 'NB-BL-0001', verdict: 'false_positive', reason: 'Different person: passport checked' },
      ],
    };
    const res = await post(`/v1/leads/${held.leadId}/screening/dispositions`, body, s.tokens.compliance);
    expect(res.statusCode).toBe(200);
    expect(res.json().screening.status).toBe('not_screened');
    expect(res.json().decision.outcome).toBe('HELD');
  });

  it('/ready names every list in force (version, entry count, age) and warns, still ready, without a sanctions list', async () => {
    s = await startTestService();
    const ready = (await s.app.inject({ method: 'GET', url: '/ready' })).json();
    expect(ready.status).toBe('ready');
    expect(ready.screening.status).toBe('ok');
    expect(ready.screening.lists).toEqual([
      {
        id: 'blocklist',
        category: 'blocklist',
        format: 'blocklist-csv',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        entryCount: 4,
        loadedAt: expect.any(String),
        filesModifiedAt: expect.any(String),
      },
      {
        id: 'opensanctions-ftm',
        category: 'sanctions',
        format: 'ftm-jsonl',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        entryCount: 2,
        loadedAt: expect.any(String),
        filesModifiedAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(ready)).not.toContain('examples/bank');
    await s.close();

    s = await startTestService({ lists: [BLOCKLIST] });
    const blocklistOnly = await s.app.inject({ method: 'GET', url: '/ready' });
    expect(blocklistOnly.statusCode).toBe(200);
    expect(blocklistOnly.json()).toMatchObject({
      status: 'ready',
      screening: { status: 'no_sanctions_list', lists: [{ id: 'blocklist', category: 'blocklist' }] },
    });
  });
});

describe('delta re-screening on reload (docs/screening.md "Delta re-screening")', () => {
  const person = (firstName: string, lastName: string) =>
    ukLead({ person: { firstName, lastName, email: `${firstName}.${++n}@example.co.uk` }, address: { country: 'GB' } });

  it('only added and changed entries are screened; the leads they match are held and queued once; reruns open nothing twice', async () => {
    const { blocklistFile } = await serviceWithSources();
    const marguerite = (await post('/v1/leads', person('Marguerite', 'Quillfeather'), s!.tokens.integration)).json();
    const other = (await post('/v1/leads', person('Ottoline', 'Brackenbury'), s!.tokens.integration)).json();
    const unrelated = (await post('/v1/leads', person('Jonathan', 'Smythe'), s!.tokens.integration)).json();
    for (const l of [marguerite, other, unrelated]) expect(l.decision.constraints.screening.status).toBe('clear');

    // One new entry (a typo of a stored lead's name: the reverse index's fuzzy keys find it), nothing else changed.
    await writeFile(blocklistFile, 'NB-BL-0101,Marguerite Quilfeather,,person,,GB,new fraud referral\n', { flag: 'a' });
    const res = await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance);
    expect(res.statusCode).toBe(200);
    // the answer comes before the re-screening: nothing is held until the runner has run the job
    expect((await get(`/v1/leads/${marguerite.leadId}`, s!.tokens.compliance)).json().status).not.toBe('HELD');
    const rescreen = await reportOf(res.json());
    expect(rescreen).toMatchObject({ lists: [{ listId: 'blocklist', added: 1, changed: 0, removed: 0 }], entries: 1, failed: 0 });
    // the name keys were stored at intake: nothing to backfill, and only leads sharing keys with the entry are read
    expect(rescreen.keysBackfilled).toBe(0);
    expect(rescreen.leadsIndexed).toBeGreaterThanOrEqual(1);
    expect(rescreen.leadsIndexed).toBeLessThan(3);
    expect(rescreen.candidates).toBe(1); // not every lead screened in full
    expect(rescreen.newMatches).toEqual([{ leadId: marguerite.leadId, hits: ['blocklist/NB-BL-0101'] }]);
    expect(rescreen.newlyHeld).toEqual([marguerite.leadId]);
    expect(JSON.stringify(res.json())).not.toContain('fraud referral'); // list data stays out of the answer
    const lead = (await get(`/v1/leads/${marguerite.leadId}`, s!.tokens.compliance)).json();
    expect(lead.status).toBe('HELD');
    expect(lead.history.filter((e: { kind: string }) => e.kind === 'screening.rescreen')).toHaveLength(1);
    const queue = (await get('/v1/review', s!.tokens.compliance)).json();
    expect(queue.items.filter((i: { leadId: string }) => i.leadId === marguerite.leadId)).toHaveLength(1);
    expect((await get(`/v1/leads/${other.leadId}`, s!.tokens.compliance)).json().status).not.toBe('HELD');

    // The same file again: no delta, nothing screened, nothing opened twice.
    const again = (await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance)).json();
    expect(again.rescreen).toBeNull();
    expect(await new RescreenRunner(s!.ctx).drain()).toBe(0);
    // A changed entry (new alias) is re-screened; the already held lead is not held again.
    const text = (await readFile(blocklistFile, 'utf8')).replace('Marguerite Quilfeather,', 'Marguerite Quilfeather,Ottoline Brackenbury');
    await writeFile(blocklistFile, text);
    const changed = await reportOf((await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance)).json());
    expect(changed).toMatchObject({ lists: [{ listId: 'blocklist', added: 0, changed: 1, removed: 0 }], entries: 1 });
    expect(changed.newlyHeld).toEqual([other.leadId]);
    const queueAfter = (await get('/v1/review', s!.tokens.compliance)).json();
    expect(queueAfter.items.filter((i: { leadId: string }) => i.leadId === marguerite.leadId)).toHaveLength(1);
  });

  it('keys stored under another key scheme are dropped and written again before the look-up; a ship is keyed by its names', async () => {
    const { blocklistFile } = await serviceWithSources();
    // a new store adopts this code's key scheme at start: the first delta does not re-key
    const scheme = await s!.store.personalData.nameKeyScheme();
    expect(scheme).toMatch(/^[0-9a-f]{64}$/);
    const marguerite = (await post('/v1/leads', person('Marguerite', 'Quillfeather'), s!.tokens.integration)).json();
    const shipLead = ukLead({
      person: { firstName: 'Ada', lastName: 'Prentiss', email: `ap${++n}@example.co.uk` },
      address: { country: 'GB' },
    });
    const shipper = (
      await post('/v1/leads', { ...shipLead, vessel: { name: 'Northern Gannet', formerNames: ['Kestrel Dawn'] } }, s!.tokens.integration)
    ).json();
    for (const l of [marguerite, shipper]) expect(l.decision.constraints.screening.status).toBe('clear');

    // Keys made by other normalisation code: Marguerite's stored keys no longer match what the list side looks up.
    await s!.store.transaction(async (tx) => {
      await tx.personalData.resetNameKeys('older-scheme', new Date().toISOString());
      await tx.personalData.putNameKeys(marguerite.leadId, [1, 2, 3]);
    });
    expect(await s!.store.personalData.anyNameKeys()).toBe(true);

    await writeFile(
      blocklistFile,
      'NB-BL-0201,Marguerite Quilfeather,,person,,GB,new fraud referral\nNB-BL-0202,Kestrel Dawn,,vessel,,,sanctions evasion\n',
      { flag: 'a' },
    );
    const rescreen = await reportOf((await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance)).json());
    expect(rescreen.keysRekeyed).toBe(true);
    expect(rescreen.keysBackfilled).toBe(2); // both open leads keyed again under this scheme
    expect(await s!.store.personalData.nameKeyScheme()).toBe(scheme);
    // found through their re-written keys: the person by a misspelt name, the ship by its former name
    expect([...rescreen.newlyHeld].sort()).toEqual([marguerite.leadId, shipper.leadId].sort());
    expect(rescreen.newMatches).toEqual(
      expect.arrayContaining([
        { leadId: marguerite.leadId, hits: ['blocklist/NB-BL-0201'] },
        { leadId: shipper.leadId, hits: ['blocklist/NB-BL-0202'] },
      ]),
    );

    // the scheme now recorded matches: the next delta trusts the keys
    await writeFile(blocklistFile, 'NB-BL-0203,Unrelated Person Name,,person,,GB,other\n', { flag: 'a' });
    const next = await reportOf((await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s!.tokens.compliance)).json());
    expect(next).toMatchObject({ keysRekeyed: false, keysBackfilled: 0, newlyHeld: [] });
  });
});

describe('load warnings (docs/screening.md "Load warnings")', () => {
  const badShip = {
    id: 'WARN-VES-1',
    schema: 'Vessel',
    properties: { name: ['Grey Heron'], imoNumber: ['9187628'], topics: ['sanction'] },
  };
  const badMmsi = { id: 'WARN-VES-2', schema: 'Vessel', properties: { name: ['Pale Osprey'], mmsi: ['57246921'], topics: ['sanction'] } };
  const line = (e: object) => `${JSON.stringify(e)}\n`;

  it('counted per source and kind, logged once per load, in start and reload reports, lists and metric; never fails a load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remit-warn-'));
    const file = join(dir, 'sanctions.ftm.jsonl');
    await writeFile(file, `${(await readFile(SANCTIONS, 'utf8')).trimEnd()}\n${line(badShip)}`);
    const captured = capturingLogger();
    const sources = new ListSourceCatalogue([{ id: 'test-sanctions', format: 'ftm-jsonl', path: file }], 0.2);
    s = await startTestService({ listSources: sources, log: captured.log });
    const warned = () => captured.lines.filter((l) => String(l['msg']).startsWith('screening list loaded with warnings'));
    // the start: one line for the source, with its counts
    expect(warned()).toEqual([expect.objectContaining({ source: 'test-sanctions', total: 1, warnings: { invalid_imo: 1 } })]);
    const listed = (await get('/v1/screening/lists', s.tokens.compliance)).json();
    expect(listed.lists.find((l: { listId: string }) => l.listId === 'test-sanctions').warnings).toEqual({ invalid_imo: 1 });
    const ready = (await s.app.inject({ method: 'GET', url: '/ready' })).json();
    expect(ready.screening.lists.find((l: { id: string }) => l.id === 'test-sanctions').warnings).toEqual({ invalid_imo: 1 });

    await writeFile(file, line(badMmsi), { flag: 'a' });
    const res = await post('/v1/screening/lists:reload', { sources: ['test-sanctions'] }, s.tokens.compliance);
    expect(res.statusCode, res.body).toBe(200); // a warning never fails the load
    const body = res.json();
    expect(body.applied).toEqual([expect.objectContaining({ sourceId: 'test-sanctions', warnings: { invalid_imo: 1, invalid_mmsi: 1 } })]);
    expect(body.lists.find((l: { listId: string }) => l.listId === 'test-sanctions').warnings).toEqual({ invalid_imo: 1, invalid_mmsi: 1 });
    expect((await reportOf(body)).lists).toEqual([{ listId: 'test-sanctions', added: 1, changed: 0, removed: 0 }]);
    expect(warned()).toHaveLength(2); // once per load: the start, the reload
    expect(warned()[1]).toMatchObject({ source: 'test-sanctions', total: 2, warnings: { invalid_imo: 1, invalid_mmsi: 1 } });

    const metrics = (await get('/metrics', s.tokens.ops)).body;
    expect(metrics).toContain('remit_screening_list_load_warnings{list="test-sanctions",kind="invalid_imo"} 1');
    expect(metrics).toContain('remit_screening_list_load_warnings{list="test-sanctions",kind="invalid_mmsi"} 1');
  });
});
