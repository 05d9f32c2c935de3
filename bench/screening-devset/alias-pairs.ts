/**
 * The lists' own same-entity aliases as name pairs: every pair of distinct names of one listed organisation or vessel
 * (persons behind an option). Labelled by list identity alone — two names are a pair because one entry holds both,
 * whatever their spelling — so a matcher rule that drops such pairs below the line loses recall the lists themselves
 * vouch for. Deterministic: list order, then file order, then the entry's name order. Used by alias-check.ts.
 */
import type { DevPair, Listed } from './list-pairs.ts';

export interface AliasPair {
  list: string;
  schema: DevPair['schema'];
  entryId: string;
  name1: string;
  name2: string;
}

/** Names of one entity taken at most (an entity with 40 aliases would give 780 pairs and swamp the rest). */
export const NAMES_PER_ENTITY = 12;

export interface AliasPairOptions {
  /** Include persons' names (default: organisations and vessels only). */
  persons?: boolean;
}

/** Each unordered pair of an entity's first NAMES_PER_ENTITY distinct names (exact duplicates dropped), once. */
export function aliasPairs(listed: readonly Listed[], options: AliasPairOptions = {}): AliasPair[] {
  const out: AliasPair[] = [];
  for (const { list, entity, schema } of listed) {
    if (schema === 'Person' && !options.persons) continue;
    const names = [...new Set(entity.names.map((n) => n.value.trim()).filter(Boolean))].slice(0, NAMES_PER_ENTITY);
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) out.push({ list, schema, entryId: entity.entryId, name1: names[i]!, name2: names[j]! });
  }
  return out;
}
