import type { Clock, IdSource } from '../domain/shared/clock.ts';
import type { Store } from '../store/store-port.ts';
import type { AccountDirectory } from './account-directory.ts';
import type { OrgRegistry } from './org-registry.ts';
import type { ScreeningService } from '../screening/screening-service.ts';
import type { ListSourceCatalogue } from '../screening/list-sources.ts';
import type { CompiledPacks } from '../config/load-packs.ts';
import type { WebhookTargetPolicy } from './webhook-target-policy.ts';

/** What every use case gets: ports and shared services, no adapters. */
export interface ServiceContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly orgs: OrgRegistry;
  readonly accounts: AccountDirectory;
  /** Sanctions/PEP/blocklist screening; null = no lists configured (leads are not_screened). */
  readonly screening: ScreeningService | null;
  /** The configured list sources (<config>/screening/lists.yaml): the only lists a reload may load. */
  readonly listSources?: ListSourceCatalogue | undefined;
  /** Conduct rule packs (outreach gate, cooling-off); omitted: the repository's packs/ are loaded on first use. */
  readonly conduct?: CompiledPacks;
  /** Where webhooks may be delivered (SSRF guard); omitted: public addresses only, nothing allowed in addition. */
  readonly webhookTargets?: WebhookTargetPolicy;
}
