import type { IdSource } from '../../domain/shared/clock.ts';
import type { NotificationPlanner } from '../notifications/notification-planner.ts';
import type { OrgRegistry } from '../routing/org-registry.ts';
import { crmUpdateFor } from './crm-update.ts';

/** Outbox events after which the CRM record is brought up to date: decisions, reassignments, status changes. */
export const CRM_WRITEBACK_TRIGGERS: readonly string[] = [
  'lead.assigned',
  'lead.queued',
  'lead.refused',
  'lead.held',
  'lead.nurture',
  'lead.reassigned',
  'lead.status_changed',
  'lead.sla_exhausted',
];

/**
 * Writes the crm_writebacks rows of an outbox event in the caller's transaction (docs/crm.md): nothing for a rolled-back
 * change, nothing lost on a crash. The lead row read here already carries the change (use cases update it before they
 * record its events). A lead is written back to every target whose `leadSource` is the lead's source and whose record
 * id field the lead has; a newer row supersedes an unsent older one for the same record.
 */
export function crmWritebackPlanner(deps: {
  readonly orgs: Pick<OrgRegistry, 'current'>;
  readonly ids: IdSource;
  /** REMIT_CONSOLE_URL: the story link written to the CRM; unset, no link is written. */
  readonly consoleUrl?: string | undefined;
}): NotificationPlanner {
  return async (tx, event) => {
    if (!CRM_WRITEBACK_TRIGGERS.includes(event.eventType)) return;
    const targets = deps.orgs.current.config.crmWriteBack ?? [];
    const leadId = (event.data as { leadId?: unknown } | null)?.leadId;
    if (targets.length === 0 || typeof leadId !== 'string') return;
    const lead = await tx.leads.get(leadId);
    if (!lead) return;
    const stored = JSON.parse(lead.leadJson) as { readonly source?: string; readonly custom?: Readonly<Record<string, unknown>> };
    for (const target of targets) {
      const recordId = stored.custom?.[target.recordIdField];
      if (stored.source !== target.leadSource || typeof recordId !== 'string' || recordId.trim() === '') continue;
      const update = crmUpdateFor(target, lead, event, deps.consoleUrl);
      await tx.crmWritebacks.add({
        id: deps.ids.next('crm'),
        leadId,
        targetId: target.id,
        recordId: recordId.trim(),
        eventId: event.eventId,
        updateJson: JSON.stringify(update),
        createdAt: event.createdAt,
      });
    }
  };
}
