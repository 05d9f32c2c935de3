import { DateTime } from 'luxon';
import { join } from 'node:path';
import { loadCompiledPacks, type CompiledPacks } from '../../../src/config/load-packs.ts';
import type { OutreachInput } from '../../../src/domain/conduct/outreach-input.ts';

export const PACKS_DIR = join(import.meta.dirname, '../../../packs');

let cached: Promise<CompiledPacks> | null = null;

/** The repository's real packs, loaded and validated once per test file. */
export function realPacks(): Promise<CompiledPacks> {
  cached ??= loadCompiledPacks(PACKS_DIR).then((r) => {
    if (!r.ok) throw new Error(`packs invalid:\n${r.error.map((p) => `${p.file}: ${p.path}: ${p.message}`).join('\n')}`);
    return r.value;
  });
  return cached;
}

/** Epoch ms of a local wall time, e.g. local('America/New_York', '2026-06-10T20:30'). */
export const local = (zone: string, wall: string): number => {
  const dt = DateTime.fromISO(wall, { zone });
  if (!dt.isValid) throw new Error(`bad local time ${wall} ${zone}`);
  return dt.toMillis();
};

export const iso = (ms: number): string => new Date(ms).toISOString();

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** A clean US marketing call (FL recipient, 305 number) that only the rule under test should stop. */
export function usCall(at: number, overrides: Partial<OutreachInput> = {}): OutreachInput {
  return {
    channel: 'call',
    at,
    purpose: 'marketing',
    templateId: null,
    subject: 'term-life',
    recipient: { phone: '+13055550123', address: { country: 'US', subdivision: 'US-FL' }, timeZone: 'America/New_York' },
    product: { id: 'term-life', productLines: ['life'] },
    customerType: 'retail',
    consents: [],
    optOuts: [],
    registries: [{ registry: 'US_NATIONAL_DNC', listed: false, scrubbedAt: at - 5 * DAY }],
    firmDnc: [],
    existingRelationship: false,
    history: [],
    approvedPromotions: [],
    ...overrides,
  };
}

export const ukPromotion = { id: 'promo-uk-1', approver: 'Acme UK Ltd (s21 approver)', jurisdictions: ['GB'], audience: 'all' as const };

/** A clean UK marketing call to a retail client. */
export function ukCall(at: number, overrides: Partial<OutreachInput> = {}): OutreachInput {
  return {
    channel: 'call',
    at,
    purpose: 'marketing',
    templateId: 'promo-uk-1',
    subject: 'isa',
    recipient: { phone: '+447700900123', address: { country: 'GB' }, timeZone: 'Europe/London' },
    product: { id: 'isa', productLines: ['investments'], attributes: ['generally_marketable_packaged_product'] },
    customerType: 'retail',
    consents: [],
    optOuts: [],
    registries: [{ registry: 'UK_TPS', listed: false, scrubbedAt: at - 2 * DAY }],
    firmDnc: [],
    existingRelationship: false,
    history: [],
    approvedPromotions: [ukPromotion],
    ...overrides,
  };
}

export const ruleOf = (d: { rules: readonly { id: string }[] }, id: string) => {
  const r = d.rules.find((x) => x.id === id);
  if (!r) throw new Error(`rule ${id} not in decision`);
  return r as (typeof d.rules)[number] & {
    result: string;
    reasonCode: string;
    detail: string;
    source: { citation: string; url: string };
    packHash: string;
  };
};
