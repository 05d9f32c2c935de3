/**
 * The start-up snapshot of parsed and indexed lists (docs/screening.md "Start-up snapshot"): what parsing every list
 * file and normalising and indexing every name produces, on disk, so a restart with unchanged lists skips both.
 *
 * Trusted only when strictly the same: the snapshot records the sha256 of the bytes each list was read from, the
 * configured source (id, format, path), the fingerprint of the code that parses, normalises and indexes (this folder,
 * its dependencies, the runtime), the key scheme and comparison parameters it was built under, and a checksum of its
 * payload. Anything else (another file, another day for a list whose content depends on the day, a truncated or
 * damaged file) is a rejection with a reason; the caller then loads from the sources.
 *
 * Layout: 8-byte magic, u32 header length, the header (JSON), then the payload: the entities, names and key maps as
 * one V8 structured-clone blob (keeps the token objects names share), then the two postings arrays as raw bytes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { sourceFilesOf } from './list-detect.ts';
import type { ListSource } from './list-sources.ts';
import { NameIndex, type NameIndexParts } from './name-index.ts';
import type { ListSourceType, LoadedList, ScreeningEntity } from './screening-entity.ts';

/** Bump when the layout or the meaning of anything stored changes. */
export const LIST_SNAPSHOT_FORMAT = 2;
const MAGIC = Buffer.from('REMIT-LS', 'latin1');
const PREFIX = MAGIC.length + 4;

/** What the stored lists and index were built under; any difference and the snapshot is not used. */
export interface SnapshotKey {
  /** The parsing, normalisation and index code and what it runs on (screeningCodeFingerprint). */
  readonly code: string;
  /** The name-key scheme's definition (app/screening/list-snapshot-keeper.ts says why not the scheme itself). */
  readonly keyScheme: string;
  /** The name-comparison parameters in force when it was written. */
  readonly params: string;
}

interface SourceRecord {
  readonly id: string;
  readonly format: ListSourceType;
  readonly path: string;
  /** The files read, in hashing order, each file's sha256 (the one that differs is named in the rejection). */
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
  /** ListVersion.sha256: over all files' bytes in order. */
  readonly sha256: string;
  readonly entryCount: number;
  /** UTC day the list was read on, for formats whose entities depend on the day (FtM ownership stakes current then). */
  readonly asOf: string | null;
  /** The load's warnings (list-warnings.ts): a warm start reports what the load it replaces reported. */
  readonly warnings?: Readonly<Record<string, number>>;
}

interface Header {
  readonly format: number;
  readonly key: SnapshotKey;
  readonly sources: readonly SourceRecord[];
  readonly sections: { readonly records: number; readonly start: number; readonly ids: number };
  readonly payloadSha256: string;
}

interface Records {
  readonly entities: ScreeningEntity[][];
  readonly names: NameIndexParts['names'];
  readonly keyOf: NameIndexParts['keyOf'];
  readonly byIdentifier: NameIndexParts['byIdentifier'];
}

/** Why a snapshot was not used (also the `reason` label of the rejection counter). */
export type SnapshotRejection =
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly detail: string }
  | { readonly kind: 'corrupt'; readonly detail: string }
  | { readonly kind: 'truncated'; readonly detail: string }
  | { readonly kind: 'format_version'; readonly found: number }
  | { readonly kind: 'code_changed' }
  | { readonly kind: 'key_scheme_changed' }
  | { readonly kind: 'params_changed' }
  | { readonly kind: 'sources_changed'; readonly detail: string }
  | { readonly kind: 'source_file_changed'; readonly source: string; readonly file: string }
  | { readonly kind: 'as_of_date'; readonly source: string; readonly built: string; readonly today: string };

export type SnapshotRead =
  | { readonly ok: true; readonly lists: LoadedList[]; readonly index: NameIndex }
  | { readonly ok: false; readonly rejection: SnapshotRejection };

const reject = (rejection: SnapshotRejection): SnapshotRead => ({ ok: false, rejection });
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
/**
 * FtM lists keep ownership stakes current on the day they are read (ftm-jsonl-loader.ts), the CSL and the Denied
 * Persons List leave out listings ended before that day (listing-end-date.ts): another day, another list.
 */
const dependsOnDay = (format: ListSourceType): boolean => format === 'ftm-jsonl' || format === 'csl-csv' || format === 'dpl-tsv';
const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Each file's sha256 and the sha256 over all of them in order (ListVersion.sha256), from one read of each. */
function hashFiles(paths: readonly string[]): { files: { path: string; sha256: string }[]; combined: string } {
  const all = createHash('sha256');
  const files = paths.map((path) => {
    const bytes = readFileSync(path);
    all.update(bytes);
    return { path, sha256: sha256(bytes) };
  });
  return { files, combined: all.digest('hex') };
}

const SCREENING_DIR = dirname(fileURLToPath(import.meta.url));
/** Packages the loaders, normalisation and transliteration import: a new version may read or spell a name otherwise. */
const DEPENDENCIES = ['any-ascii', 'csv-parse', 'fast-xml-parser', 'yaml'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

function dependencyVersion(pkg: string): string {
  for (let dir = SCREENING_DIR; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // not installed at this level: look one folder up, as Node's resolution does
    }
  }
  return 'not found';
}

let fingerprint: string | undefined;

/**
 * The code that turns list files into entities and an index: every file of src/screening (sources and dictionaries),
 * the versions of the packages it imports, and Node, V8, ICU and Unicode (normalisation and region names come from
 * ICU; the payload is V8's serialisation). Computed once per process (a few milliseconds).
 */
export function screeningCodeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const h = createHash('sha256');
  for (const f of filesUnder(SCREENING_DIR)) h.update(`${relative(SCREENING_DIR, f)}\0`).update(readFileSync(f));
  const { node, v8, icu, unicode } = process.versions;
  h.update(JSON.stringify({ deps: DEPENDENCIES.map((d) => `${d}@${dependencyVersion(d)}`), node, v8, icu, unicode }));
  return (fingerprint = h.digest('hex'));
}

/**
 * The snapshot of `lists` (in the order their entities were indexed) and their index, or undefined when a file
 * changed since it was read (the recorded hashes would not be those of the data: nothing is written).
 */
export function encodeListSnapshot(
  key: SnapshotKey,
  sources: readonly ListSource[],
  lists: readonly LoadedList[],
  index: NameIndex,
): Buffer | undefined {
  const records: SourceRecord[] = [];
  for (const list of lists) {
    const source = sources.find((s) => s.id === list.version.listId);
    if (!source) throw new Error(`list ${list.version.listId} is not a configured source`);
    const hashed = hashFiles(list.version.files);
    if (hashed.combined !== list.version.sha256) return undefined;
    records.push({
      id: source.id,
      format: source.format,
      path: source.path,
      files: hashed.files,
      sha256: list.version.sha256,
      entryCount: list.version.entryCount,
      // the day the entities were made (a list reloaded yesterday holds yesterday's stakes)
      asOf: dependsOnDay(source.format) ? utcDay(new Date(list.version.loadedAt)) : null,
      ...(list.version.warnings ? { warnings: list.version.warnings } : {}),
    });
  }
  const parts = index.toParts();
  const body: Records = {
    entities: lists.map((l) => l.entities),
    names: parts.names,
    keyOf: parts.keyOf,
    byIdentifier: parts.byIdentifier,
  };
  const blob = serialize(body);
  const start = Buffer.from(parts.start.buffer, parts.start.byteOffset, parts.start.byteLength);
  const ids = Buffer.from(parts.ids.buffer, parts.ids.byteOffset, parts.ids.byteLength);
  const payloadHash = createHash('sha256').update(blob).update(start).update(ids).digest('hex');
  const header: Header = {
    format: LIST_SNAPSHOT_FORMAT,
    key,
    sources: records,
    sections: { records: blob.length, start: start.length, ids: ids.length },
    payloadSha256: payloadHash,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length);
  return Buffer.concat([prefix, headerBytes, blob, start, ids]);
}

function readHeader(buf: Buffer): Header | SnapshotRejection {
  if (buf.length < PREFIX || !buf.subarray(0, MAGIC.length).equals(MAGIC))
    return buf.length < PREFIX && MAGIC.subarray(0, buf.length).equals(buf.subarray(0, MAGIC.length))
      ? { kind: 'truncated', detail: `${buf.length} bytes, shorter than the header` }
      : { kind: 'corrupt', detail: 'not a Remit list snapshot (magic bytes)' };
  const length = buf.readUInt32LE(MAGIC.length);
  if (buf.length < PREFIX + length) return { kind: 'truncated', detail: `${buf.length} bytes, the header needs ${PREFIX + length}` };
  try {
    const header = JSON.parse(buf.subarray(PREFIX, PREFIX + length).toString('utf8')) as Header;
    if (typeof header.format !== 'number' || !header.key || !Array.isArray(header.sources) || !header.sections)
      return { kind: 'corrupt', detail: 'header fields missing' };
    return header;
  } catch {
    return { kind: 'corrupt', detail: 'header is not JSON' };
  }
}

function keyMismatch(found: SnapshotKey, expected: SnapshotKey): SnapshotRejection | undefined {
  if (found.code !== expected.code) return { kind: 'code_changed' };
  if (found.keyScheme !== expected.keyScheme) return { kind: 'key_scheme_changed' };
  if (found.params !== expected.params) return { kind: 'params_changed' };
  return undefined;
}

/** The configured sources against the recorded ones: same sources and settings, same files, same bytes, same day. */
function sourcesMismatch(records: readonly SourceRecord[], sources: readonly ListSource[], today: string): SnapshotRejection | undefined {
  // In order: the lists come back in the recorded order, which must be the one a fresh load gives (GET /ready lists them).
  const configured = sources.map((s) => `${s.id} ${s.format} ${s.path}`);
  const recorded = records.map((r) => `${r.id} ${r.format} ${r.path}`);
  if (configured.join('\n') !== recorded.join('\n'))
    return {
      kind: 'sources_changed',
      detail: `configured: ${sources.map((s) => s.id).join(', ')}; snapshot: ${records.map((r) => r.id).join(', ')}`,
    };
  for (const r of records) {
    if (r.asOf !== null && r.asOf !== today) return { kind: 'as_of_date', source: r.id, built: r.asOf, today };
    let now: string[];
    try {
      now = sourceFilesOf(r.format, r.path);
    } catch {
      return { kind: 'sources_changed', detail: `source ${r.id}: its files cannot be listed` };
    }
    if (now.join('\n') !== r.files.map((f) => f.path).join('\n'))
      return { kind: 'sources_changed', detail: `source ${r.id}: the set of files it reads changed` };
    let hashed: ReturnType<typeof hashFiles>;
    try {
      hashed = hashFiles(now);
    } catch {
      return { kind: 'sources_changed', detail: `source ${r.id}: a file cannot be read` };
    }
    if (hashed.combined !== r.sha256) {
      const changed = hashed.files.find((f, i) => f.sha256 !== r.files[i]?.sha256);
      return { kind: 'source_file_changed', source: r.id, file: changed?.path ?? r.files[0]?.path ?? r.path };
    }
  }
  return undefined;
}

/** Copies raw little-endian int32 bytes into an aligned array (a Buffer slice need not be 4-byte aligned). */
function int32s(bytes: Buffer): Int32Array {
  const out = new Int32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/**
 * Reads a snapshot written by encodeListSnapshot: the lists (with `loadedAt` = `now`, as a fresh load would have) and
 * their index, or why it cannot be used. Checks the cheap things first, the payload checksum last but one, then
 * that the decoded parts fit together.
 */
export function decodeListSnapshot(buf: Buffer, expected: SnapshotKey, sources: readonly ListSource[], now: Date): SnapshotRead {
  try {
    return decode(buf, expected, sources, now);
  } catch (e) {
    // The header is outside the payload checksum: a well-formed JSON header of the wrong shape lands here, never a crash.
    return reject({ kind: 'corrupt', detail: `malformed snapshot (${(e as Error).message})` });
  }
}

/** The header and where the payload starts, if the file's layout holds together. */
function framed(buf: Buffer): { header: Header; payloadAt: number } | SnapshotRejection {
  const header = readHeader(buf);
  if ('kind' in header) return header;
  if (header.format !== LIST_SNAPSHOT_FORMAT) return { kind: 'format_version', found: header.format };
  const { records: nRecords, start: nStart, ids: nIds } = header.sections;
  const payloadAt = PREFIX + buf.readUInt32LE(MAGIC.length);
  const payloadLength = nRecords + nStart + nIds;
  if (buf.length < payloadAt + payloadLength)
    return { kind: 'truncated', detail: `${buf.length} bytes, the snapshot needs ${payloadAt + payloadLength}` };
  if (buf.length > payloadAt + payloadLength || nStart % 4 !== 0 || nIds % 4 !== 0)
    return { kind: 'corrupt', detail: 'sections do not add up to the file' };
  return { header, payloadAt };
}

/** The stored lists, as loaded at `loadedAt`. */
function listsOf(header: Header, body: Records, loadedAt: string): LoadedList[] {
  return header.sources.map((r, i) => ({
    version: {
      listId: r.id,
      sourceType: r.format,
      files: r.files.map((f) => f.path),
      sha256: r.sha256,
      entryCount: r.entryCount,
      loadedAt,
      ...(r.warnings ? { warnings: r.warnings } : {}),
    },
    entities: body.entities[i]!,
  }));
}

/** The checked payload's records (entities per source, index parts). */
function records(buf: Buffer, header: Header, payloadAt: number): Records | SnapshotRejection {
  const payload = buf.subarray(payloadAt);
  if (sha256(payload) !== header.payloadSha256) return { kind: 'corrupt', detail: 'payload checksum differs' };
  let body: Records;
  try {
    body = deserialize(payload.subarray(0, header.sections.records)) as Records;
  } catch (e) {
    return { kind: 'corrupt', detail: `payload cannot be decoded (${(e as Error).message})` };
  }
  if (!Array.isArray(body?.entities) || body.entities.length !== header.sources.length)
    return { kind: 'corrupt', detail: 'lists and sources differ in number' };
  return body;
}

function decode(buf: Buffer, expected: SnapshotKey, sources: readonly ListSource[], now: Date): SnapshotRead {
  const frame = framed(buf);
  if ('kind' in frame) return reject(frame);
  const { header, payloadAt } = frame;
  const mismatch = keyMismatch(header.key, expected) ?? sourcesMismatch(header.sources, sources, utcDay(now));
  if (mismatch) return reject(mismatch);
  const body = records(buf, header, payloadAt);
  if ('kind' in body) return reject(body);
  const { records: nRecords, start: nStart } = header.sections;
  const payload = buf.subarray(payloadAt);
  const lists = listsOf(header, body, now.toISOString());
  const parts: NameIndexParts = {
    names: body.names,
    keyOf: body.keyOf,
    byIdentifier: body.byIdentifier,
    start: int32s(payload.subarray(nRecords, nRecords + nStart)),
    ids: int32s(payload.subarray(nRecords + nStart)),
  };
  const index = NameIndex.fromParts(
    lists.flatMap((l) => l.entities),
    parts,
  );
  if (!index) return reject({ kind: 'corrupt', detail: 'index parts do not fit the lists' });
  return { ok: true, lists, index };
}

/** The lists a snapshot file holds, or why it holds none that can be used. */
export type SnapshotLists =
  { readonly ok: true; readonly lists: ReadonlyMap<string, LoadedList> } | { readonly ok: false; readonly rejection: SnapshotRejection };

/**
 * The lists a snapshot holds, by source id, whatever the files, sources, code or day are now (docs/screening.md
 * "Re-screen jobs"): at a start where a list file changed, the previous version's entries for the delta. Only the
 * layout and the payload checksum are checked; each list carries the sha256 it was read from, which the caller
 * compares with the version that was in force. When there is no usable snapshot, why.
 */
export function readSnapshotLists(file: string): SnapshotLists {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, rejection: code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable', detail: code ?? String(e) } };
  }
  try {
    const frame = framed(buf);
    if ('kind' in frame) return { ok: false, rejection: frame };
    const body = records(buf, frame.header, frame.payloadAt);
    if ('kind' in body) return { ok: false, rejection: body };
    return { ok: true, lists: new Map(listsOf(frame.header, body, '').map((l) => [l.version.listId, l])) };
  } catch (e) {
    // a header of the wrong shape (outside the checksum)
    return { ok: false, rejection: { kind: 'corrupt', detail: e instanceof Error ? e.message : String(e) } };
  }
}

/** Reads and decodes the snapshot file; a missing file is `missing`, an unreadable one `unreadable`. */
export function readListSnapshot(file: string, expected: SnapshotKey, sources: readonly ListSource[], now: Date): SnapshotRead {
  let buf: Buffer;
  try {
    if (!statSync(file).isFile()) return reject({ kind: 'unreadable', detail: 'not a file' });
    buf = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? reject({ kind: 'missing' }) : reject({ kind: 'unreadable', detail: code ?? String(e) });
  }
  return decodeListSnapshot(buf, expected, sources, now);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary files of writers that died mid-write (a kill, a one-off command that exited): 20 MB each, never renamed. */
async function removeOrphans(file: string): Promise<void> {
  const prefix = `${basename(file)}.`;
  for (const name of await readdir(dirname(file))) {
    const pid = Number(/^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length))?.[1]);
    if (name.startsWith(prefix) && pid && pid !== process.pid && !alive(pid))
      await unlink(join(dirname(file), name)).catch(() => undefined);
  }
}

/**
 * Writes atomically: a temporary file in the same folder (owner-only, like the store), then a rename over the old
 * snapshot; a reader sees the old file or the new one, never part of one. The temporary file goes on failure.
 */
export async function writeListSnapshot(file: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await removeOrphans(file);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temp, bytes, { mode: 0o600, flush: true });
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
