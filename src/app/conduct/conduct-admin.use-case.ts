import { toIso } from '../../domain/shared/zoned-time.ts';
import type { PromotionRecord, RegistryScrubRecord } from '../../store/ports/conduct.port.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** Records a do-not-call registry scrub (US national DNC, UK TPS …): when it ran and which of the firm's numbers it found listed. */
export async function recordRegistryScrub(
  ctx: ServiceContext,
  principal: Principal,
  input: { registry: string; scrubbedAt: string; listed: readonly string[]; source?: string | undefined },
) {
  const record: RegistryScrubRecord = {
    registry: input.registry,
    scrubbedAt: toIso(Date.parse(input.scrubbedAt)),
    listed: [...new Set(input.listed)].sort(),
    source: input.source ?? `api:${principal.userId}`,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.conduct.recordScrub(record);
    // Listed numbers are personal data: the audit entry keeps the count, not the numbers.
    await appendAudit(tx, {
      kind: 'outreach',
      subject: `registry:${record.registry}`,
      actor: principal.userId,
      at: toIso(ctx.clock.now()),
      payload: {
        action: 'registry.scrubbed',
        registry: record.registry,
        scrubbedAt: record.scrubbedAt,
        listedCount: record.listed.length,
        source: record.source,
      },
    });
  });
  return { registry: record.registry, scrubbedAt: record.scrubbedAt, listed: record.listed.length, source: record.source };
}

/** Approves (or updates) a financial promotion the outreach gate accepts as a template id. */
export async function upsertPromotion(
  ctx: ServiceContext,
  principal: Principal,
  input: Omit<PromotionRecord, 'updatedAt' | 'validFrom' | 'validTo'> & {
    validFrom?: string | null | undefined;
    validTo?: string | null | undefined;
  },
) {
  const at = toIso(ctx.clock.now());
  const record: PromotionRecord = {
    id: input.id,
    approver: input.approver,
    jurisdictions: [...input.jurisdictions],
    audience: input.audience,
    validFrom: input.validFrom ? toIso(Date.parse(input.validFrom)) : null,
    validTo: input.validTo ? toIso(Date.parse(input.validTo)) : null,
    updatedAt: at,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.conduct.upsertPromotion(record);
    await appendAudit(tx, {
      kind: 'org_change',
      subject: `promotion:${record.id}`,
      actor: principal.userId,
      at,
      payload: { action: 'promotion.approved', roles: principal.roles, ...record },
    });
  });
  return record;
}
