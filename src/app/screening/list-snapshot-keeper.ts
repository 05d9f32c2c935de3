/**
 * Keeps the start-up snapshot of the configured lists (docs/screening.md "Start-up snapshot"): at start it offers
 * the snapshot's lists and index when the snapshot is valid (else says why: a warning line and
 * `remit_list_snapshot_rejected_total{reason}`), and after every change of the lists in force (start, reload,
 * approval) it writes the snapshot again, a moment later and off the request path. A failed write is a worker
 * failure (`remit_worker_failures_total{worker="screening-snapshot"}`), never a failed start or reload.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCREENING_COMPARE_PARAMS } from '../../screening/name-compare.ts';
import type { NameIndex } from '../../screening/name-index.ts';
import type { ListSourceCatalogue } from '../../screening/list-sources.ts';
import {
  encodeListSnapshot,
  readListSnapshot,
  readSnapshotLists,
  screeningCodeFingerprint,
  writeListSnapshot,
  type SnapshotKey,
  type SnapshotRejection,
} from '../../screening/list-snapshot.ts';
import type { LoadedList } from '../../screening/screening-entity.ts';
import type { ScreeningService } from '../../screening/screening-service.ts';
import type { Logger } from '../observability/logger.ts';
import type { RemitMetrics } from '../observability/remit-metrics.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';

/** How long after a change the snapshot is written: a start or reload finishes (and answers) first. */
const WRITE_DELAY_MS = 1_000;

/**
 * The name-key scheme (nameKeyScheme) is a pure function of its definition (screening-name-keys.ts: the probe names
 * and the revision) and of the screening code the code fingerprint covers, so the definition's bytes stand for it:
 * computing the scheme itself normalises names, which loads every dictionary (about a second of a start otherwise
 * spent only when the first lead is screened).
 */
const KEY_SCHEME_SOURCE = fileURLToPath(new URL('./screening-name-keys.ts', import.meta.url));
let keySchemeDefinition: string | undefined;

/** What the snapshot must have been built under to be used now. */
export function currentSnapshotKey(): SnapshotKey {
  keySchemeDefinition ??= createHash('sha256').update(readFileSync(KEY_SCHEME_SOURCE)).digest('hex');
  return {
    code: screeningCodeFingerprint(),
    keyScheme: keySchemeDefinition,
    // The index does not depend on them (they apply when names are compared), but the brief is strict: a snapshot is
    // of one parameter set. Per-org overrides (policy nameCompare) apply per query and are not part of it.
    params: createHash('sha256').update(JSON.stringify(SCREENING_COMPARE_PARAMS)).digest('hex'),
  };
}

/** The lists and index restored from the snapshot, for startListSources. */
export interface RestoredLists {
  readonly lists: readonly LoadedList[];
  readonly index: NameIndex;
}

/** The version as a loader made it (the service adds category and files' date when a list is applied). */
const asLoaded = (l: LoadedList): LoadedList => {
  const { category: _c, filesModifiedAt: _f, ...version } = l.version;
  return { version, entities: l.entities };
};

function describe(r: SnapshotRejection): string {
  switch (r.kind) {
    case 'missing':
      return 'no snapshot yet';
    case 'format_version':
      return `snapshot format ${r.found} is not this version's`;
    case 'code_changed':
      return 'the screening code, its packages or the runtime changed';
    case 'key_scheme_changed':
      return 'the name-key scheme changed';
    case 'params_changed':
      return 'the name-comparison parameters changed';
    case 'source_file_changed':
      return `a file of source ${r.source} changed (${r.file})`;
    case 'as_of_date':
      return `source ${r.source} was read on ${r.built}; what is in force (ownership stakes, end dates) is read as of today (${r.today})`;
    case 'unreadable':
    case 'corrupt':
    case 'truncated':
    case 'sources_changed':
      return r.detail;
  }
}

export class ListSnapshotKeeper {
  readonly file: string;
  private readonly catalogue: ListSourceCatalogue;
  private readonly obs: { readonly log: Logger; readonly metrics: RemitMetrics };
  private readonly now: () => Date;
  private readonly delayMs: number;
  private screening: ScreeningService | undefined;
  /** The index the snapshot on disk holds (restored or last written): nothing to write while it is in force. */
  private onDisk: NameIndex | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(opts: {
    file: string;
    catalogue: ListSourceCatalogue;
    obs: { readonly log: Logger; readonly metrics: RemitMetrics };
    now: () => Date;
    delayMs?: number;
  }) {
    this.file = opts.file;
    this.catalogue = opts.catalogue;
    this.obs = opts.obs;
    this.now = opts.now;
    this.delayMs = opts.delayMs ?? WRITE_DELAY_MS;
  }

  /** The service whose lists are written (set once it exists; it calls `changed()`). */
  watch(screening: ScreeningService): void {
    this.screening = screening;
  }

  /** The snapshot's lists and index when it is valid for the configured sources; else undefined, with the reason logged and counted. */
  restore(): RestoredLists | undefined {
    const started = performance.now();
    const read = readListSnapshot(this.file, currentSnapshotKey(), this.catalogue.sources, this.now());
    const ms = Math.round(performance.now() - started);
    if (read.ok) {
      this.onDisk = read.index;
      this.obs.log.info({ snapshot: this.file, ms, lists: read.lists.length }, 'screening lists restored from the start-up snapshot');
      return { lists: read.lists, index: read.index };
    }
    const reason = read.rejection.kind;
    this.obs.metrics.screeningSnapshotRejected.inc({ reason });
    const entry = { snapshot: this.file, reason, detail: describe(read.rejection), ms };
    // A first start has none: not a warning. Every other reason means a snapshot was there and is not trusted.
    if (reason === 'missing') this.obs.log.info(entry, 'no screening list snapshot: loading the lists from their files');
    else this.obs.log.warn(entry, 'screening list snapshot not used: loading the lists from their files');
    return undefined;
  }

  /**
   * The lists of the snapshot on disk whatever changed since it was written (docs/screening.md "Re-screen jobs"): at a
   * start where a list file changed, the previous version's entries, for the delta. Read before the snapshot is
   * written again (startListSources calls it before it puts the new versions in force).
   */
  previousLists(): ReadonlyMap<string, LoadedList> {
    const read = readSnapshotLists(this.file);
    if (read.ok) return read.lists;
    // Not an error (the delta becomes every entry of a changed list, a bigger job), but not silent either.
    const { rejection } = read;
    if (rejection.kind !== 'missing')
      this.obs.log.warn(
        { snapshot: this.file, reason: rejection.kind, detail: describe(rejection) },
        "screening list snapshot unreadable: a changed list's delta re-screen covers every entry",
      );
    return new Map();
  }

  /** The lists in force changed: write the snapshot after a short delay (several changes, one write). */
  changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }, this.delayMs);
    this.timer.unref();
  }

  /** Resolves once no write is waiting or running (tests; a graceful stop). */
  async idle(): Promise<void> {
    while (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }
    await this.writing;
  }

  private async write(): Promise<void> {
    const screening = this.screening;
    if (!screening || screening.index === this.onDisk) return;
    const ids = this.catalogue.ids;
    const versions = screening.versions();
    // Only the whole configured set (a snapshot of part of it could not be used: validity is all sources or none), in
    // configuration order (a fresh load's order, which /ready shows; a source withheld and approved again comes last).
    if (screening.withheldSources().length > 0 || versions.map((v) => v.listId).join('\n') !== ids.join('\n')) {
      this.obs.log.info(
        { snapshot: this.file },
        'screening list snapshot not written: the lists in force are not the configured sources in order',
      );
      return;
    }
    const index = screening.index;
    const lists = versions.map((v) => asLoaded(screening.loaded(v.listId)!));
    try {
      const started = performance.now();
      const bytes = encodeListSnapshot(currentSnapshotKey(), this.catalogue.sources, lists, index);
      if (!bytes) {
        this.obs.log.info({ snapshot: this.file }, 'screening list snapshot not written: a list file changed since it was loaded');
        return;
      }
      const encodedMs = Math.round(performance.now() - started);
      await writeListSnapshot(this.file, bytes);
      this.onDisk = index;
      this.obs.log.info(
        { snapshot: this.file, bytes: bytes.length, encodeMs: encodedMs, ms: Math.round(performance.now() - started) },
        'screening list snapshot written',
      );
    } catch (e) {
      reportWorkerFailure(this.obs, 'screening-snapshot', e, { snapshot: this.file });
    }
  }
}
