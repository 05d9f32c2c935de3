import { isValidZone } from './local-time.ts';
import type { RulePackData } from './rule-pack.schema.ts';

export interface PackIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Checks the schema cannot express: source references resolve, ids are unique, zones exist, windows are sane. */
export function packIssues(pack: RulePackData): PackIssue[] {
  const issues: PackIssue[] = [];
  const sourceIds = new Set(pack.sources.map((s) => s.id));
  const items: readonly { id: string; source: string }[] =
    pack.kind === 'outreach' ? pack.rules : pack.kind === 'cooling_off' ? pack.entries : [];
  const listName = pack.kind === 'outreach' ? 'rules' : 'entries';
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (!sourceIds.has(item.source))
      issues.push({ path: [listName, i, 'source'], message: `unknown source "${item.source}" (declared: ${[...sourceIds].join(', ')})` });
    if (seen.has(item.id)) issues.push({ path: [listName, i, 'id'], message: `duplicate id "${item.id}"` });
    seen.add(item.id);
  });
  if (pack.kind === 'outreach') {
    pack.rules.forEach((r, i) => {
      if (r.kind === 'quiet_hours' && r.allowed.from >= r.allowed.to)
        issues.push({ path: ['rules', i, 'allowed'], message: `window ${r.allowed.from}–${r.allowed.to} is empty` });
    });
  }
  if (pack.kind === 'time_zones') {
    for (const [j, zones] of Object.entries(pack.zones)) {
      zones.forEach((z, i) => {
        if (!isValidZone(z)) issues.push({ path: ['zones', j, i], message: `unknown IANA time zone "${z}"` });
      });
    }
  }
  return issues;
}
