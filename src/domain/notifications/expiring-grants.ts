import type { OrgConfig } from '../org/org-config.schema.ts';
import { parseEnd } from '../shared/dates.ts';

/**
 * Licence grants and carrier appointments whose validity ends within a horizon (docs/notifications.md
 * "licence.expiring"): pure, from the org config and an instant. Only active grants of reps who have not left count
 * (a revoked grant or a leaver's licence is not something to renew). A day-only `validTo` lasts through the end of
 * that day in the grant's zone, as routing reads it (domain/shared/dates.ts).
 */

const DAY_MS = 86_400_000;

interface Expiry {
  readonly grantId: string;
  readonly jurisdiction: string;
  readonly validTo: string;
  /** Whole days left, rounded up: 1 means it ends within the next 24 hours. */
  readonly daysLeft: number;
}

export type ExpiringGrant =
  | (Expiry & { readonly kind: 'firm-licence'; readonly entity: string; readonly regulator: string })
  | (Expiry & { readonly kind: 'rep-licence'; readonly repId: string; readonly regulator: string })
  | (Expiry & { readonly kind: 'appointment'; readonly repId: string; readonly carrier: string });

/** What the outbox event says: the subject line's noun, the holder, and the rep told (null: compliance alone). */
export interface ExpiryAnnouncement {
  readonly subject: string;
  readonly holder: string;
  readonly repId: string | null;
}

const ANNOUNCE: { readonly [K in ExpiringGrant['kind']]: (g: Extract<ExpiringGrant, { kind: K }>) => ExpiryAnnouncement } = {
  'firm-licence': (g) => ({ subject: `Firm licence (${g.regulator})`, holder: `entity:${g.entity}`, repId: null }),
  'rep-licence': (g) => ({ subject: `Licence (${g.regulator})`, holder: `rep:${g.repId}`, repId: g.repId }),
  appointment: (g) => ({ subject: `Carrier appointment (${g.carrier})`, holder: `rep:${g.repId}`, repId: g.repId }),
};

export const announcementOf = (g: ExpiringGrant): ExpiryAnnouncement => (ANNOUNCE[g.kind] as (g: ExpiringGrant) => ExpiryAnnouncement)(g);

function expiry(
  g: { readonly id: string; readonly jurisdiction: string; readonly validTo?: string | undefined; readonly timeZone?: string | undefined },
  nowMs: number,
  horizonDays: number,
): Expiry | null {
  if (g.validTo === undefined) return null;
  const left = parseEnd(g.validTo, g.timeZone) - nowMs;
  if (!(left > 0) || left > horizonDays * DAY_MS) return null;
  return { grantId: g.id, jurisdiction: g.jurisdiction, validTo: g.validTo, daysLeft: Math.ceil(left / DAY_MS) };
}

/** Every grant and appointment expiring within `horizonDays` of `nowMs`, soonest first (then by id). */
export function expiringGrants(config: OrgConfig, nowMs: number, horizonDays: number): ExpiringGrant[] {
  const staying = new Set(config.reps.filter((r) => r.status !== 'left').map((r) => r.id));
  const out: ExpiringGrant[] = [];
  for (const g of config.licences) {
    const e = g.status === 'active' ? expiry(g, nowMs, horizonDays) : null;
    if (!e) continue;
    if (g.holder.kind === 'firm') out.push({ ...e, kind: 'firm-licence', entity: g.holder.entity, regulator: g.regulator });
    else if (staying.has(g.holder.rep)) out.push({ ...e, kind: 'rep-licence', repId: g.holder.rep, regulator: g.regulator });
  }
  for (const a of config.appointments) {
    const e = a.status === 'active' && staying.has(a.rep) ? expiry(a, nowMs, horizonDays) : null;
    if (e) out.push({ ...e, kind: 'appointment', repId: a.rep, carrier: a.carrier });
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || a.grantId.localeCompare(b.grantId));
}
