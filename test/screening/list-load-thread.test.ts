import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListLoadError } from '../../src/screening/list-error.ts';
import { ListLoadThreads, SourceLoadError } from '../../src/screening/list-load-thread.ts';
import { loadListSource, type ListSource } from '../../src/screening/list-sources.ts';
import type { ScreeningQuery } from '../../src/screening/matcher.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { data, evalQueries, HAS_DATA } from './shared-data.ts';

/**
 * docs/screening.md "Loading lists off the event loop": a load on the worker thread gives the lists and the index a
 * load on this thread gives (the same entries, versions, warnings, hits), the same errors for a broken file, an
 * unreadable-file error when the worker itself fails, and leaves no worker behind.
 */

const NOW = new Date('2026-12-06T08:00:00Z');
const HEADER = 'id,name,aliases,type,dob,country,reason\n';
const BLOCKLIST =
  `${HEADER}B-1,Mirela Vostanic,Mira Vostanic,person,1980-04-02,HR,fraud\n` + 'B-2,Quillon Freight Partners,,organisation,,NL,sham\n';

/** A worker script as a data: URL (Worker accepts them), standing in for the real one. */
const script = (code: string) => new URL(`data:text/javascript,${encodeURIComponent(code)}`);

function smallSources(): ListSource[] {
  const dir = mkdtempSync(join(tmpdir(), 'remit-listload-'));
  writeFileSync(join(dir, 'block.csv'), BLOCKLIST);
  copyFileSync('test/support/fixtures/sanctions-mini.ftm.jsonl', join(dir, 'sanctions.ftm.jsonl'));
  return [
    { id: 'blocklist', format: 'blocklist-csv', path: join(dir, 'block.csv') },
    { id: 'test-sanctions', format: 'ftm-jsonl', path: join(dir, 'sanctions.ftm.jsonl') },
  ];
}

/** Every hit of every query, with scores and explanations, and the candidates looked at. */
function screenAll(service: ScreeningService, queries: readonly ScreeningQuery[]): unknown[] {
  return queries.map((q) => {
    const { hits, stats } = service.screen(q, { minScore: 0.5 });
    return { hits, candidates: stats.candidates };
  });
}

/** Loads `sources` on a worker into `service` as the app does: layout, load, one apply with the prepared index. */
async function addOffThread(service: ScreeningService, sources: readonly ListSource[]) {
  const prepared = await service.loads.load(sources, NOW, service.layoutAdding(sources.map((s) => s.id)));
  service.apply({ add: prepared.lists, ...(prepared.index ? { index: prepared.index } : {}) });
  return prepared;
}

const mainThread = (sources: readonly ListSource[]) => sources.map((s) => loadListSource(s, () => NOW));

describe('list loads on a worker thread (small lists)', () => {
  it('same lists and an index screening identically to a load on this thread; the prepared index is used, not rebuilt', async () => {
    const sources = smallSources();
    const threaded = new ScreeningService({ now: () => NOW });
    const prepared = await addOffThread(threaded, sources);
    expect(threaded.index).toBe(prepared.index);
    const direct = new ScreeningService({ now: () => NOW });
    direct.apply({ add: mainThread(sources) });
    expect(threaded.versions()).toEqual(direct.versions());
    expect(prepared.lists.map((l) => l.entities)).toEqual(mainThread(sources).map((l) => l.entities));
    const queries: ScreeningQuery[] = [
      { name: 'Mira Vostanik', dob: '1980', kind: 'person' },
      { name: 'Draven Ostrakoff Vell', kind: 'person' },
      { name: 'Kestrelgrad Metallurgy Combine', kind: 'organisation' },
      { name: 'Quillon Freight', kind: 'organisation' },
    ];
    const expected = screenAll(direct, queries);
    expect(expected.every((r) => (r as { hits: unknown[] }).hits.length > 0)).toBe(true);
    expect(screenAll(threaded, queries)).toEqual(expected);
    expect(threaded.loads.running).toBe(0);
  });

  it('a list replaced in place keeps its position; the kept lists are this thread`s own objects', async () => {
    const [block, sanctions] = smallSources() as [ListSource, ListSource];
    const service = new ScreeningService({ now: () => NOW });
    service.apply({ add: mainThread([block, sanctions]) });
    const keptSanctions = service.loaded('test-sanctions')!.entities;
    writeFileSync(block.path, `${BLOCKLIST}B-3,Orsolya Tambrecht,,person,,HU,fraud\n`);
    const prepared = await addOffThread(service, [block]);
    expect(service.index).toBe(prepared.index);
    expect(service.versions().map((v) => v.listId)).toEqual(['blocklist', 'test-sanctions']);
    expect(service.loaded('test-sanctions')!.entities).toBe(keptSanctions);
    expect(service.index.entities.slice(3)).toEqual(keptSanctions);
    expect(service.index.entities[3]).toBe(keptSanctions[0]);
    expect(service.screen({ name: 'Orsolya Tambrecht', kind: 'person' }).hits.map((h) => h.entryId)).toContain('B-3');
  });

  it('an index prepared for other lists than those in force at the swap is not used: the service builds its own', async () => {
    const sources = smallSources();
    const service = new ScreeningService({ now: () => NOW });
    const prepared = await service.loads.load([sources[0]!], NOW, service.layoutAdding([sources[0]!.id]));
    service.apply({ add: mainThread([sources[1]!]) }); // the lists changed while the worker loaded
    service.apply({ add: prepared.lists, ...(prepared.index ? { index: prepared.index } : {}) });
    expect(service.index).not.toBe(prepared.index);
    expect(service.screen({ name: 'Mirela Vostanic', kind: 'person' }).hits.map((h) => h.entryId)).toContain('B-1');
    expect(service.screen({ name: 'Draven Ostrakoff Vell', kind: 'person' }).hits.length).toBeGreaterThan(0);
  });

  it('a list replaced by one with as many entries gets a new index (the one in force is reused only over the same entities)', () => {
    const [block, sanctions] = smallSources() as [ListSource, ListSource];
    const service = new ScreeningService({ now: () => NOW });
    service.apply({ add: mainThread([block, sanctions]) });
    const before = service.index;
    writeFileSync(block.path, BLOCKLIST.replace('Quillon Freight Partners', 'Tamsworth Grain Brokers'));
    service.apply({ add: mainThread([block]) });
    expect(service.index).not.toBe(before);
    expect(service.version('blocklist')!.entryCount).toBe(2);
    expect(service.screen({ name: 'Tamsworth Grain Brokers', kind: 'organisation' }).hits.map((h) => h.entryId)).toEqual(['B-2']);
    expect(service.screen({ name: 'Quillon Freight Partners', kind: 'organisation' }).hits).toEqual([]);
  });

  it('withholding a source as stale keeps the index in force (nothing to rebuild)', () => {
    const service = new ScreeningService({ now: () => NOW });
    service.apply({ add: mainThread(smallSources()) });
    const before = service.index;
    service.withhold({
      sourceId: 'blocklist',
      reason: 'stale',
      code: 'SCREENING_LIST_STALE',
      inForceSha256: 'x',
      fileSha256: null,
      since: '',
    });
    expect(service.index).toBe(before);
    service.withhold({ sourceId: 'blocklist', reason: 'pending_approval', pendingReloadId: 'lrl-1' });
    expect(service.index).not.toBe(before);
    expect(service.screen({ name: 'Mirela Vostanic', kind: 'person' }).hits).toEqual([]);
  });
});

describe('list loads on a worker thread: failures', () => {
  it('a broken file: the same ListLoadError (file, line, words) as on this thread, naming the source; nothing left running', async () => {
    const sources = smallSources();
    writeFileSync(sources[0]!.path, `${HEADER}B-1,"Mirela Vostanic,,person,,HR,fraud\nB-2,x,,person,,NL,y\n`);
    let direct: unknown;
    try {
      mainThread([sources[0]!]);
    } catch (e) {
      direct = e;
    }
    expect(direct).toBeInstanceOf(ListLoadError);
    const threads = new ListLoadThreads();
    const error = await threads
      .load(
        sources,
        NOW,
        sources.map((s) => ({ listId: s.id, entities: undefined })),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceLoadError);
    const e = error as SourceLoadError;
    expect(e.message).toBe((direct as ListLoadError).message);
    expect([e.file, e.line, e.detail]).toEqual([
      (direct as ListLoadError).file,
      (direct as ListLoadError).line,
      (direct as ListLoadError).detail,
    ]);
    expect(e.sourceIds).toEqual(['blocklist']);
    expect(e.worker).toBe(false);
    expect(threads.running).toBe(0);
  });

  it('a missing file names the second source when the first loaded', async () => {
    const sources = smallSources();
    const missing = { ...sources[1]!, path: join(tmpdir(), 'no-such-list.ftm.jsonl') };
    const threads = new ListLoadThreads();
    const error = (await threads
      .load([sources[0]!, missing], NOW, [
        { listId: 'blocklist', entities: undefined },
        { listId: 'test-sanctions', entities: undefined },
      ])
      .catch((e: unknown) => e)) as SourceLoadError;
    expect(error.sourceIds).toEqual(['test-sanctions']);
    expect(error.message).toContain('no-such-list.ftm.jsonl');
  });

  it.each([
    ['throws', "throw new Error('parser exploded')", /parser exploded/],
    ['exits', 'process.exit(3)', /exited \(code 3\) without an answer/],
    ['cannot start', 'this is not javascript (', /Unexpected|SyntaxError|missing/i],
  ])('a worker that %s: a SourceLoadError marked `worker` for every source of the load, a ListLoadError', async (_what, code, words) => {
    const sources = smallSources();
    const threads = new ListLoadThreads({ workerUrl: script(code) });
    const error = (await threads.load(sources, NOW, []).catch((e: unknown) => e)) as SourceLoadError;
    expect(error).toBeInstanceOf(ListLoadError);
    expect(error.worker).toBe(true);
    expect(error.sourceIds).toEqual(['blocklist', 'test-sanctions']);
    expect(error.detail).toMatch(/^list load worker failed: /);
    expect(error.detail).toMatch(words);
    expect(threads.running).toBe(0);
  });

  it('close() stops a load still running (it rejects) and refuses later ones; no worker is left', async () => {
    const threads = new ListLoadThreads({ workerUrl: script('setInterval(() => {}, 1000)') });
    const sources = smallSources();
    const pending = threads.load(sources, NOW, []).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    expect(threads.running).toBe(1);
    await threads.close();
    expect(threads.running).toBe(0);
    expect(((await pending) as SourceLoadError).worker).toBe(true);
    const later = (await threads.load(sources, NOW, []).catch((e: unknown) => e)) as SourceLoadError;
    expect(later.detail).toMatch(/stopping/);
  });
});

describe.skipIf(!HAS_DATA)('list loads on a worker thread: the real OFAC, UN and PEP files', () => {
  it('adopting OFAC and reloading UN off the thread gives the entries, versions, warnings and hits of loads on this thread', async () => {
    const un: ListSource = { id: 'un-sc', format: 'un-xml', path: data('un/UN_consolidated.xml') };
    const pep: ListSource = { id: 'us-congress-pep', format: 'senzing-jsonl', path: data('opensanctions/us_congress_pep.senzing.jsonl') };
    const ofac: ListSource = { id: 'ofac-sdn', format: 'ofac-sdn', path: data('ofac/sdn.csv') };
    const direct = new ScreeningService({ now: () => NOW });
    direct.apply({ add: mainThread([un, pep]) });
    direct.apply({ add: mainThread([ofac, un]) });
    const threaded = new ScreeningService({ now: () => NOW });
    threaded.apply({ add: mainThread([un, pep]) });
    // the event loop keeps turning while the worker parses and indexes (on this thread it would not turn at all)
    let ticks = 0;
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 10);
    const started = performance.now();
    const prepared = await addOffThread(threaded, [ofac, un]);
    const took = performance.now() - started;
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(longestGap).toBeLessThan(took / 2);
    expect(threaded.index).toBe(prepared.index);
    expect(threaded.versions()).toEqual(direct.versions());
    expect(threaded.versions().find((v) => v.listId === 'ofac-sdn')!.entryCount).toBeGreaterThan(5_000);
    for (const id of ['ofac-sdn', 'un-sc']) expect(threaded.loaded(id)!.entities).toEqual(direct.loaded(id)!.entities);
    expect(threaded.index.keyCount).toBe(direct.index.keyCount);
    expect(threaded.nameCount).toBe(direct.nameCount);
    const queries = evalQueries(2_000);
    const expected = screenAll(direct, queries);
    expect(expected.filter((r) => (r as { hits: unknown[] }).hits.length > 0).length).toBeGreaterThan(1_000);
    expect(screenAll(threaded, queries)).toEqual(expected);
    expect(threaded.loads.running).toBe(0);
  }, 120_000);
});
