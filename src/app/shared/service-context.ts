import type { Clock, IdSource } from '../../domain/shared/clock.ts';
import type { Store } from '../../store/unit-of-work.ts';
import type { AccountDirectory } from '../intake/account-directory.ts';
import type { CompanyEnricher } from '../intake/company-enricher.ts';
import type { OrgRegistry } from '../routing/org-registry.ts';
import type { ScreeningService } from '../../screening/screening-service.ts';
import type { ListSourceCatalogue } from '../../screening/list-sources.ts';
import type { CompiledPacks } from '../../config/load-packs.ts';
import type { WebhookTargetPolicy } from '../webhooks/webhook-target-policy.ts';
import type { Logger } from '../observability/logger.ts';
import type { NotificationPlanner } from '../notifications/notification-planner.ts';
import type { RemitMetrics } from '../observability/remit-metrics.ts';
import type { ScheduledCheckLog } from '../screening/scheduled-check-log.ts';

/** What every use case gets: ports and shared services, no adapters. */
export interface ServiceContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** The process's pino logger (the HTTP server logs through the same instance); tests pass a silent one. */
  readonly log: Logger;
  /** Prometheus metrics (GET /metrics): counters bumped where work happens, gauges read on scrape. */
  readonly metrics: RemitMetrics;
  readonly orgs: OrgRegistry;
  readonly accounts: AccountDirectory;
  /** Company enrichment before routing (org config `enrichment`; docs/intake.md "Enrichment"), with its per-domain cache. */
  readonly enricher: CompanyEnricher;
  /** Sanctions/PEP/blocklist screening; null = no lists configured (leads are not_screened). */
  readonly screening: ScreeningService | null;
  /** The configured list sources (<config>/screening/lists.yaml): the only lists a reload may load. */
  readonly listSources?: ListSourceCatalogue | undefined;
  /** What the scheduled list checks on this instance found (docs/screening.md "Scheduled reloads"); omitted: none run. */
  readonly listChecks?: ScheduledCheckLog;
  /** Conduct rule packs (outreach gate, cooling-off); omitted: the repository's packs/ are loaded on first use. */
  readonly conduct?: CompiledPacks;
  /** Where webhooks may be delivered (SSRF guard); omitted: public addresses only, nothing allowed in addition. */
  readonly webhookTargets?: WebhookTargetPolicy;
  /**
   * Runs with each outbox event in its transaction (events/outbox-followers.ts): notification rows (docs/notifications.md)
   * and CRM write-back rows (docs/crm.md); omitted: nothing is queued besides the webhook deliveries.
   */
  readonly notify?: NotificationPlanner | undefined;
}
