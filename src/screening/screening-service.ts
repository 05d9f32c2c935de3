/**
 * Holds the current list versions and their index. Loading builds a complete new state and swaps it in one
 * assignment (readers never see a half-built index); a malformed reload keeps the previous version.
 */
import { ListLoadError } from './list-error.ts';
import { loadList, parseListSpec, type ListSpec } from './list-detect.ts';
import { ListLoadThreads, type ListLayout } from './list-load-thread.ts';
import { NameIndex } from './name-index.ts';
import { screenIndex, type ScreenOptions, type ScreenResult } from './screening-engine.ts';
import { listCategory, type ListVersion, type LoadedList } from './screening-entity.ts';
import { filesModifiedAt } from './list-sources.ts';
import type { ScreeningQuery } from './matcher.ts';

interface State {
  lists: Map<string, LoadedList>;
  index: NameIndex;
  /** Configured sources not in force (their file changed while a shrink waits for approval), by source id. */
  withheld: Map<string, WithheldSource>;
}

/**
 * A configured source this instance cannot vouch for; leads are `not_screened` while any is withheld.
 * `pending_approval`: its file changed and shrank beyond the guard (its data is not screened against until approved).
 * `stale`: another instance put a version in force that this instance's file is not (docs/screening.md "Versions in
 * force on every instance"): its older data is still screened against, so a name it lists is still a hit, but no lead
 * is cleared.
 */
export type WithheldSource =
  | { readonly sourceId: string; readonly reason: 'pending_approval'; readonly pendingReloadId: string }
  | {
      readonly sourceId: string;
      readonly reason: 'stale';
      readonly code: 'SCREENING_LIST_STALE';
      /** The version in force in the store. */
      readonly inForceSha256: string;
      /** This instance's file (null: it could not be read). */
      readonly fileSha256: string | null;
      readonly since: string;
    };

/**
 * Whether a "clear" is possible: `ok` = at least one sanctions list in force and nothing withheld;
 * `no_sanctions_list` = none loaded (a blocklist or PEP list alone is not sanctions screening);
 * `withheld` = a configured source waits for approval; `stale` = a source's version in force is not the one here.
 */
export type ScreeningCoverage = 'ok' | 'no_sanctions_list' | 'withheld' | 'stale';

function coverageOf(state: State): ScreeningCoverage {
  if ([...state.withheld.values()].some((w) => w.reason === 'stale')) return 'stale';
  if (state.withheld.size > 0) return 'withheld';
  return [...state.lists.values()].some((l) => l.version.category === 'sanctions') ? 'ok' : 'no_sanctions_list';
}

/** The version with what the service adds: its category and its files' date. */
function described(list: LoadedList): LoadedList {
  const modified = filesModifiedAt(list.version.files);
  return { ...list, version: { ...list.version, category: listCategory(list), ...(modified ? { filesModifiedAt: modified } : {}) } };
}

export type ReloadResult =
  { ok: true; version: ListVersion; replaced?: ListVersion } | { ok: false; error: ListLoadError; kept?: ListVersion };

export class ScreeningService {
  private state: State;
  private readonly now: () => Date;
  private readonly onScreened: ((seconds: number) => void) | undefined;
  private readonly onChanged: (() => void) | undefined;
  /** Loads on worker threads (reloads, adoption, scheduled checks), so this thread keeps answering meanwhile. */
  readonly loads: ListLoadThreads;

  /**
   * `onScreened`: told how long each query took (the service's screening latency metric). `onChanged`: told after
   * the lists in force changed (the start-up snapshot is written again, off the request path). `loads`: the worker
   * threads that load lists (default: the list-load-worker.ts script).
   */
  constructor(opts: { now: () => Date; onScreened?: (seconds: number) => void; onChanged?: () => void; loads?: ListLoadThreads }) {
    this.now = opts.now;
    this.onScreened = opts.onScreened;
    this.onChanged = opts.onChanged;
    this.loads = opts.loads ?? new ListLoadThreads();
    this.state = { lists: new Map(), index: NameIndex.build([]), withheld: new Map() };
  }

  /** Stops list loads still running on worker threads (at shutdown). */
  close(): Promise<void> {
    return this.loads.close();
  }

  /**
   * The lists in force once lists with these ids are added (apply's order: a replaced list keeps its place, a new one
   * comes last), with the entities of those kept: what an index built ahead must cover to be used by the swap.
   */
  layoutAdding(ids: readonly string[]): ListLayout {
    const adding = new Set(ids);
    const kept = [...this.state.lists.entries()].map(([listId, l]) => ({ listId, entities: adding.has(listId) ? undefined : l.entities }));
    const added = [...adding].filter((id) => !this.state.lists.has(id)).map((listId) => ({ listId, entities: undefined }));
    return [...kept, ...added];
  }

  /**
   * `prebuilt`: an index restored from the start-up snapshot (list-snapshot.ts), used only when it was built over
   * exactly these entities in this order (the same objects); otherwise the index is built.
   */
  private swap(lists: Map<string, LoadedList>, withheld: Map<string, WithheldSource> = this.state.withheld, prebuilt?: NameIndex): void {
    const entities = [...lists.values()].flatMap((l) => l.entities);
    const fits = (index: NameIndex | undefined): index is NameIndex =>
      index !== undefined && index.entities.length === entities.length && entities.every((e, i) => index.entities[i] === e);
    // Withholding a source as stale keeps its entities: the index in force still fits and is not built again.
    const index = fits(prebuilt) ? prebuilt : fits(this.state.index) ? this.state.index : NameIndex.build(entities);
    this.state = { lists, index, withheld };
    this.onChanged?.();
  }

  /** Loads several lists at once; all or nothing (throws ListLoadError, state unchanged). */
  loadAll(specs: (string | ListSpec)[]): ListVersion[] {
    const lists = new Map(this.state.lists);
    const loaded = specs.map((s) => described(loadList(typeof s === 'string' ? parseListSpec(s) : s, { now: this.now })));
    for (const l of loaded) lists.set(l.version.listId, l);
    this.swap(lists);
    return loaded.map((l) => l.version);
  }

  /** Loads or replaces one list. On a malformed file the previous version stays active. */
  reload(spec: string | ListSpec): ReloadResult {
    const s = typeof spec === 'string' ? parseListSpec(spec) : spec;
    let loaded: LoadedList;
    try {
      loaded = described(loadList(s, { now: this.now }));
    } catch (e) {
      if (!(e instanceof ListLoadError)) throw e;
      const kept = s.listId ? this.state.lists.get(s.listId)?.version : this.findByPath(s.path);
      return kept ? { ok: false, error: e, kept } : { ok: false, error: e };
    }
    const lists = new Map(this.state.lists);
    const replaced = lists.get(loaded.version.listId)?.version;
    lists.set(loaded.version.listId, loaded);
    this.swap(lists);
    return replaced ? { ok: true, version: loaded.version, replaced } : { ok: true, version: loaded.version };
  }

  /** Adds (or replaces) an already-loaded list; a source withheld under its id is in force again. */
  add(list: LoadedList): ListVersion {
    return this.apply({ add: [list] })[0]!;
  }

  /** Stops screening against a source (its data is no longer trusted) and remembers why. */
  withhold(source: WithheldSource): void {
    this.apply({ withhold: [source] });
  }

  /**
   * Several additions and withholdings in one swap (the name index is built once, e.g. at start; or not at all when
   * `index` is the start-up snapshot's index over exactly the resulting lists).
   */
  apply(changes: { add?: readonly LoadedList[]; withhold?: readonly WithheldSource[]; index?: NameIndex }): ListVersion[] {
    const lists = new Map(this.state.lists);
    const withheld = new Map(this.state.withheld);
    const added = (changes.add ?? []).map(described);
    for (const l of added) {
      lists.set(l.version.listId, l);
      withheld.delete(l.version.listId);
    }
    for (const w of changes.withhold ?? []) {
      // A stale version's entries still hold the names they list; a file awaiting approval replaced its data.
      if (w.reason !== 'stale') lists.delete(w.sourceId);
      withheld.set(w.sourceId, w);
    }
    this.swap(lists, withheld, changes.index);
    return added.map((l) => l.version);
  }

  withheldSources(): WithheldSource[] {
    return [...this.state.withheld.values()];
  }

  coverage(): ScreeningCoverage {
    return coverageOf(this.state);
  }

  /** The list in force under this id with its entries (what a reload diffs against, list-delta.ts). */
  loaded(listId: string): LoadedList | undefined {
    return this.state.lists.get(listId);
  }

  version(listId: string): ListVersion | undefined {
    return this.state.lists.get(listId)?.version;
  }

  remove(listId: string): boolean {
    if (!this.state.lists.has(listId)) return false;
    const lists = new Map(this.state.lists);
    lists.delete(listId);
    this.swap(lists);
    return true;
  }

  private findByPath(path: string): ListVersion | undefined {
    for (const l of this.state.lists.values())
      if (l.version.files.includes(path) || l.version.files.some((f) => f.startsWith(path))) return l.version;
    return undefined;
  }

  versions(): ListVersion[] {
    return [...this.state.lists.values()].map((l) => l.version);
  }

  get entityCount(): number {
    return this.state.index.entities.length;
  }

  get nameCount(): number {
    return this.state.index.names.length;
  }

  get index(): NameIndex {
    return this.state.index;
  }

  screen(query: ScreeningQuery, options: ScreenOptions = {}): ScreenResult & { listVersions: ListVersion[]; coverage: ScreeningCoverage } {
    const st = this.state; // one consistent snapshot per query
    const started = this.onScreened ? performance.now() : 0;
    const res = screenIndex(st.index, query, options);
    if (this.onScreened) this.onScreened((performance.now() - started) / 1000);
    return { ...res, listVersions: [...st.lists.values()].map((l) => l.version), coverage: coverageOf(st) };
  }
}
