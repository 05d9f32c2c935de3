import { appendFile, copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { leadKeyHashes, nameKeyScheme } from '../../src/app/screening/screening-name-keys.ts';
import { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import type { StoreHarness } from '../store/store-harness.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';
import { RescreenRunner } from '../../src/app/screening/rescreen-runner.ts';

/**
 * docs/screening.md "Delta re-screening" (issue 19 item 3): a list update that adds a ship or a company under a name
 * unlike the lead's but with the lead's IMO number, IMO company number, MMSI or LEI reaches the stored lead through
 * the delta, as intake screening would hold it; a sister ship (another number) does not; an erased lead's identifiers
 * are gone; leads keyed before identifier keys existed are found after the upgrade. On SQLite and PostgreSQL.
 */

const SANCTIONS = 'test/support/fixtures/sanctions-mini.ftm.jsonl';
/** The key scheme main recorded before identifier keys (nameKeyScheme() at 7f409c0): what an upgraded store holds. */
const SCHEME_BEFORE_IDENTIFIER_KEYS = 'b020e471c6971878fe720420a0976d18fb6c1918e407d5fc2f57aa4f62c4fdad';

const ftm = (entries: readonly object[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join('');

/** Newly listed, each under a name no stored lead carries: only the identifier can lead to a lead. */
const NEW_ENTRIES = [
  { id: 'NEW-VES-IMO', schema: 'Vessel', properties: { name: ['Crimson Halyard'], imoNumber: ['9187629'], topics: ['sanction'] } },
  { id: 'NEW-VES-MMSI', schema: 'Vessel', properties: { name: ['Obsidian Petrel'], mmsi: ['572469210'], topics: ['sanction'] } },
  {
    id: 'NEW-CO-LEI',
    schema: 'Company',
    properties: { name: ['Vantablack Quarry Consortium'], leiCode: ['529900T8BM49AURSDO55'], topics: ['sanction'] },
  },
  // FtM imoNumber on a Company: its IMO company number (listed-imo-numbers.ts); 1790183 passes the ship check too
  { id: 'NEW-CO-IMO', schema: 'Company', properties: { name: ['Juniper Sextant Holdings'], imoNumber: ['1790183'], topics: ['sanction'] } },
];

const dialects = await bothDialects();

describe.each(dialects)('delta re-screening finds leads by their identifiers: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  let h: StoreHarness | undefined;
  let s: TestService | undefined;
  let n = 0;
  afterEach(async () => {
    await s?.close();
    await h?.cleanup();
    s = undefined;
    h = undefined;
  });

  async function start(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'remit-delta-ids-'));
    const file = join(dir, 'sanctions.ftm.jsonl');
    await copyFile(SANCTIONS, file);
    h = await factory.create();
    const sources = new ListSourceCatalogue([{ id: 'test-sanctions', format: 'ftm-jsonl', path: file }], 0.2);
    s = await startTestService({ url: h.url, ...(h.schema ? { schema: h.schema } : {}), listSources: sources });
    return file;
  }
  const person = () => ({ firstName: 'Ann', lastName: 'Lee', email: `ann.lee.${++n}@example.co.uk` });
  async function intake(extra: object): Promise<string> {
    const res = await s!.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: ukLead({ person: person(), ...extra }),
      headers: auth(s!.tokens.integration),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().decision.constraints.screening.status).toBe('clear');
    return res.json().leadId as string;
  }
  async function reload() {
    const res = await s!.app.inject({
      method: 'POST',
      url: '/v1/screening/lists:reload',
      payload: { sources: ['test-sanctions'] },
      headers: auth(s!.tokens.compliance),
    });
    expect(res.statusCode, res.body).toBe(200);
    // The reload queues the delta re-screening as a job (docs/screening.md "Re-screen jobs"): run it as `remit serve`'s
    // runner does and read its report.
    const queued = res.json().rescreen as { jobId: string; status: string };
    expect(queued.status).toBe('queued');
    expect(await new RescreenRunner(s!.ctx, { name: 'test-runner' }).drain()).toBe(1);
    const job = await s!.app.inject({ method: 'GET', url: `/v1/screening/rescreens/${queued.jobId}`, headers: auth(s!.tokens.compliance) });
    expect(job.json()).toMatchObject({ status: 'done' });
    return job.json().report as {
      candidates: number;
      keysRekeyed: boolean;
      keysBackfilled: number;
      newMatches: { leadId: string; hits: string[] }[];
      newlyHeld: string[];
      failed: number;
    };
  }
  const sorted = (xs: readonly string[]) => [...xs].sort();

  it('a ship by IMO number or MMSI, a company by LEI or IMO company number: held whatever the names, a sister ship not', async () => {
    const file = await start();
    const byImo = await intake({ vessel: { name: 'Sea Lark', imo: '9187629', formerNames: ['Arctic Tern'] } });
    const byMmsi = await intake({ vessel: { name: 'Kittiwake Star', mmsi: '572469210' } });
    const byLei = await intake({ company: { name: 'Blue Meadow Trading', lei: '529900t8bm49aursdo55' } });
    const byImoCompany = await intake({ company: { name: 'Northwind Rope Works', imoCompanyNumber: 'IMO company 1790183' } });
    // a sister ship: another hull number (and a name like no new entry's)
    const sister = await intake({ vessel: { name: 'Sea Lark II', imo: '9187631' } });
    // the listed company number's digits as a ship's number (valid in both schemes): the two never compare
    const otherScheme = await intake({ vessel: { name: 'Fulmar Bay', imo: '1790183' } });

    await appendFile(file, ftm(NEW_ENTRIES));
    const rescreen = await reload();
    expect(rescreen.failed).toBe(0);
    expect(sorted(rescreen.newlyHeld)).toEqual(sorted([byImo, byMmsi, byLei, byImoCompany]));
    expect(rescreen.newMatches).toEqual(
      expect.arrayContaining([
        { leadId: byImo, hits: ['test-sanctions/NEW-VES-IMO'] },
        { leadId: byMmsi, hits: ['test-sanctions/NEW-VES-MMSI'] },
        { leadId: byLei, hits: ['test-sanctions/NEW-CO-LEI'] },
        { leadId: byImoCompany, hits: ['test-sanctions/NEW-CO-IMO'] },
      ]),
    );
    // only the four holders of a listed number were screened in full: not the sister ship, not the other scheme
    expect(rescreen.candidates).toBe(4);
    for (const id of [sister, otherScheme]) expect(rescreen.newlyHeld).not.toContain(id);
    const held = (await s!.app.inject({ method: 'GET', url: `/v1/leads/${byImo}`, headers: auth(s!.tokens.compliance) })).json();
    expect(held.status).toBe('HELD');
    const last = held.history.filter((e: { kind: string }) => e.kind === 'screening.rescreen').at(-1);
    expect(last.data.hits[0]).toMatchObject({ entryId: 'NEW-VES-IMO', disposition: { reasonCode: 'IDENTIFIER_MATCH' } });
  });

  it("an erased lead's identifier keys are gone: the delta names no candidate", async () => {
    const file = await start();
    const lead = await intake({
      vessel: { name: 'Sea Lark', imo: '9187629' },
      company: { name: 'Blue Meadow Trading', lei: '529900T8BM49AURSDO55' },
    });
    const ids = leadKeyHashes({ vessel: { imo: '9187629' }, company: { lei: '529900T8BM49AURSDO55' } });
    expect(ids).toHaveLength(2);
    expect([...(await s!.store.personalData.leadsByNameKeys(ids)).values()].flat()).toEqual([lead, lead]);
    const erased = await s!.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead}/erase`,
      payload: { reason: 'data subject request' },
      headers: auth(s!.tokens.admin),
    });
    expect(erased.statusCode, erased.body).toBeLessThan(300);
    expect((await s!.store.personalData.leadsByNameKeys(ids)).size).toBe(0);
    await appendFile(file, ftm(NEW_ENTRIES));
    const rescreen = await reload();
    expect(rescreen).toMatchObject({ candidates: 0, newlyHeld: [] });
  });

  it('leads keyed before identifier keys existed are keyed again, identifiers included, and found by the delta', async () => {
    const file = await start();
    const ship = await intake({ vessel: { name: 'Sea Lark', imo: '9187629' } });
    const company = await intake({ company: { name: 'Blue Meadow Trading', lei: '529900T8BM49AURSDO55' } });
    // What the code before identifier keys left: its scheme, and each lead's name keys only.
    await s!.store.transaction(async (tx) => {
      await tx.personalData.resetNameKeys(SCHEME_BEFORE_IDENTIFIER_KEYS, new Date().toISOString());
      await tx.personalData.putNameKeys(ship, leadKeyHashes({ fullName: 'Ann Lee', vessel: { name: 'Sea Lark' } }));
      await tx.personalData.putNameKeys(company, leadKeyHashes({ fullName: 'Ann Lee', company: { name: 'Blue Meadow Trading' } }));
    });
    expect(SCHEME_BEFORE_IDENTIFIER_KEYS).not.toBe(nameKeyScheme());

    await appendFile(file, ftm(NEW_ENTRIES));
    const rescreen = await reload();
    expect(rescreen.keysRekeyed).toBe(true);
    expect(rescreen.keysBackfilled).toBe(2);
    expect(sorted(rescreen.newlyHeld)).toEqual(sorted([ship, company]));
    expect(await s!.store.personalData.nameKeyScheme()).toBe(nameKeyScheme());
  });
});
