import type { ConsentRecord, FirmDncEntry, OutreachInput } from '../../domain/conduct/outreach-input.ts';
import { PHONE_CHANNELS } from '../../domain/conduct/channels.ts';
import type { Channel, CoolingOffEvent, Purpose } from '../../domain/conduct/rule-pack.schema.ts';
import type { IntakeConsent } from '../../domain/intake/intake-lead.schema.ts';
import { LeadSchema, type Lead } from '../../domain/lead/lead.schema.ts';
import type { CoolingOffFacts } from '../../domain/lifecycle/cooling-off.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { countryOf } from '../../domain/shared/jurisdiction.ts';
import type { LeadEventRecord } from '../../store/ports/lead-events.port.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';

/** Lead event kinds this feature writes (lead history). */
export const CONDUCT_EVENTS = {
  fact: 'conduct.fact',
  transition: 'lifecycle.transition',
  blocked: 'lifecycle.blocked',
  outreachRecorded: 'outreach.recorded',
  outreachDenied: 'outreach.denied',
  optOut: 'opt_out.recorded',
  consent: 'consent.changed',
  slaWarned: 'sla.warned',
  slaMissed: 'sla.missed',
  reassigned: 'sla.reassigned',
  escalated: 'sla.escalated',
  parked: 'sla.parked',
} as const;

/** Everything the conduct rules need about one lead, read in the caller's transaction. */
export interface LeadConductView {
  readonly record: LeadRecord;
  readonly lead: Lead;
  readonly phone: string | null;
  readonly email: string | null;
  readonly address: { readonly country: string; readonly subdivision?: string | undefined };
  readonly intakeConsent: IntakeConsent | null;
  readonly events: readonly LeadEventRecord[];
}

interface StoredContact {
  readonly phoneE164?: string;
  readonly email?: string;
  readonly address?: { readonly country?: string; readonly subdivision?: string };
}

/** Reads (and with `lock`, locks) the lead and what the conduct rules need; undefined when there is no such lead. */
export async function loadConductView(tx: UnitOfWork, leadId: string, opts: { lock: boolean }): Promise<LeadConductView | undefined> {
  const record = opts.lock ? await tx.leads.lock(leadId) : await tx.leads.get(leadId);
  if (!record) return undefined;
  const lead = LeadSchema.parse(JSON.parse(record.leadJson));
  const personal = await tx.personalData.get(leadId);
  const contact: StoredContact = personal && !personal.erasedAt ? (JSON.parse(personal.contactJson) as StoredContact) : {};
  const subdivision = contact.address?.subdivision ?? (lead.jurisdiction.includes('-') ? lead.jurisdiction : undefined);
  return {
    record,
    lead,
    phone: contact.phoneE164 ?? null,
    email: contact.email ?? null,
    address: { country: contact.address?.country ?? countryOf(lead.jurisdiction), ...(subdivision ? { subdivision } : {}) },
    intakeConsent: personal?.consentJson ? (JSON.parse(personal.consentJson) as IntakeConsent) : null,
    events: await tx.events.listForLead(leadId),
  };
}

interface FactPayload {
  readonly event?: CoolingOffEvent;
  readonly at?: string;
  readonly flags?: readonly string[];
}

/** The earliest recorded instant of each lifecycle fact (first contact, information provided …) and the lead's flags. */
export function recordedFacts(events: readonly LeadEventRecord[]): { events: Partial<Record<CoolingOffEvent, number>>; flags: string[] } {
  const at: Partial<Record<CoolingOffEvent, number>> = {};
  const flags = new Set<string>();
  for (const e of events) {
    if (e.kind !== CONDUCT_EVENTS.fact) continue;
    const p = JSON.parse(e.payloadJson) as FactPayload;
    if (p.event && p.at) {
      const ms = Date.parse(p.at);
      if (at[p.event] === undefined || ms < at[p.event]!) at[p.event] = ms;
    }
    for (const f of p.flags ?? []) flags.add(f);
  }
  return { events: at, flags: [...flags].sort() };
}

/** Cooling-off facts (C5) for the lead: jurisdiction, product lines, flags, the customer's zone and the recorded facts. */
export function coolingOffFacts(view: LeadConductView, org: CompiledOrg): CoolingOffFacts {
  const facts = recordedFacts(view.events);
  return {
    jurisdiction: view.lead.jurisdiction,
    productLines: org.products.get(view.lead.product)?.productLines ?? [],
    flags: facts.flags,
    timeZone: view.lead.timeZone,
    events: facts.events,
  };
}

/** Intake consent channels → outreach channels. */
const INTAKE_CHANNELS: Readonly<Record<string, Channel>> = {
  email: 'email',
  phone: 'call',
  sms: 'sms',
  post: 'letter',
  messaging: 'whatsapp',
};

export interface OutreachRequest {
  readonly channel: Channel;
  readonly at: number;
  readonly templateId: string | null;
  readonly subject?: string | undefined;
  readonly purpose?: Purpose | undefined;
  readonly automated?: { readonly autodialled: boolean; readonly prerecorded: boolean } | undefined;
}

/** Intake consent (one record per channel it covers) with later grants added and revocations applied in order. */
async function consentsOf(tx: UnitOfWork, view: LeadConductView): Promise<ConsentRecord[]> {
  const { lead, phone } = view;
  const consents: ConsentRecord[] = [];
  const c = view.intakeConsent;
  if (c && c.marketing) {
    const channels = c.channels
      ? c.channels.map((ch) => INTAKE_CHANNELS[ch]).filter((ch): ch is Channel => ch !== undefined)
      : (Object.values(INTAKE_CHANNELS) as Channel[]);
    for (const channel of channels) {
      consents.push({
        channel,
        givenAt: Date.parse(c.capturedAt),
        wording: c.wording,
        ...(phone && PHONE_CHANNELS.includes(channel) ? { phone } : {}),
        priorExpressWritten: false,
      });
    }
  }
  for (const change of await tx.conduct.listConsentChanges(lead.id)) {
    const at = Date.parse(change.at);
    if (change.action === 'grant') {
      consents.push({
        channel: change.channel,
        givenAt: at,
        wording: change.wording ?? '',
        ...(change.phone ? { phone: change.phone } : {}),
        priorExpressWritten: change.priorExpressWritten,
        conditionOfPurchase: change.conditionOfPurchase,
      });
    } else {
      for (const [i, k] of consents.entries())
        if (k.channel === change.channel && k.givenAt <= at && k.revokedAt === undefined) consents[i] = { ...k, revokedAt: at };
    }
  }
  return consents;
}

/** The firm's suppression list entries that match the number, the address or its domain. */
async function firmDncOf(tx: UnitOfWork, phone: string | null, email: string | null): Promise<FirmDncEntry[]> {
  const domain = email?.split('@')[1];
  const suppressions = await tx.suppressions.find([
    ...(phone ? [{ kind: 'phone' as const, value: phone }] : []),
    ...(email ? [{ kind: 'email' as const, value: email }] : []),
    ...(domain ? [{ kind: 'domain' as const, value: domain }] : []),
  ]);
  return suppressions.flatMap((s) =>
    s.kind === 'phone'
      ? PHONE_CHANNELS.map((channel) => ({ channel, requestedAt: Date.parse(s.createdAt) }))
      : [{ channel: 'email' as const, requestedAt: Date.parse(s.createdAt) }],
  );
}

/**
 * The gate's input (C4) assembled from what Remit stores: the lead (jurisdiction, product, customer
 * type, account = existing relationship), personal data (phone, address, intake consent), consent
 * changes, opt-outs (also those given on the person's other leads, by phone or email), registry
 * scrubs of the number, the firm's suppression list (firm DNC), prior outreach (caps) and the
 * approved promotions.
 */
export async function assembleOutreachInput(
  tx: UnitOfWork,
  view: LeadConductView,
  org: CompiledOrg,
  req: OutreachRequest,
): Promise<OutreachInput> {
  const { lead, phone, email } = view;
  const consents = await consentsOf(tx, view);
  const optOuts = (await tx.conduct.listOptOuts({ leadId: lead.id, phone, email })).map((o) => ({
    channel: o.channel,
    at: Date.parse(o.at),
    kind: o.kind,
  }));
  const registries = phone
    ? (await tx.conduct.scrubsFor(phone)).map((s) => ({ registry: s.registry, listed: s.listed, scrubbedAt: Date.parse(s.scrubbedAt) }))
    : [];
  const firmDnc = await firmDncOf(tx, phone, email);
  const history = (await tx.conduct.listOutreach({ leadId: lead.id, phone })).map((o) => ({
    channel: o.channel,
    at: Date.parse(o.at),
    subject: o.subject,
  }));
  const approvedPromotions = (await tx.conduct.listPromotions()).map((p) => ({
    id: p.id,
    approver: p.approver,
    jurisdictions: p.jurisdictions,
    audience: p.audience,
    ...(p.validFrom ? { validFrom: Date.parse(p.validFrom) } : {}),
    ...(p.validTo ? { validTo: Date.parse(p.validTo) } : {}),
  }));
  const product = org.products.get(lead.product);
  return {
    channel: req.channel,
    at: req.at,
    purpose: req.purpose ?? 'marketing',
    ...(req.automated ? { automated: req.automated } : {}),
    templateId: req.templateId,
    subject: req.subject ?? lead.product,
    recipient: { ...(phone ? { phone } : {}), address: view.address, ...(lead.timeZone ? { timeZone: lead.timeZone } : {}) },
    product: { id: lead.product, productLines: product?.productLines ?? [] },
    customerType: lead.customer.classification.category,
    consents,
    optOuts,
    registries,
    firmDnc,
    existingRelationship: lead.account !== undefined,
    history,
    approvedPromotions,
  };
}
