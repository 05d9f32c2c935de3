import type { Lead } from '../lead/lead.ts';
import type { CustomerProfile } from '../eligibility/customer-profile.ts';
import type { ProductConfig } from '../org/org-config.schema.ts';

/** Everything a condition may look at, resolved once per decision. */
export interface EvaluationContext {
  readonly lead: Lead;
  readonly customer: CustomerProfile;
  readonly product: ProductConfig;
  /** Decision time, epoch ms. */
  readonly at: number;
}
