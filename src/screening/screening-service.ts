/**
 * Holds the current list versions and their index. Loading builds a complete new state and swaps it in one
 * assignment (readers never see a half-built index); a malformed reload keeps the previous version.
 */
import { ListLoadError } from './list-error.ts';
import { loadList, parseListSpec, type ListSpec } from './list-detect.ts';
import { NameIndex } from './name-index.ts';
import { screenIndex, type ScreenOptions, type ScreenResult } from './screening-engine.ts';
import type { ListVersion, LoadedList } from './screening-entity.ts';
import type { ScreeningQuery } from './matcher.ts';

interface State {
  lists: Map<string, LoadedList>;
  index: NameIndex;
}

export type ReloadResult =
  | { ok: true; version: ListVersion; replaced?: ListVersion }
  | { ok: false; error: ListLoadError; kept?: ListVersion };

export class ScreeningService {
  private state: State;
  private readonly now: () => Date;

  constructor(opts: { now: () => Date }) {
    this.now = opts.now;
    this.state = { lists: new Map(), index: NameIndex.build([]) };
  }

  private swap(lists: Map<string, LoadedList>): void {
    const entities = [...lists.values()].flatMap((l) => l.entities);
    const index = NameIndex.build(entities);
    this.state = { lists, index };
  }

  /** Loads several lists at once; all or nothing (throws ListLoadError, state unchanged). */
  loadAll(specs: (string | ListSpec)[]): ListVersion[] {
    const lists = new Map(this.state.lists);
    const loaded = specs.map((s) => loadList(typeof s === 'string' ? parseListSpec(s) : s, { now: this.now }));
    for (const l of loaded) lists.set(l.version.listId, l);
    this.swap(lists);
    return loaded.map((l) => l.version);
  }

  /** Loads or replaces one list. On a malformed file the previous version stays active. */
  reload(spec: string | ListSpec): ReloadResult {
    const s = typeof spec === 'string' ? parseListSpec(spec) : spec;
    let loaded: LoadedList;
    try {
      loaded = loadList(s, { now: this.now });
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

  /** Adds an already-loaded list (e.g. synthesised or from another source). */
  add(list: LoadedList): void {
    const lists = new Map(this.state.lists);
    lists.set(list.version.listId, list);
    this.swap(lists);
  }

  remove(listId: string): boolean {
    if (!this.state.lists.has(listId)) return false;
    const lists = new Map(this.state.lists);
    lists.delete(listId);
    this.swap(lists);
    return true;
  }

  private findByPath(path: string): ListVersion | undefined {
    for (const l of this.state.lists.values()) if (l.version.files.includes(path) || l.version.files.some((f) => f.startsWith(path))) return l.version;
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

  screen(query: ScreeningQuery, options: ScreenOptions = {}): ScreenResult & { listVersions: ListVersion[] } {
    const st = this.state; // one consistent snapshot per query
    const res = screenIndex(st.index, query, options);
    return { ...res, listVersions: [...st.lists.values()].map((l) => l.version) };
  }
}
