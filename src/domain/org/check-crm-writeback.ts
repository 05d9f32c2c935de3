import { LEAD_STATUSES } from '../lead/lead-status.ts';
import type { CrmTarget } from './crm-writeback.schema.ts';

/** Cross-references of the crmWriteBack section: every rep in an owner map exists; every status mapped is a lead status. */
export function checkCrmWriteBack(
  targets: readonly CrmTarget[] | undefined,
  repIds: ReadonlySet<string>,
  issues: { path: readonly (string | number)[]; message: string }[],
): void {
  (targets ?? []).forEach((t, i) => {
    for (const repId of Object.keys(t.owners))
      if (!repIds.has(repId)) issues.push({ path: ['crmWriteBack', i, 'owners', repId], message: `unknown rep "${repId}"` });
    for (const status of Object.keys(t.statuses ?? {}))
      if (!(LEAD_STATUSES as readonly string[]).includes(status))
        issues.push({
          path: ['crmWriteBack', i, 'statuses', status],
          message: `unknown lead status "${status}" (${LEAD_STATUSES.join(', ')})`,
        });
  });
}
