/**
 * Screening lists that are stale or not loaded (docs/screening.md "List age"): pure, from the configured sources,
 * the versions in force and an instant. A list's age runs from its files' newest modification time (the data's
 * age), else from when it was loaded.
 */

const DAY_MS = 86_400_000;

export interface ConfiguredList {
  readonly id: string;
  /** lists.yaml `maxAgeDays`; omitted: any age is allowed (only "not loaded" is raised). */
  readonly maxAgeDays?: number | undefined;
}

export interface ListInForce {
  readonly listId: string;
  readonly loadedAt: string;
  readonly filesModifiedAt?: string | undefined;
  readonly sha256: string;
}

export type ListProblem =
  | { readonly condition: 'not_loaded'; readonly list: string }
  | {
      readonly condition: 'stale';
      readonly list: string;
      readonly version: string;
      readonly loadedAt: string;
      readonly ageDays: number;
      readonly maxAgeDays: number;
    };

/** One problem per configured list that has one, in configuration order. */
export function listProblems(sources: readonly ConfiguredList[], inForce: readonly ListInForce[], nowMs: number): ListProblem[] {
  return sources.flatMap((s): ListProblem[] => {
    const v = inForce.find((l) => l.listId === s.id);
    if (!v) return [{ condition: 'not_loaded', list: s.id }];
    if (s.maxAgeDays === undefined) return [];
    const ageDays = Math.floor((nowMs - Date.parse(v.filesModifiedAt ?? v.loadedAt)) / DAY_MS);
    if (ageDays <= s.maxAgeDays) return [];
    return [{ condition: 'stale', list: s.id, version: v.sha256.slice(0, 12), loadedAt: v.loadedAt, ageDays, maxAgeDays: s.maxAgeDays }];
  });
}
