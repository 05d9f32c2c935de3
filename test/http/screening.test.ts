import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import { RescreenRunner } from '../../src/app/screening/rescreen-runner.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

let s: TestService;
let dir: string;
const BLOCKLIST = 'examples/bank/screening/firm-blocklist.csv';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remit-screening-'));
  // A fictional PEP, in the Senzing JSON-lines shape OpenSanctions exports.
  await writeFile(
    join(dir, 'pep.senzing.jsonl'),
    JSON.stringify({
      DATA_SOURCE: 'TEST_PEP',
      RECORD_ID: 'pep-1',
      RECORD_TYPE: 'PERSON',
      NAMES: [{ NAME_TYPE: 'PRIMARY', NAME_FULL: 'Rosalind Featherstonehaugh' }],
      DATES: [{ DATE_OF_BIRTH: '1962-05-01' }],
      COUNTRIES: [{ NATIONALITY: 'gb' }],
      RISKS: [{ TOPIC: 'role.pep' }],
    }) + '\n',
  );
  // The blocklist is a copy, so the reload test can change it; sources are configured, never sent by clients.
  await copyFile(BLOCKLIST, join(dir, 'firm-blocklist.csv'));
  const sources = new ListSourceCatalogue([
    { id: 'blocklist', format: 'blocklist-csv', path: join(dir, 'firm-blocklist.csv') },
    { id: 'test-pep', format: 'senzing-jsonl', path: join(dir, 'pep.senzing.jsonl') },
    { id: 'test-sanctions', format: 'ftm-jsonl', path: 'test/support/fixtures/sanctions-mini.ftm.jsonl' },
  ]);
  s = await startTestService({ listSources: sources });
});
afterAll(async () => s.close());

const post = (url: string, body: unknown, token: string) =>
  s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
const get = (url: string, token: string) => s.app.inject({ method: 'GET', url, headers: auth(token) });

const blocklisted = (email: string) =>
  ukLead({ person: { firstName: 'Viktor', lastName: 'Halloran', email, dateOfBirth: '1971-03-14' }, address: { country: 'IE' } });

describe('pre-screening in the pipeline (docs/screening.md)', () => {
  it('a potential match is HELD with explained hits and never reaches a rep', async () => {
    const res = (await post('/v1/leads', blocklisted('v.halloran@example.ie'), s.tokens.integration)).json();
    expect(res.status).toBe('HELD');
    expect(res.decision.rep).toBeNull();
    expect(res.decision.reasons[0].code).toBe('SCREENING_POTENTIAL_MATCH');
    const lead = (await get(`/v1/leads/${res.leadId}`, s.tokens.compliance)).json();
    const screening = lead.history.find((e: { kind: string }) => e.kind === 'screening').data;
    expect(screening.status).toBe('potential_match');
    expect(screening.hits[0]).toMatchObject({ listId: 'blocklist', entryId: 'NB-BL-0001', matchedName: expect.any(String) });
    // The history keeps the list side only; evidence derived from the person is erasable personal data.
    expect(screening.hits[0].tokens).toBeUndefined();
    expect(screening.hits[0].corroboration).toBeUndefined();
    expect(lead.contact.screeningEvidence[0].corroboration.some((c: { field: string }) => c.field === 'dob')).toBe(true);
    expect(screening.listVersions[0]).toMatch(/^blocklist@[0-9a-f]{12}$/);
    const queue = (await get('/v1/review', s.tokens.compliance)).json();
    expect(queue.items.find((i: { leadId: string }) => i.leadId === res.leadId)).toMatchObject({
      kind: 'HELD',
      reasonCodes: ['SCREENING_POTENTIAL_MATCH'],
    });
  });

  it('sales can never dispose a hit; compliance clears a false positive and the lead routes normally', async () => {
    const held = (await post('/v1/leads', blocklisted('viktor.h@example.ie'), s.tokens.integration)).json();
    const body = {
      dispositions: [
        {
          listId: 'blocklist',
          entryId: 'NB-BL-0001',
          verdict: 'false_positive',
          reason: 'Different person: passport checked, different DOB on file',
        },
      ],
    };
    for (const role of ['ops', 'rep', 'integration', 'admin'] as const) {
      expect((await post(`/v1/leads/${held.leadId}/screening/dispositions`, body, s.tokens[role])).statusCode).toBe(403);
    }
    const incomplete = await post(
      `/v1/leads/${held.leadId}/screening/dispositions`,
      { dispositions: [{ listId: 'blocklist', entryId: 'NB-BL-9999', verdict: 'false_positive', reason: 'nope' }] },
      s.tokens.compliance,
    );
    expect(incomplete.statusCode).toBe(400);
    const cleared = await post(`/v1/leads/${held.leadId}/screening/dispositions`, body, s.tokens.compliance);
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().screening.status).toBe('clear');
    expect(['ASSIGNED', 'QUEUED']).toContain(cleared.json().decision.outcome);
    const lead = (await get(`/v1/leads/${held.leadId}`, s.tokens.compliance)).json();
    const disposition = lead.history.find((e: { kind: string }) => e.kind === 'screening.disposition');
    expect(disposition).toMatchObject({
      actor: expect.stringMatching(/^usr-/),
      data: { result: 'clear', dispositions: [{ entryId: 'NB-BL-0001', verdict: 'false_positive' }] },
    });
    // The list versions the hits came from are recorded with the disposition.
    expect(disposition.data.listVersions).toHaveLength(3);
    expect(disposition.data.listVersions).toContainEqual(expect.stringMatching(/^blocklist@[0-9a-f]{12}$/));
    expect(lead.lead.screening.status).toBe('clear');
  });

  it('a confirmed match stays blocked', async () => {
    const held = (await post('/v1/leads', blocklisted('vh@example.ie'), s.tokens.integration)).json();
    const confirmed = await post(
      `/v1/leads/${held.leadId}/screening/dispositions`,
      {
        dispositions: [
          { listId: 'blocklist', entryId: 'NB-BL-0001', verdict: 'true_match', reason: 'Same DOB and address as the fraud referral' },
        ],
      },
      s.tokens.compliance,
    );
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().decision).toMatchObject({ outcome: 'REFUSED', rep: null, reasons: [{ code: 'SCREENING_CONFIRMED_MATCH' }] });
    expect((await get(`/v1/leads/${held.leadId}`, s.tokens.ops)).json().status).toBe('REFUSED');
  });

  it('a PEP goes only to enhanced-due-diligence teams', async () => {
    const res = (
      await post(
        '/v1/leads',
        ukLead({ person: { firstName: 'Rosalind', lastName: 'Featherstonehaugh', email: 'rf@example.co.uk', dateOfBirth: '1962-05-01' } }),
        s.tokens.integration,
      )
    ).json();
    expect(res.decision.constraints.screening.status).toBe('pep');
    expect(res.decision.constraints.enhancedDueDiligenceRequired).toBe(true);
    const org = s.ctx.orgs.current;
    for (const team of res.decision.candidates) {
      const edd = org.teamsById.get(team.id)!.capabilities.includes('enhanced_due_diligence');
      if (!edd) expect(team.reasons.map((r: { code: string }) => r.code)).toContain('EDD_REQUIRED_FOR_PEP');
    }
    if (res.decision.team) expect(org.teamsById.get(res.decision.team.id)!.capabilities).toContain('enhanced_due_diligence');
  });

  it(
    'reloads lists while serving: a malformed file keeps the previous version; delta re-screening pulls a newly listed lead back ' +
      'from sales',
    async () => {
      const before = (await get('/v1/screening/lists', s.tokens.compliance)).json().lists;
      const blocklistFile = join(dir, 'firm-blocklist.csv');
      await writeFile(blocklistFile, 'id,name\nX-1,"unterminated\n');
      const bad = await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s.tokens.compliance);
      expect(bad.statusCode).toBe(422);
      expect(bad.json()).toMatchObject({
        code: 'LIST_SOURCE_UNREADABLE',
        details: [{ path: '/sources', message: 'source blocklist could not be loaded' }],
      });
      expect((await get('/v1/screening/lists', s.tokens.compliance)).json().lists).toEqual(before);

      const lead = (
        await post(
          '/v1/leads',
          ukLead({ person: { firstName: 'Marguerite', lastName: 'Quillfeather', email: 'mq@example.co.uk' } }),
          s.tokens.integration,
        )
      ).json();
      expect(lead.decision.constraints.screening.status).toBe('clear');
      await copyFile(BLOCKLIST, blocklistFile);
      await writeFile(blocklistFile, 'NB-BL-0101,Marguerite Quillfeather,,person,,GB,new fraud referral\n', { flag: 'a' });
      const reloaded = await post('/v1/screening/lists:reload', { sources: ['blocklist'] }, s.tokens.compliance);
      expect(reloaded.statusCode).toBe(200);
      // Delta re-screening: the reload queues a job that screens the one added entry against the stored leads and holds the match.
      const job = reloaded.json().rescreen;
      expect(job).toMatchObject({ status: 'queued' });
      expect(await new RescreenRunner(s.ctx).drain()).toBe(1);
      const done = (await get(`/v1/screening/rescreens/${job.jobId}`, s.tokens.compliance)).json();
      expect(done).toMatchObject({ status: 'done', progress: { entries: 1, entriesDone: 1 } });
      expect(done.report).toMatchObject({
        lists: [{ listId: 'blocklist', added: 1, changed: 0, removed: 0 }],
        entries: 1,
        newMatches: [{ leadId: lead.leadId, hits: ['blocklist/NB-BL-0101'] }],
        failed: 0,
      });
      expect(done.report.newlyHeld).toContain(lead.leadId);
      // The full re-screen afterwards finds nothing new to hold: the lead is already with compliance.
      const rescreen = (await post('/v1/screening:rescreen', {}, s.tokens.compliance)).json();
      expect(rescreen.newlyHeld).not.toContain(lead.leadId);
      const after = (await get(`/v1/leads/${lead.leadId}`, s.tokens.compliance)).json();
      expect(after.status).toBe('HELD');
      expect(after.repId).toBeNull();
      if (lead.decision.rep) expect((await s.store.routingState.snapshot()).loads[lead.decision.rep.id]?.open ?? 0).toBe(0);
    },
  );
});
