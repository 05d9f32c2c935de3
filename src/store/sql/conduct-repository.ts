import type { Kysely, Selectable } from 'kysely';
import { ChannelSchema } from '../../domain/conduct/rule-pack.schema.ts';
import type {
  ConductRepository,
  ConsentChangeRecord,
  OptOutRecord,
  OutreachChannel,
  OutreachLogRecord,
  PromotionRecord,
  SlaTimerKind,
  SlaTimerRecord,
  SlaTimerRepository,
  SlaTimerStatus,
} from '../ports/conduct.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { ConsentChangesTable, Database, OptOutsTable, OutreachLogTable, PromotionsTable, SlaTimersTable } from './schema.ts';
import type { StatementShapes } from './statement-shapes.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new StoreInputError(`${what} must be a non-empty string`);
  return value;
}
function textOrNull(value: unknown, what: string): string | null {
  return value === null ? null : text(value, what);
}
/** Stored instants are millisecond `toISOString()` text so they compare as strings. */
function instant(value: unknown, what: string): string {
  const s = text(value, what);
  if (!ISO.test(s) || Number.isNaN(Date.parse(s)))
    throw new StoreInputError(`${what} must be an ISO-8601 UTC instant (…Z), got ${JSON.stringify(value)}`);
  return new Date(s).toISOString();
}
function json(value: unknown, what: string): string {
  const s = text(value, what);
  try {
    JSON.parse(s);
  } catch (e) {
    throw new StoreInputError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  return s;
}
function channel(value: unknown): OutreachChannel {
  if (!ChannelSchema.options.includes(value as OutreachChannel))
    throw new StoreInputError(`unknown channel ${JSON.stringify(value)} (expected ${ChannelSchema.options.join(', ')})`);
  return value as OutreachChannel;
}
function optOutKind(value: unknown): string {
  if (value !== 'stop' && value !== 'unsubscribe' && value !== 'objection')
    throw new StoreInputError(`unknown opt-out kind ${JSON.stringify(value)}`);
  return value;
}
function limitOf(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new StoreInputError(`limit must be an integer from 1 to 1000, got ${JSON.stringify(limit)}`);
  return limit;
}

const toOutreach = (r: Selectable<OutreachLogTable>): OutreachLogRecord => ({
  id: r.id,
  leadId: r.lead_id,
  channel: r.channel as OutreachChannel,
  subject: r.subject,
  templateId: r.template_id,
  phone: r.phone,
  repId: r.rep_id,
  actor: r.actor,
  at: r.at,
  decisionJson: r.decision_json,
});
const toOptOut = (r: Selectable<OptOutsTable>): OptOutRecord => ({
  id: r.id,
  leadId: r.lead_id,
  phone: r.phone,
  email: r.email,
  channel: r.channel as OutreachChannel,
  kind: r.kind as OptOutRecord['kind'],
  at: r.at,
  actor: r.actor,
  recordedAt: r.recorded_at,
});
const toConsent = (r: Selectable<ConsentChangesTable>): ConsentChangeRecord => ({
  id: r.id,
  leadId: r.lead_id,
  channel: r.channel as OutreachChannel,
  action: r.action as ConsentChangeRecord['action'],
  at: r.at,
  wording: r.wording,
  phone: r.phone,
  priorExpressWritten: Number(r.prior_express_written) === 1,
  conditionOfPurchase: Number(r.condition_of_purchase) === 1,
  actor: r.actor,
  recordedAt: r.recorded_at,
});
const toPromotion = (r: Selectable<PromotionsTable>): PromotionRecord => ({
  id: r.id,
  approver: r.approver,
  jurisdictions: JSON.parse(r.jurisdictions_json) as string[],
  audience: r.audience as PromotionRecord['audience'],
  validFrom: r.valid_from,
  validTo: r.valid_to,
  updatedAt: r.updated_at,
});

export function conductRepository(db: Kysely<Database>): ConductRepository {
  return { ...outreachLog(db), ...optOutsAndConsents(db), ...scrubsAndPromotions(db) };
}

function outreachLog(
  db: Kysely<Database>,
): Pick<ConductRepository, 'appendOutreach' | 'forgetLeadContact' | 'pruneOutreachBefore' | 'listOutreach'> {
  return {
    async appendOutreach(rec) {
      await db
        .insertInto('outreach_log')
        .values({
          id: text(rec.id, 'outreach id'),
          lead_id: text(rec.leadId, 'outreach leadId'),
          channel: channel(rec.channel),
          subject: text(rec.subject, 'outreach subject'),
          template_id: textOrNull(rec.templateId, 'outreach templateId'),
          phone: textOrNull(rec.phone, 'outreach phone'),
          rep_id: textOrNull(rec.repId, 'outreach repId'),
          actor: text(rec.actor, 'outreach actor'),
          at: instant(rec.at, 'outreach at'),
          decision_json: json(rec.decisionJson, 'outreach decisionJson'),
        })
        .execute();
    },
    async forgetLeadContact(leadId) {
      const id = text(leadId, 'leadId');
      const forget = (table: 'outreach_log' | 'consent_changes') =>
        db.updateTable(table).set({ phone: null }).where('lead_id', '=', id).where('phone', 'is not', null).executeTakeFirst();
      const outreach = await forget('outreach_log');
      const consent = await forget('consent_changes');
      return { outreach: Number(outreach.numUpdatedRows), consentChanges: Number(consent.numUpdatedRows) };
    },
    async pruneOutreachBefore(before, opts) {
      const cutoff = instant(before, 'before');
      if (opts.dryRun) {
        const row = await db
          .selectFrom('outreach_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('at', '<', cutoff)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      }
      return Number((await db.deleteFrom('outreach_log').where('at', '<', cutoff).executeTakeFirst()).numDeletedRows);
    },
    async listOutreach(filter) {
      const rows = await db
        .selectFrom('outreach_log')
        .selectAll()
        .where((eb) =>
          filter.phone ? eb.or([eb('lead_id', '=', filter.leadId), eb('phone', '=', filter.phone)]) : eb('lead_id', '=', filter.leadId),
        )
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map(toOutreach);
    },
  };
}

function optOutsAndConsents(
  db: Kysely<Database>,
): Pick<ConductRepository, 'addOptOut' | 'listOptOuts' | 'addConsentChange' | 'listConsentChanges'> {
  return {
    async addOptOut(rec) {
      await db
        .insertInto('opt_outs')
        .values({
          id: text(rec.id, 'opt-out id'),
          lead_id: text(rec.leadId, 'opt-out leadId'),
          phone: textOrNull(rec.phone, 'opt-out phone'),
          email: textOrNull(rec.email, 'opt-out email'),
          channel: channel(rec.channel),
          kind: optOutKind(rec.kind),
          at: instant(rec.at, 'opt-out at'),
          actor: text(rec.actor, 'opt-out actor'),
          recorded_at: instant(rec.recordedAt, 'opt-out recordedAt'),
        })
        .execute();
    },
    async listOptOuts(filter) {
      const rows = await db
        .selectFrom('opt_outs')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('lead_id', '=', filter.leadId),
            ...(filter.phone ? [eb('phone', '=', filter.phone)] : []),
            ...(filter.email ? [eb('email', '=', filter.email)] : []),
          ]),
        )
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map(toOptOut);
    },
    async addConsentChange(rec) {
      if (rec.action !== 'grant' && rec.action !== 'revoke')
        throw new StoreInputError(`unknown consent action ${JSON.stringify(rec.action)}`);
      await db
        .insertInto('consent_changes')
        .values({
          id: text(rec.id, 'consent id'),
          lead_id: text(rec.leadId, 'consent leadId'),
          channel: channel(rec.channel),
          action: rec.action,
          at: instant(rec.at, 'consent at'),
          wording: textOrNull(rec.wording, 'consent wording'),
          phone: textOrNull(rec.phone, 'consent phone'),
          prior_express_written: rec.priorExpressWritten ? 1 : 0,
          condition_of_purchase: rec.conditionOfPurchase ? 1 : 0,
          actor: text(rec.actor, 'consent actor'),
          recorded_at: instant(rec.recordedAt, 'consent recordedAt'),
        })
        .execute();
    },
    async listConsentChanges(leadId) {
      const rows = await db.selectFrom('consent_changes').selectAll().where('lead_id', '=', leadId).orderBy('at').orderBy('id').execute();
      return rows.map(toConsent);
    },
  };
}

function scrubsAndPromotions(
  db: Kysely<Database>,
): Pick<ConductRepository, 'recordScrub' | 'scrubsFor' | 'upsertPromotion' | 'listPromotions'> {
  return {
    async recordScrub(rec) {
      const registry = text(rec.registry, 'scrub registry');
      const at = instant(rec.scrubbedAt, 'scrub scrubbedAt');
      const source = text(rec.source, 'scrub source');
      const listed = [...new Set(rec.listed.map((p) => text(p, 'listed phone')))].sort();
      await db.deleteFrom('registry_listings').where('registry', '=', registry).where('scrubbed_at', '=', at).execute();
      await db
        .insertInto('registry_scrubs')
        .values({ registry, scrubbed_at: at, source })
        .onConflict((oc) => oc.columns(['registry', 'scrubbed_at']).doUpdateSet({ source: (eb) => eb.ref('excluded.source') }))
        .execute();
      for (let i = 0; i < listed.length; i += 500) {
        await db
          .insertInto('registry_listings')
          .values(listed.slice(i, i + 500).map((phone) => ({ registry, scrubbed_at: at, phone })))
          .execute();
      }
    },
    async scrubsFor(phone) {
      const scrubs = await db.selectFrom('registry_scrubs').selectAll().orderBy('registry').orderBy('scrubbed_at', 'desc').execute();
      const listings = await db.selectFrom('registry_listings').select(['registry', 'scrubbed_at']).where('phone', '=', phone).execute();
      const listed = new Set(listings.map((l) => `${l.registry}\u0000${l.scrubbed_at}`));
      const perRegistry = new Map<string, number>();
      const out: { registry: string; scrubbedAt: string; listed: boolean }[] = [];
      for (const s of scrubs) {
        const n = perRegistry.get(s.registry) ?? 0;
        if (n >= 10) continue;
        perRegistry.set(s.registry, n + 1);
        out.push({ registry: s.registry, scrubbedAt: s.scrubbed_at, listed: listed.has(`${s.registry}\u0000${s.scrubbed_at}`) });
      }
      return out;
    },
    async upsertPromotion(rec) {
      if (rec.audience !== 'all' && rec.audience !== 'professional_only')
        throw new StoreInputError(`unknown audience ${JSON.stringify(rec.audience)}`);
      const row = {
        id: text(rec.id, 'promotion id'),
        approver: text(rec.approver, 'promotion approver'),
        jurisdictions_json: JSON.stringify(rec.jurisdictions.map((j) => text(j, 'promotion jurisdiction'))),
        audience: rec.audience,
        valid_from: rec.validFrom === null ? null : instant(rec.validFrom, 'promotion validFrom'),
        valid_to: rec.validTo === null ? null : instant(rec.validTo, 'promotion validTo'),
        updated_at: instant(rec.updatedAt, 'promotion updatedAt'),
      };
      await db
        .insertInto('promotions')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            approver: (eb) => eb.ref('excluded.approver'),
            jurisdictions_json: (eb) => eb.ref('excluded.jurisdictions_json'),
            audience: (eb) => eb.ref('excluded.audience'),
            valid_from: (eb) => eb.ref('excluded.valid_from'),
            valid_to: (eb) => eb.ref('excluded.valid_to'),
            updated_at: (eb) => eb.ref('excluded.updated_at'),
          }),
        )
        .execute();
    },
    async listPromotions() {
      return (await db.selectFrom('promotions').selectAll().orderBy('id').execute()).map(toPromotion);
    },
  };
}

// ---------------------------------------------------------------------------------------------

const SLA_KINDS: readonly SlaTimerKind[] = ['accept', 'first_contact', 'accept_warning', 'first_contact_warning'];

const toTimer = (r: Selectable<SlaTimersTable>): SlaTimerRecord => ({
  id: r.id,
  leadId: r.lead_id,
  kind: r.kind as SlaTimerKind,
  repId: r.rep_id,
  teamId: r.team_id,
  assignedAt: r.assigned_at,
  dueAt: r.due_at,
  status: r.status as SlaTimerStatus,
  createdAt: r.created_at,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  outcomeJson: r.outcome_json,
});

export function slaTimerRepository(db: Kysely<Database>, caps: StoreCapabilities, shapes: StatementShapes): SlaTimerRepository {
  return { ...slaTimerWrites(db, caps, shapes), ...slaTimerReads(db) };
}

function slaTimerWrites(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
): Pick<SlaTimerRepository, 'schedule' | 'cancelPending' | 'due' | 'claim' | 'close'> {
  return {
    async schedule(timers) {
      if (timers.length === 0) return;
      const rows = timers.map((t) => {
        if (!SLA_KINDS.includes(t.kind)) throw new StoreInputError(`unknown SLA timer kind ${JSON.stringify(t.kind)}`);
        return {
          id: text(t.id, 'timer id'),
          lead_id: text(t.leadId, 'timer leadId'),
          kind: t.kind,
          rep_id: text(t.repId, 'timer repId'),
          team_id: textOrNull(t.teamId, 'timer teamId'),
          assigned_at: instant(t.assignedAt, 'timer assignedAt'),
          due_at: instant(t.dueAt, 'timer dueAt'),
          status: 'PENDING',
          created_at: instant(t.createdAt, 'timer createdAt'),
          closed_at: null,
          closed_by: null,
          outcome_json: null,
        };
      });
      await shapes.run(db, 'sla_timers', rows, (r) => db.insertInto('sla_timers').values(r), 'sla_timers');
    },
    async cancelPending(leadId, patch) {
      const at = instant(patch.at, 'cancel at');
      const r = await db
        .updateTable('sla_timers')
        .set({ status: 'CANCELLED', closed_at: at, closed_by: text(patch.by, 'cancel by') })
        .where('lead_id', '=', leadId)
        .where('status', '=', 'PENDING')
        .$if(patch.kinds !== undefined, (q) => q.where('kind', 'in', patch.kinds!.length > 0 ? [...patch.kinds!] : ['-']))
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async due(now, limit) {
      const rows = await db
        .selectFrom('sla_timers')
        .select(['id', 'lead_id'])
        .where('status', '=', 'PENDING')
        .where('due_at', '<=', instant(now, 'now'))
        .orderBy('due_at')
        .orderBy('id')
        .limit(limitOf(limit))
        .execute();
      return rows.map((r) => ({ id: r.id, leadId: r.lead_id }));
    },
    async claim(id) {
      const row = await db
        .selectFrom('sla_timers')
        .selectAll()
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .$if(caps.rowLocks, (q) => q.forUpdate().skipLocked())
        .executeTakeFirst();
      return row ? toTimer(row) : undefined;
    },
    async close(id, patch) {
      if (patch.status !== 'FIRED' && patch.status !== 'CANCELLED')
        throw new StoreInputError(`cannot close a timer as ${JSON.stringify(patch.status)}`);
      const r = await db
        .updateTable('sla_timers')
        .set({
          status: patch.status,
          closed_at: instant(patch.at, 'close at'),
          closed_by: text(patch.by, 'close by'),
          outcome_json: patch.outcomeJson === null ? null : json(patch.outcomeJson, 'timer outcomeJson'),
        })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new StoreInputError(`SLA timer ${id} is not PENDING`);
    },
  };
}

function slaTimerReads(db: Kysely<Database>): Pick<SlaTimerRepository, 'listForLead' | 'listForLeads'> {
  return {
    async listForLead(leadId) {
      return (
        await db.selectFrom('sla_timers').selectAll().where('lead_id', '=', leadId).orderBy('created_at').orderBy('id').execute()
      ).map(toTimer);
    },
    async listForLeads(leadIds) {
      const ids = [...new Set(leadIds)];
      const out: SlaTimerRecord[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .selectFrom('sla_timers')
          .selectAll()
          .where('lead_id', 'in', ids.slice(i, i + 500))
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        out.push(...rows.map(toTimer));
      }
      return out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
    },
  };
}
