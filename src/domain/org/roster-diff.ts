import { canonicalJson } from '../shared/canonical-json.ts';
import type { OrgConfig } from './org-config.schema.ts';
import { SUBJECT_SECTION, subjectList, type RosterSubject } from './roster-change.ts';

/** One changed field, as a person reads it: `reps.alice.status: active → paused`. */
export interface FieldChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields that differ between two values. Objects are compared key by key; a list is one field (an
 * out-of-office list that gained a period shows the list before and after, which reads better than
 * index-by-index noise). Absent and undefined are the same (null in the diff).
 */
export function diffValues(before: unknown, after: unknown, path: string): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return [];
  return [{ path, before: before ?? null, after: after ?? null }];
}

const entity = (config: OrgConfig, subject: RosterSubject): unknown => subjectList(config, subject.kind).find((e) => e.id === subject.id);

/**
 * What a roster change did to its rep, team, licence grant or pool, field by field (paths start `reps.<id>`,
 * `teams.<id>`, `licences.<id>` or `pools.<id>`).
 */
export function rosterDiff(before: OrgConfig, after: OrgConfig, subject: RosterSubject): FieldChange[] {
  const prefix = `${SUBJECT_SECTION[subject.kind]}.${subject.id}`;
  const was = entity(before, subject);
  const now = entity(after, subject);
  // A rep who joins is one change (the whole rep), not a field list starting from nothing.
  if (was === undefined || now === undefined) return [{ path: prefix, before: was ?? null, after: now ?? null }];
  return diffValues(was, now, prefix);
}
