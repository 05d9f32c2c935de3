import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListSourceCatalogue, loadListSource, type ListSource } from '../../src/screening/list-sources.ts';
import {
  decodeListSnapshot,
  encodeListSnapshot,
  LIST_SNAPSHOT_FORMAT,
  readListSnapshot,
  readSnapshotLists,
  writeListSnapshot,
  type SnapshotKey,
  type SnapshotRead,
} from '../../src/screening/list-snapshot.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import type { ScreeningQuery } from '../../src/screening/matcher.ts';
import type { LoadedList } from '../../src/screening/screening-entity.ts';
import { data, evalQueries, HAS_DATA } from './shared-data.ts';
import { ListSnapshotKeeper } from '../../src/app/screening/list-snapshot-keeper.ts';
import { capturingLogger, testObservability } from '../support/observability.ts';

/** Issue 19 item 4: the start-up snapshot gives the same screening as loading the files, and is used only when valid. */

const KEY: SnapshotKey = { code: 'code-1', keyScheme: 'scheme-1', params: 'params-1' };
const NOW = new Date('2026-12-06T08:00:00Z');
const HEADER = 'id,name,aliases,type,dob,country,reason\n';
const BLOCKLIST =
  `${HEADER}B-1,Mirela Vostanic,Mira Vostanic,person,1980-04-02,HR,fraud\n` + 'B-2,Quillon Freight Partners,,organisation,,NL,sham\n';

function sourcesIn(dir: string): ListSource[] {
  writeFileSync(join(dir, 'block.csv'), BLOCKLIST);
  copyFileSync('test/support/fixtures/sanctions-mini.ftm.jsonl', join(dir, 'sanctions.ftm.jsonl'));
  return [
    { id: 'blocklist', format: 'blocklist-csv', path: join(dir, 'block.csv') },
    { id: 'test-sanctions', format: 'ftm-jsonl', path: join(dir, 'sanctions.ftm.jsonl') },
  ];
}

/** Lists loaded from their files and applied as at start; the service's index is the one a fresh load builds. */
function freshLoad(sources: readonly ListSource[], now: Date = NOW): { service: ScreeningService; lists: LoadedList[] } {
  const lists = sources.map((s) => loadListSource(s, () => now));
  const service = new ScreeningService({ now: () => now });
  service.apply({ add: lists });
  return { service, lists };
}

function encoded(sources: readonly ListSource[], now: Date = NOW): Buffer {
  const { service, lists } = freshLoad(sources, now);
  return encodeListSnapshot(KEY, sources, lists, service.index)!;
}

const rejection = (r: SnapshotRead) => (r.ok ? 'used' : r.rejection.kind);

/** Every hit of every query, with scores and explanations: what "identical screening" means. */
function screenAll(service: ScreeningService, queries: readonly ScreeningQuery[]): unknown[] {
  return queries.map((q) => {
    const { hits, stats } = service.screen(q, { minScore: 0.5 });
    return { hits, candidates: stats.candidates };
  });
}

describe('start-up snapshot: round trip (small lists)', () => {
  it('restores the same lists and an index that screens identically, with no index build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-'));
    const sources = sourcesIn(dir);
    const fresh = freshLoad(sources);
    const buf = encodeListSnapshot(KEY, sources, fresh.lists, fresh.service.index)!;
    const later = new Date(NOW.getTime() + 60_000);
    const read = decodeListSnapshot(buf, KEY, sources, later);
    if (!read.ok) throw new Error(`rejected: ${read.rejection.kind}`);
    // the versions are a fresh load's at that time (loadedAt = now), the entities the same
    expect(read.lists.map((l) => l.version)).toEqual(fresh.lists.map((l) => ({ ...l.version, loadedAt: later.toISOString() })));
    expect(read.lists.map((l) => l.entities)).toEqual(fresh.lists.map((l) => l.entities));
    const restored = new ScreeningService({ now: () => later });
    restored.apply({ add: read.lists, index: read.index });
    expect(restored.index).toBe(read.index); // used, not rebuilt
    expect(restored.index.keyCount).toBe(fresh.service.index.keyCount);
    const queries: ScreeningQuery[] = [
      { name: 'Mirela Vostanic', kind: 'person' },
      { name: 'Mira Vostanik', dob: '1980', kind: 'person' },
      { name: 'Draven Ostrakoff Vell', kind: 'person' },
      { name: 'Kestrelgrad Metallurgy Combine', kind: 'organisation' },
      { name: 'Quillon Freight', kind: 'organisation' },
      { name: 'Nobody Atall', kind: 'person' },
    ];
    const expected = screenAll(fresh.service, queries);
    expect(expected.filter((r) => (r as { hits: unknown[] }).hits.length > 0).length).toBeGreaterThanOrEqual(4);
    expect(screenAll(restored, queries)).toEqual(expected);
  });

  it('an index over other entities (not the same objects in the same order) is not used: the service builds its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-'));
    const sources = sourcesIn(dir);
    const read = decodeListSnapshot(encoded(sources), KEY, sources, NOW);
    if (!read.ok) throw new Error('rejected');
    const service = new ScreeningService({ now: () => NOW });
    service.apply({ add: [...read.lists].reverse(), index: read.index });
    expect(service.index).not.toBe(read.index);
    expect(service.entityCount).toBe(read.index.entities.length);
  });
});

describe('start-up snapshot: each reason it is not used', () => {
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-'));
    const sources = sourcesIn(dir);
    return { dir, sources, buf: encoded(sources) };
  };

  it('used when nothing changed', () => {
    const { sources, buf } = setup();
    expect(rejection(decodeListSnapshot(buf, KEY, sources, NOW))).toBe('used');
  });

  it('a source file changed (one byte), named', () => {
    const { sources, buf } = setup();
    writeFileSync(sources[0]!.path, BLOCKLIST.replace('fraud', 'frauD'));
    const r = decodeListSnapshot(buf, KEY, sources, NOW);
    expect(r.ok ? null : r.rejection).toEqual({ kind: 'source_file_changed', source: 'blocklist', file: sources[0]!.path });
  });

  it('the configured sources changed: one more, one fewer, another path or format, another order', () => {
    const { dir, sources, buf } = setup();
    writeFileSync(join(dir, 'other.csv'), BLOCKLIST);
    const variants: ListSource[][] = [
      [...sources, { id: 'more', format: 'blocklist-csv', path: join(dir, 'other.csv') }],
      [sources[0]!],
      [{ ...sources[0]!, path: join(dir, 'other.csv') }, sources[1]!],
      [sources[0]!, { ...sources[1]!, format: 'os-simple-csv' }],
      [sources[1]!, sources[0]!], // the same sources in another order: a fresh load would list them in that order
    ];
    for (const v of variants) expect(rejection(decodeListSnapshot(buf, KEY, v, NOW))).toBe('sources_changed');
  });

  it('an OFAC source whose set of files changed (a sibling appeared)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-ofac-'));
    writeFileSync(join(dir, 'sdn.csv'), '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n');
    const sources: ListSource[] = [{ id: 'ofac-sdn', format: 'ofac-sdn', path: dir }];
    const buf = encoded(sources);
    expect(rejection(decodeListSnapshot(buf, KEY, sources, NOW))).toBe('used');
    writeFileSync(join(dir, 'alt.csv'), '36,12,"aka","AERO-CARIBBEAN",-0- \n');
    expect(rejection(decodeListSnapshot(buf, KEY, sources, NOW))).toBe('sources_changed');
  });

  it('the code, the key scheme or the comparison parameters changed', () => {
    const { sources, buf } = setup();
    expect(rejection(decodeListSnapshot(buf, { ...KEY, code: 'code-2' }, sources, NOW))).toBe('code_changed');
    expect(rejection(decodeListSnapshot(buf, { ...KEY, keyScheme: 'scheme-2' }, sources, NOW))).toBe('key_scheme_changed');
    expect(rejection(decodeListSnapshot(buf, { ...KEY, params: 'params-2' }, sources, NOW))).toBe('params_changed');
  });

  it('another format version', () => {
    const { sources, buf } = setup();
    const headerAt = 12;
    const length = buf.readUInt32LE(8);
    const header = buf.subarray(headerAt, headerAt + length).toString('utf8');
    const other = header.replace(`"format":${LIST_SNAPSHOT_FORMAT},`, `"format":${LIST_SNAPSHOT_FORMAT + 1},`);
    expect(other).not.toBe(header);
    const patched = Buffer.concat([buf.subarray(0, headerAt), Buffer.from(other), buf.subarray(headerAt + length)]);
    const r = decodeListSnapshot(patched, KEY, sources, NOW);
    expect(r.ok ? null : r.rejection).toEqual({ kind: 'format_version', found: LIST_SNAPSHOT_FORMAT + 1 });
  });

  it('truncated anywhere: in the magic, the header or the payload', () => {
    const { sources, buf } = setup();
    for (const at of [4, 20, Math.floor(buf.length / 2), buf.length - 1])
      expect(rejection(decodeListSnapshot(buf.subarray(0, at), KEY, sources, NOW)), `cut at ${at}`).toBe('truncated');
  });

  it('corrupt: a flipped payload byte, a damaged header, trailing bytes, not a snapshot at all', () => {
    const { sources, buf } = setup();
    const flipped = Buffer.from(buf);
    flipped[flipped.length - 3]! ^= 0x40;
    expect(rejection(decodeListSnapshot(flipped, KEY, sources, NOW))).toBe('corrupt');
    // a changed letter in a listed name still decodes as a well-formed list: only the checksum catches it
    const renamed = Buffer.from(buf);
    const at = renamed.indexOf('Vostanic', 12 + renamed.readUInt32LE(8), 'latin1');
    expect(at).toBeGreaterThan(0);
    renamed[at] = 'W'.charCodeAt(0);
    expect(rejection(decodeListSnapshot(renamed, KEY, sources, NOW))).toBe('corrupt');
    const header = Buffer.from(buf);
    header[13]! = 0x00;
    expect(rejection(decodeListSnapshot(header, KEY, sources, NOW))).toBe('corrupt');
    expect(rejection(decodeListSnapshot(Buffer.concat([buf, Buffer.from([1])]), KEY, sources, NOW))).toBe('corrupt');
    expect(rejection(decodeListSnapshot(Buffer.from('id,name\n1,x\n'), KEY, sources, NOW))).toBe('corrupt');
    // a header (outside the payload checksum) of the right length but the wrong shape
    const length = buf.readUInt32LE(8);
    const shaped = buf
      .subarray(12, 12 + length)
      .toString('utf8')
      .replace('"files":[', '"files":7,"x":[');
    const reshaped = Buffer.concat([buf.subarray(0, 8), Buffer.alloc(4), Buffer.from(shaped), buf.subarray(12 + length)]);
    reshaped.writeUInt32LE(Buffer.byteLength(shaped), 8);
    expect(rejection(decodeListSnapshot(reshaped, KEY, sources, NOW))).toBe('corrupt');
  });

  it('an FtM list (ownership stakes as of the day read) is not reused on another day', () => {
    const { sources, buf } = setup();
    const tomorrow = new Date(NOW.getTime() + 24 * 3600_000);
    const r = decodeListSnapshot(buf, KEY, sources, tomorrow);
    expect(r.ok ? null : r.rejection).toEqual({ kind: 'as_of_date', source: 'test-sanctions', built: '2026-12-06', today: '2026-12-07' });
    // a list whose content does not depend on the day is reused
    const blockOnly = [sources[0]!];
    expect(rejection(decodeListSnapshot(encoded(blockOnly), KEY, blockOnly, tomorrow))).toBe('used');
  });

  it('a file that changed after it was loaded is not snapshotted (its recorded hash would not be the data)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-'));
    const sources = sourcesIn(dir);
    const { service, lists } = freshLoad(sources);
    writeFileSync(sources[0]!.path, `${BLOCKLIST}B-3,Another Person,,person,,GB,x\n`);
    expect(encodeListSnapshot(KEY, sources, lists, service.index)).toBeUndefined();
  });

  it('a missing or unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-'));
    const sources = sourcesIn(dir);
    expect(rejection(readListSnapshot(join(dir, 'none.snapshot'), KEY, sources, NOW))).toBe('missing');
    expect(rejection(readListSnapshot(dir, KEY, sources, NOW))).toBe('unreadable');
  });
});

describe('start-up snapshot: the previous lists for a delta re-screen (whatever changed since)', () => {
  const keeperOf = (file: string, sources: readonly ListSource[]) => {
    const { log, lines } = capturingLogger();
    const keeper = new ListSnapshotKeeper({
      file,
      catalogue: new ListSourceCatalogue(sources),
      obs: testObservability(log),
      now: () => NOW,
    });
    return { keeper, warnings: () => lines.filter((l) => l.level === 40) };
  };

  it("reads the snapshot's lists under other keys, sources and files", () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-'));
    const sources = sourcesIn(dir);
    const file = join(dir, 'lists.snapshot');
    writeFileSync(file, encoded(sources));
    writeFileSync(sources[0]!.path, `${BLOCKLIST}B-3,Another Person,,person,,GB,x\n`);
    const read = readSnapshotLists(file);
    expect(read.ok && [...read.lists.keys()].sort()).toEqual(['blocklist', 'test-sanctions']);
    expect(
      read.ok &&
        read.lists
          .get('blocklist')!
          .entities.map((e) => e.entryId)
          .sort(),
    ).toEqual(['B-1', 'B-2']);
    const { keeper, warnings } = keeperOf(file, sources);
    expect([...keeper.previousLists().keys()].sort()).toEqual(['blocklist', 'test-sanctions']);
    expect(warnings()).toEqual([]);
  });

  it('no snapshot yet: no previous lists and no warning; a damaged one: none, with a warning naming why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-'));
    const sources = sourcesIn(dir);
    const file = join(dir, 'lists.snapshot');
    const missing = keeperOf(file, sources);
    expect(readSnapshotLists(file)).toEqual({ ok: false, rejection: { kind: 'missing' } });
    expect(missing.keeper.previousLists().size).toBe(0);
    expect(missing.warnings()).toEqual([]);

    const bytes = encoded(sources);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(file, bytes);
    const damaged = keeperOf(file, sources);
    const read = readSnapshotLists(file);
    expect(read.ok ? 'used' : read.rejection.kind).toBe('corrupt');
    expect(damaged.keeper.previousLists().size).toBe(0);
    expect(damaged.warnings()).toHaveLength(1);
    expect(damaged.warnings()[0]).toMatchObject({ snapshot: file, reason: 'corrupt' });
  });
});

describe('start-up snapshot: writing', () => {
  it('replaces the file by a rename and removes temporary files of writers that died, not those of live ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-write-'));
    const file = join(dir, 'lists.snapshot');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, `lists.snapshot.${dead}.1.tmp`), 'partial');
    writeFileSync(join(dir, `lists.snapshot.${process.ppid}.1.tmp`), 'being written');
    writeFileSync(join(dir, 'other.snapshot.1.1.tmp'), 'not ours');
    await writeListSnapshot(file, Buffer.from('new'));
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['lists.snapshot', `lists.snapshot.${process.ppid}.1.tmp`, 'other.snapshot.1.1.tmp'].sort());
    await writeListSnapshot(file, Buffer.from('newer'));
    expect(readFileSync(file, 'utf8')).toBe('newer');
    expect(existsSync(join(dir, `lists.snapshot.${dead}.1.tmp`))).toBe(false);
  });
});

describe.skipIf(!HAS_DATA)('start-up snapshot on the real lists', () => {
  it('OFAC SDN + cons., UN, US Congress PEP, FtM, a blocklist: same versions, candidates and scores for 2,500 queries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-snap-real-'));
    writeFileSync(join(dir, 'block.csv'), BLOCKLIST);
    const sources: ListSource[] = [
      { id: 'ofac-sdn', format: 'ofac-sdn', path: data('ofac/sdn.csv') },
      { id: 'ofac-cons', format: 'ofac-sdn', path: data('ofac/cons_prim.csv') },
      { id: 'un-sc', format: 'un-xml', path: data('un/UN_consolidated.xml') },
      { id: 'us-congress-pep', format: 'senzing-jsonl', path: data('opensanctions/us_congress_pep.senzing.jsonl') },
      { id: 'zala', format: 'ftm-jsonl', path: data('opensanctions/zala.entities.ftm.json') },
      { id: 'blocklist', format: 'blocklist-csv', path: join(dir, 'block.csv') },
    ];
    const catalogue = new ListSourceCatalogue(sources);
    const fresh = freshLoad(catalogue.sources);
    const buf = encodeListSnapshot(KEY, sources, fresh.lists, fresh.service.index)!;
    const read = decodeListSnapshot(buf, KEY, sources, NOW);
    if (!read.ok) throw new Error(`rejected: ${read.rejection.kind}`);
    const restored = new ScreeningService({ now: () => NOW });
    restored.apply({ add: read.lists, index: read.index });
    expect(restored.index).toBe(read.index);
    expect(restored.versions()).toEqual(fresh.service.versions());
    expect(restored.nameCount).toBe(fresh.service.nameCount);
    const queries = evalQueries(2_500);
    expect(queries).toHaveLength(2_500);
    const expected = screenAll(fresh.service, queries);
    const withHits = expected.filter((r) => (r as { hits: unknown[] }).hits.length > 0).length;
    expect(withHits).toBeGreaterThan(1_300); // the listed people are found: the comparison is not of empty results
    expect(screenAll(restored, queries)).toEqual(expected);
  }, 60_000);
});
