/**
 * What changed between two versions of one list (docs/screening.md "Delta re-screening"): entries matched by
 * entry id, compared by a content hash. Only added and changed entries can make a stored lead newly match;
 * a removed entry can only clear one, which compliance disposes, so removals are counted, not re-screened.
 */
import { contentHash } from '../domain/shared/canonical-json.ts';
import type { LoadedList, ScreeningEntity } from './screening-entity.ts';

export interface ListDelta {
  readonly listId: string;
  /** Added and changed entries: the only ones re-screened against the stored leads. */
  readonly entries: readonly ScreeningEntity[];
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/**
 * The entry's content without where it sits in the file: inserting a line above an entry moves its line
 * number, which is not a change of the entry.
 */
const entryHash = (e: ScreeningEntity): string => contentHash({ ...e, source: { file: '', line: 0 } });

/** A new list (no previous version) is all added. Entry ids repeated in one file compare by their last content. */
export function listDelta(before: LoadedList | undefined, after: LoadedList): ListDelta {
  const old = new Map((before?.entities ?? []).map((e) => [e.entryId, entryHash(e)]));
  const entries: ScreeningEntity[] = [];
  let added = 0;
  let changed = 0;
  const present = new Set<string>();
  for (const e of after.entities) {
    present.add(e.entryId);
    const was = old.get(e.entryId);
    if (was === undefined) added++;
    else if (was !== entryHash(e)) changed++;
    else continue;
    entries.push(e);
  }
  const removed = [...old.keys()].filter((id) => !present.has(id)).length;
  return { listId: after.version.listId, entries, added, changed, removed };
}
