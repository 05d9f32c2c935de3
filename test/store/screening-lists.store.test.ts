import { DEFAULT_SCREENING_POLICY } from '../../src/domain/org/screening-policy.schema.ts';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { approveListReload, startListSources } from '../../src/app/screening/screening-lists.use-case.ts';
import { screenIntake } from '../../src/app/intake/screen-intake.ts';
import { sequentialIds } from '../../src/domain/shared/clock.ts';
import { ListSourceCatalogue } from '../../src/screening/list-sources.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { TestClock } from '../http/service-harness.ts';
import { postgresFactory, postgresOrSkip, sqliteFactory, type StoreFactory, type StoreHarness } from './store-harness.ts';

/**
 * Issue 11, B2: the list versions in force survive a restart, on SQLite and PostgreSQL. A file
 * changed while the service was down is applied and audited as a reload by `system`, unless it
 * shrank beyond the guard: then the source is withheld (leads are not_screened) until approved.
 */

const pg = await postgresOrSkip();
const HEADER = 'id,name,aliases,type,dob,country,reason\n';

let h: StoreHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

async function sourcesInTemp() {
  const dir = await mkdtemp(join(tmpdir(), 'remit-list-restart-'));
  const blocklistFile = join(dir, 'firm-blocklist.csv');
  await copyFile('examples/bank/screening/firm-blocklist.csv', blocklistFile);
  await copyFile('test/support/fixtures/sanctions-mini.ftm.jsonl', join(dir, 'sanctions.ftm.jsonl'));
  const catalogue = new ListSourceCatalogue([
    { id: 'blocklist', format: 'blocklist-csv', path: blocklistFile },
    { id: 'test-sanctions', format: 'ftm-jsonl', path: join(dir, 'sanctions.ftm.jsonl') },
  ]);
  return { catalogue, blocklistFile };
}

const clock = new TestClock('2026-11-24T11:00:00Z');
const ids = sequentialIds();

/** One "start" of the service against the store: a fresh in-memory screening service. */
async function start(store: Store, catalogue: ListSourceCatalogue) {
  clock.advance(60_000);
  const screening = new ScreeningService({ now: () => new Date(clock.ms) });
  const started = await startListSources({ store, clock, ids }, screening, catalogue);
  return { screening, started };
}

async function listAudit(store: Store) {
  return (await store.audit.pending(10_000)).map((p) => p.event).filter((e) => e.subject.startsWith('screening-list:'));
}

const viktor = { contact: { fullName: 'Viktor Halloran', dateOfBirth: '1971-03-14' }, address: { country: 'IE' } };
const policy = DEFAULT_SCREENING_POLICY;
const principal = (userId: string) => ({ userId, keyId: null, name: userId, roles: ['compliance' as const], repId: null });

describe.each([
  ['sqlite', sqliteFactory, true],
  ['postgres', postgresFactory, pg.run],
] as [string, StoreFactory, boolean][])('list versions in force survive a restart (%s)', (_name, factory, runIt) => {
  it.runIf(runIt)(
    'same files → nothing new; a file shrunk while down is withheld (not_screened) until a second principal approves; growth is applied ' +
      'by system',
    async () => {
      h = await factory.create();
      const { catalogue, blocklistFile } = await sourcesInTemp();

      const first = await start(h.store, catalogue);
      // Both sources are new, but the store holds no lead yet: nothing to re-screen, so no job.
      expect(first.started).toEqual({
        loaded: ['blocklist', 'test-sanctions'],
        withheld: [],
        warnings: {},
        rescreen: null,
      });
      const inForce = await h.store.screeningLists.inForce();
      expect(inForce.map((r) => [r.sourceId, r.entryCount, r.loadedBy])).toEqual([
        ['blocklist', 4, 'system'],
        ['test-sanctions', 2, 'system'],
      ]);
      expect((await listAudit(h.store)).map((e) => (e.payload as { action: string }).action)).toEqual([
        'screening_list.loaded',
        'screening_list.loaded',
      ]);

      // Restart with the same files: the versions in force are the stored ones, nothing is recorded again.
      const second = await start(await h.reopen(), catalogue);
      expect(second.started.withheld).toEqual([]);
      expect(second.started.rescreen).toBeNull(); // nothing changed: no job
      expect(await h.store.screeningLists.inForce()).toEqual(inForce);
      expect(await listAudit(h.store)).toHaveLength(2);
      expect(screenIntake(second.screening, viktor, policy).status).toBe('potential_match');

      // The blocklist is emptied while the service is down: the old data is gone, so the source is withheld.
      await writeFile(blocklistFile, HEADER);
      const third = await start(await h.reopen(), catalogue);
      expect(third.started.withheld).toEqual([
        expect.objectContaining({
          sourceId: 'blocklist',
          before: { sha256: inForce[0]!.sha256, entryCount: 4 },
          after: expect.objectContaining({ entryCount: 0 }),
        }),
      ]);
      expect(third.screening.coverage()).toBe('withheld');
      const unscreened = screenIntake(third.screening, viktor, policy);
      expect(unscreened.status).toBe('not_screened');
      expect(unscreened.coverage).toBe('withheld');
      expect((await h.store.screeningLists.inForce())[0]).toEqual(inForce[0]);
      const pending = await h.store.screeningLists.listPending();
      expect(pending).toEqual([
        expect.objectContaining({ sourceId: 'blocklist', requestedBy: 'system', status: 'pending', oldEntryCount: 4, newEntryCount: 0 }),
      ]);

      // Another restart does not stack a second request for the same change.
      const fourth = await start(await h.reopen(), catalogue);
      expect(fourth.started.withheld[0]!.reloadId).toBe(pending[0]!.id);
      expect(await h.store.screeningLists.listPending()).toHaveLength(1);

      const deps = { store: h.store, clock, ids, screening: fourth.screening, listSources: catalogue };
      const approved = await approveListReload(deps, principal('key-compliance-2'), pending[0]!.id);
      expect(approved.ok).toBe(true);
      expect(fourth.screening.coverage()).toBe('ok');
      expect((await h.store.screeningLists.inForce())[0]).toMatchObject({
        sourceId: 'blocklist',
        entryCount: 0,
        loadedBy: 'key-compliance-2',
      });
      expect(screenIntake(fourth.screening, viktor, policy).status).toBe('clear');

      // Growth while down (0 → 1 entry) is applied at start and audited as a reload by system.
      await writeFile(blocklistFile, `${HEADER}NB-BL-0001,Viktor Halloran,,person,1971-03-14,IE,fraud referral 2025-117\n`);
      const fifth = await start(await h.reopen(), catalogue);
      expect(fifth.started).toEqual({
        loaded: ['blocklist', 'test-sanctions'],
        withheld: [],
        warnings: {},
        rescreen: null,
      });
      expect(screenIntake(fifth.screening, viktor, policy).status).toBe('potential_match');
      const last = (await listAudit(h.store)).at(-1)!;
      expect(last).toMatchObject({
        actor: 'system',
        payload: { action: 'screening_list.reloaded', source: 'blocklist', before: { entryCount: 0 }, after: { entryCount: 1 } },
      });
      expect((await h.store.screeningLists.inForce())[0]).toMatchObject({ entryCount: 1, loadedBy: 'system' });
    },
  );

  it.runIf(runIt)('a pending reload is decided once; a newer request for the source supersedes it', async () => {
    h = await factory.create();
    const base = {
      status: 'pending' as const,
      requestedBy: 'key-a',
      oldSha256: 'a'.repeat(64),
      oldEntryCount: 10,
      newEntryCount: 0,
      decidedBy: null,
      decidedAt: null,
    };
    await h.store.screeningLists.addPending({
      ...base,
      id: 'lrl-1',
      sourceId: 'blocklist',
      requestedAt: '2026-11-24T11:00:00.000Z',
      newSha256: 'b'.repeat(64),
    });
    await h.store.screeningLists.addPending({
      ...base,
      id: 'lrl-2',
      sourceId: 'blocklist',
      requestedAt: '2026-11-24T11:01:00.000Z',
      newSha256: 'c'.repeat(64),
    });
    await h.store.screeningLists.addPending({
      ...base,
      id: 'lrl-3',
      sourceId: 'ofac-sdn',
      requestedAt: '2026-11-24T11:02:00.000Z',
      newSha256: 'd'.repeat(64),
    });
    expect((await h.store.screeningLists.getPending('lrl-1'))!.status).toBe('superseded');
    expect((await h.store.screeningLists.listPending()).map((p) => p.id)).toEqual(['lrl-2', 'lrl-3']);
    expect(await h.store.screeningLists.decide('lrl-2', 'approved', 'key-b', '2026-11-24T11:03:00.000Z')).toBe(true);
    expect(await h.store.screeningLists.decide('lrl-2', 'approved', 'key-c', '2026-11-24T11:04:00.000Z')).toBe(false);
    expect(await h.store.screeningLists.getPending('lrl-2')).toMatchObject({
      status: 'approved',
      decidedBy: 'key-b',
      oldEntryCount: 10,
      newEntryCount: 0,
    });
    await h.store.screeningLists.setInForce({
      sourceId: 'blocklist',
      sha256: 'c'.repeat(64),
      entryCount: 0,
      loadedAt: '2026-11-24T11:03:00.000Z',
      loadedBy: 'key-b',
    });
    await h.store.screeningLists.setInForce({
      sourceId: 'blocklist',
      sha256: 'e'.repeat(64),
      entryCount: 3,
      loadedAt: '2026-11-24T11:05:00.000Z',
      loadedBy: 'system',
    });
    expect(await h.store.screeningLists.inForce()).toEqual([
      { sourceId: 'blocklist', sha256: 'e'.repeat(64), entryCount: 3, loadedAt: '2026-11-24T11:05:00.000Z', loadedBy: 'system' },
    ]);
  });
});
