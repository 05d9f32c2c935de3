/**
 * What a draft org version changes against the version in force (docs/access.md "Maker-checker for org
 * versions"), per entity and per policy section, and whether a second person must approve it. Pure: both
 * configs are the parsed ones (defaults filled in), so an omitted default and the same value written out
 * are no change.
 *
 * Entities are matched by `id` (teams, reps, licence grants, appointments, products, carriers, rules) or
 * by `name` (custom fields); licence grants carry a required id (LicenceGrantSchema), so a grant that
 * changes id reads as one removed and one added. Rules are evaluated in order, so a new order is a change
 * of its own (`reordered`).
 */

export const ENTITY_COLLECTIONS = [
  'teams',
  'reps',
  'licences',
  'appointments',
  'products',
  'carriers',
  'rules',
  'customFields',
  'pools',
] as const;
export type EntityCollection = (typeof ENTITY_COLLECTIONS)[number];

export const POLICY_SECTIONS = [
  'firm',
  'suitability',
  'screening',
  'access',
  'conduct',
  'sla',
  'retention',
  'sources',
  'limits',
  'scoring',
  'roster',
  'segments',
  'enrichment',
  'accountMatching',
  // Chat destinations and includePersonalData decide where prospect data may go: a policy change like the others.
  'notifications',
] as const;
export type PolicySection = (typeof POLICY_SECTIONS)[number];

const KEY_OF: Record<EntityCollection, 'id' | 'name'> = {
  teams: 'id',
  reps: 'id',
  licences: 'id',
  appointments: 'id',
  products: 'id',
  carriers: 'id',
  rules: 'id',
  customFields: 'name',
  pools: 'id',
};

/**
 * The roster: fields a maker may change alone when the policy in force says `rosterEditsSinglePerson`
 * (who is at work and how much they take), never who may sell what. Anything else that changes — a rep's
 * team, experience, capabilities or territory, a team's mandate, adding or removing a rep or team, any
 * licence, appointment, product, rule or policy section — needs a second person. One list, tested.
 */
export const ROSTER_FIELDS: Readonly<Partial<Record<EntityCollection, readonly string[]>>> = {
  reps: ['name', 'email', 'timeZone', 'workingHours', 'outOfOffice', 'status', 'capacity', 'weight', 'skills', 'languages'],
  // A team's working calendar (public holidays, closed days) is availability, like a rep's out-of-office.
  teams: ['name', 'calendar'],
  // Who is in a round-robin pool and at what weight/cap is a roster matter; adding or removing a pool is not (rules name pools).
  pools: ['name', 'description', 'members'],
};

export interface FieldChange {
  /** Dotted path inside the entity or section (`capacity`, `electiveProfessional.minCriteria`). */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export type EntityChange =
  | { readonly change: 'added'; readonly key: string; readonly after: unknown }
  | { readonly change: 'removed'; readonly key: string; readonly before: unknown }
  | { readonly change: 'changed'; readonly key: string; readonly fields: readonly FieldChange[] };

export interface CollectionDiff {
  readonly changes: readonly EntityChange[];
  /** Keys present in both, in their old and new order, when their relative order changed. */
  readonly reordered: { readonly before: readonly string[]; readonly after: readonly string[] } | null;
}

export interface OrgConfigDiff {
  /** The author's version label (not part of what routes leads). */
  readonly label: { readonly before: string | null; readonly after: string | null } | null;
  readonly entities: Readonly<Record<EntityCollection, CollectionDiff>>;
  /** Changed leaf fields per policy section; a section absent from both or unchanged has none. */
  readonly sections: Readonly<Record<PolicySection, readonly FieldChange[]>>;
}

type Config = Readonly<Record<string, unknown>>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Deep equality of JSON values, object key order ignored; an absent member equals `undefined`. Written here rather than
 * via canonicalJson so the console can import this module's types without node:crypto.
 */
function same(a: unknown, b: unknown): boolean {
  if (a === b || (a == null && b == null)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!same(a[k], b[k])) return false;
  return true;
}

/** Leaf-level differences of two JSON values; arrays and scalars are compared whole. */
function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (same(before, after)) return [];
  if (!isPlainObject(before) || !isPlainObject(after)) return [{ path: path || '(whole)', before: before ?? null, after: after ?? null }];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => fieldChanges(before[k], after[k], path ? `${path}.${k}` : k));
}

/** Top-level field differences of one entity (values whole: a rep's `capacity` before → after). */
function entityFieldChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => !same(before[k], after[k])).map((k) => ({ path: k, before: before[k] ?? null, after: after[k] ?? null }));
}

function entitiesOf(config: Config, collection: EntityCollection): Map<string, Record<string, unknown>> {
  const list = config[collection];
  const byKey = new Map<string, Record<string, unknown>>();
  if (!Array.isArray(list)) return byKey;
  for (const item of list) if (isPlainObject(item)) byKey.set(String(item[KEY_OF[collection]]), item);
  return byKey;
}

function collectionDiff(a: Config, b: Config, collection: EntityCollection): CollectionDiff {
  const before = entitiesOf(a, collection);
  const after = entitiesOf(b, collection);
  const changes: EntityChange[] = [];
  for (const [key, old] of before) {
    const now = after.get(key);
    if (!now) changes.push({ change: 'removed', key, before: old });
    else {
      const fields = entityFieldChanges(old, now);
      if (fields.length > 0) changes.push({ change: 'changed', key, fields });
    }
  }
  for (const [key, now] of after) if (!before.has(key)) changes.push({ change: 'added', key, after: now });
  const oldOrder = [...before.keys()].filter((k) => after.has(k));
  const newOrder = [...after.keys()].filter((k) => before.has(k));
  const reordered = same(oldOrder, newOrder) ? null : { before: oldOrder, after: newOrder };
  return { changes, reordered };
}

export function diffOrgConfigs(before: Config, after: Config): OrgConfigDiff {
  const labelBefore = typeof before.version === 'string' ? before.version : null;
  const labelAfter = typeof after.version === 'string' ? after.version : null;
  return {
    label: labelBefore === labelAfter ? null : { before: labelBefore, after: labelAfter },
    entities: Object.fromEntries(ENTITY_COLLECTIONS.map((c) => [c, collectionDiff(before, after, c)])) as Record<
      EntityCollection,
      CollectionDiff
    >,
    sections: Object.fromEntries(POLICY_SECTIONS.map((s) => [s, fieldChanges(before[s], after[s])])) as Record<
      PolicySection,
      FieldChange[]
    >,
  };
}

/** Whether the diff changes anything that routes leads (a new label alone does not). */
export const isEmptyDiff = (diff: OrgConfigDiff): boolean =>
  ENTITY_COLLECTIONS.every((c) => diff.entities[c].changes.length === 0 && diff.entities[c].reordered === null) &&
  POLICY_SECTIONS.every((s) => diff.sections[s].length === 0);

export type DiffClass = 'unchanged' | 'roster-only' | 'sensitive';

export interface DiffClassification {
  readonly kind: DiffClass;
  /** Why it is sensitive, one line per entity or section (`licences lic-uk-1 removed`, `suitability changed`). */
  readonly sensitive: readonly string[];
}

function sensitiveEntityChanges(collection: EntityCollection, d: CollectionDiff): string[] {
  const roster = ROSTER_FIELDS[collection] ?? [];
  const reasons = d.changes.flatMap((c) => {
    if (c.change !== 'changed') return [`${collection} ${c.key} ${c.change}`];
    const outside = c.fields.filter((f) => !roster.includes(f.path)).map((f) => f.path);
    return outside.length > 0 ? [`${collection} ${c.key} changed: ${outside.join(', ')}`] : [];
  });
  return d.reordered ? [...reasons, `${collection} reordered`] : reasons;
}

/**
 * Roster-only when every change is a roster field of an existing rep or team (ROSTER_FIELDS); sensitive
 * otherwise — licences, appointments, suitability, screening, access, rules, products and the firm, and
 * also every other policy section (conduct, SLA, retention, sources, scoring): what is not a roster edit
 * needs a second person.
 */
export function classifyDiff(diff: OrgConfigDiff): DiffClassification {
  const sensitive = [
    ...ENTITY_COLLECTIONS.flatMap((c) => sensitiveEntityChanges(c, diff.entities[c])),
    ...POLICY_SECTIONS.filter((s) => diff.sections[s].length > 0).map((s) => `${s} changed`),
  ];
  if (sensitive.length > 0) return { kind: 'sensitive', sensitive };
  return { kind: isEmptyDiff(diff) ? 'unchanged' : 'roster-only', sensitive: [] };
}

/** Counts per collection and section, for audit entries and lists. */
export function diffSummary(diff: OrgConfigDiff): Record<string, { added: number; removed: number; changed: number } | number> {
  const summary: Record<string, { added: number; removed: number; changed: number } | number> = {};
  for (const c of ENTITY_COLLECTIONS) {
    const changes = diff.entities[c].changes;
    if (changes.length === 0) continue;
    const count = (k: EntityChange['change']) => changes.filter((x) => x.change === k).length;
    summary[c] = { added: count('added'), removed: count('removed'), changed: count('changed') };
  }
  for (const s of POLICY_SECTIONS) if (diff.sections[s].length > 0) summary[s] = diff.sections[s].length;
  return summary;
}
