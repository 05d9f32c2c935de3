import type { AuditRecord } from './audit-trail.ts';

/** The audit entry for a published org/rule version (docs/operations.md: who, when, before/after). */
export function orgPublishedAudit(
  record: { readonly hash: string; readonly version: string; readonly createdAt: string; readonly createdBy: string },
  previousHash: string | null,
  reason?: string,
): AuditRecord {
  return {
    kind: 'org_change',
    subject: `org:${record.hash}`,
    actor: record.createdBy,
    at: record.createdAt,
    payload: { action: 'org_version.published', version: record.version, before: previousHash, after: record.hash, reason },
  };
}
