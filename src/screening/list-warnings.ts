/**
 * What a list load could not use, counted by kind (docs/screening.md "Load warnings"). A warning never fails a load:
 * the entry is still listed and screened by its names; only the unusable value is left out. Counted per list so an
 * operator sees a publisher's format change (a column of MMSIs turning into something else) instead of a silent drop.
 */
import type { IgnoredImoReason } from './listed-imo-numbers.ts';
import type { LoadedList, ScreeningEntity } from './screening-entity.ts';
import { unusableStrongIdentifierKind } from './strong-identifier.ts';

/** Count per warning kind, keys sorted; absent from a list version when there is nothing to report. */
export type ListLoadWarnings = Readonly<Record<string, number>>;

/**
 * Warning kinds: `invalid_<kind>` for a listed identifier whose type names a strong identifier (imo, imo_company,
 * mmsi, lei, call_sign) and whose value cannot be one; `imo_in_text_<reason>` for an IMO number in a listing's text
 * that is not the entry's own (listed-imo-numbers.ts reasons, lower case).
 */
export const imoInTextWarning = (reason: IgnoredImoReason): string => `imo_in_text_${reason.toLowerCase()}`;

export class LoadWarningCounter {
  private readonly counts = new Map<string, number>();

  add(kind: string, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  toRecord(): ListLoadWarnings | undefined {
    if (this.counts.size === 0) return undefined;
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

function countUnusableIdentifiers(entities: readonly ScreeningEntity[], into: LoadWarningCounter): void {
  for (const e of entities)
    for (const i of e.identifiers) {
      const kind = unusableStrongIdentifierKind(i.type, i.value);
      if (kind) into.add(`invalid_${kind}`);
    }
}

/** The list with its load warnings: those its loader counted (already in `version.warnings`) and unusable identifiers. */
export function withLoadWarnings(list: LoadedList): LoadedList {
  const counter = new LoadWarningCounter();
  for (const [kind, n] of Object.entries(list.version.warnings ?? {})) counter.add(kind, n);
  countUnusableIdentifiers(list.entities, counter);
  const warnings = counter.toRecord();
  const { warnings: _loaderOnly, ...version } = list.version;
  return { ...list, version: warnings ? { ...version, warnings } : version };
}

/** "invalid_imo 2, invalid_mmsi 1" (empty when none). */
export function formatLoadWarnings(warnings: ListLoadWarnings | undefined): string {
  return Object.entries(warnings ?? {})
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
}
