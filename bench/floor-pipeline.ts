/**
 * The work a lead must have done, and nothing else (issue 18, lane floor; bench/ingest-floor.ts serves it over HTTP):
 * each step with the function Remit uses for it, so the decision, the audit texts and the personal-data commitments
 * are Remit's, and with none of the layers around them (Kysely, promise chains, store input checks, re-parsing).
 *
 * In order: the API key (SHA-256 of the bearer token, looked up in memory); the body parsed once; validated and
 * normalised once (`normaliseIntakeFor`: Remit's intake schema, phone, email, names, countries); the score; the
 * dedupe keys; screening (`screenIntake` against the loaded lists, the org's policy); the routable lead
 * (`routableLead`); then one synchronous transaction: the dedupe read (one indexed statement), `decide()` on the
 * in-memory routing state (one process owns the SQLite file, so the state is read from memory and written through),
 * the decision document and the audit entries in canonical JSON with their HMAC commitments, and the writes — lead
 * row (with its outcome), personal data, screening name keys, decision, audit inbox (one INSERT), dedupe keys, outbox
 * event, routing state, SLA timers, a review for a refusal or hold — with prepared node:sqlite statements; COMMIT;
 * the answer, the same body Remit's `POST /v1/leads` sends (JSON.stringify of the same shape, as bytes).
 *
 * Left out, knowingly (docs/performance.md "Lane floor" says what each costs): the lead history rows (`lead_events`,
 * the console's story; the audit trail holds the same facts), notifications (the example org plans ~0.2 per lead),
 * the idempotency request hash (only needed with an Idempotency-Key), the per-key rate limiter, account matching
 * (no accounts are imported in the benchmark), enrichment (the example org configures none), the `__proto__`/NUL body
 * check (Fastify mode has it: Remit's body parser), and metrics.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SQLInputValue } from 'node:sqlite';
import { decisionAuditPayload, recordingView } from '../src/app/audit/decision-audit.ts';
import { INTAKE_PERSONAL_PATHS, screeningAuditPayload, withCommitments, type AuditRecord } from '../src/app/audit/audit-trail.ts';
import { projectLeadEvent, type LeadEvent } from '../src/app/events/lead-events.ts';
import { companyNameKey } from '../src/app/intake/company-name.ts';
import { ingestAnswer, intakeEntryPayload } from '../src/app/intake/ingest-lead.use-case.ts';
import { routableLead } from '../src/app/intake/routable-lead.ts';
import { screenIntake } from '../src/app/intake/screen-intake.ts';
import { leadKeyHashes } from '../src/app/screening/screening-name-keys.ts';
import { randomIds } from '../src/app/shared/random-ids.ts';
import type { IdSource } from '../src/domain/shared/clock.ts';
import { canonicalText } from '../src/audit/index.ts';
import { decide } from '../src/domain/decision/decide.ts';
import type { Decision } from '../src/domain/decision/decision.ts';
import { withSegment } from '../src/domain/intake/company-segment.ts';
import { dedupeKeys } from '../src/domain/intake/dedupe-keys.ts';
import type { NormalisedIntake } from '../src/domain/intake/normalise-lead.ts';
import { scoreLead } from '../src/domain/intake/score-lead.ts';
import type { Lead } from '../src/domain/lead/lead.schema.ts';
import { OPEN_LEAD_STATUSES } from '../src/domain/lead/lead-status.ts';
import type { CompiledOrg } from '../src/domain/org/compiled-org.ts';
import { normaliseIntakeFor } from '../src/domain/org/intake-product.ts';
import { slaConfigOf } from '../src/domain/org/sla.schema.ts';
import { canonicalDataJson, canonicalDataJsonWithout, canonicalJson, spliceMember } from '../src/domain/shared/canonical-json.ts';
import { toIso } from '../src/domain/shared/zoned-time.ts';
import { planSlaTimers } from '../src/domain/sla/sla-plan.ts';
import type { LedgerEntry, RepLoad, RoutingStateView, StateChanges } from '../src/domain/strategies/routing-state.ts';
import type { ScreeningService } from '../src/screening/screening-service.ts';
import { packKeyHashes } from '../src/store/sql/packed-key-hashes.ts';
import type { StepClock } from './floor-steps.ts';
import type { FloorSealer } from './floor-sealer.ts';
import type { FloorStore } from './floor-store.ts';

export interface FloorAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** The routing state, owned by this process: read from memory, every change written through in the lead's transaction. */
class MemoryState implements RoutingStateView {
  readonly pools = new Map<string, { seq: number; reps: Map<string, LedgerEntry> }>();
  readonly loads = new Map<string, RepLoad>();
  poolSeq = (pool: string) => this.pools.get(pool)?.seq ?? 0;
  ledgerEntry = (pool: string, repId: string) => this.pools.get(pool)?.reps.get(repId);
  load = (repId: string) => this.loads.get(repId);

  apply(changes: StateChanges): void {
    if (changes.ledger) {
      const { pool, seq, entries } = changes.ledger;
      const p = this.pools.get(pool) ?? { seq: 0, reps: new Map<string, LedgerEntry>() };
      p.seq = seq;
      for (const [rep, e] of Object.entries(entries)) p.reps.set(rep, e);
      this.pools.set(pool, p);
    }
    if (changes.load) {
      const { repId, day } = changes.load;
      const prev = this.loads.get(repId);
      this.loads.set(repId, { open: (prev?.open ?? 0) + 1, day, today: prev && prev.day === day ? prev.today + 1 : 1 });
    }
  }
}

/** What Remit's answer shows of the recorded intake (ingestAnswer). */
type AnswerView = Parameters<typeof ingestAnswer>[0];

/** A lead validated, normalised, scored and screened, with its dedupe keys: everything before the transaction. */
interface Prepared {
  readonly intake: NormalisedIntake;
  readonly company: Lead['company'];
  readonly score: ReturnType<typeof scoreLead> | null;
  readonly screening: ReturnType<typeof screenIntake>;
  readonly keys: string[];
  readonly receivedAtMs: number;
}

/** What the lead row, personal data and name-key writes need. */
interface IntakeRows {
  readonly leadId: string;
  readonly lead: Lead;
  readonly intake: NormalisedIntake;
  readonly salt: string;
  readonly at: string;
  readonly receivedAtMs: number;
  readonly screeningAudit: ReturnType<typeof screeningAuditPayload>;
}

const OPEN = new Set<string>(OPEN_LEAD_STATUSES);
const json = (status: number, body: unknown): FloorAnswer => ({ status, body: Buffer.from(JSON.stringify(body)) });

export class FloorPipeline {
  readonly #org: CompiledOrg;
  readonly #screening: ScreeningService;
  readonly #store: FloorStore;
  readonly #steps: StepClock;
  readonly #keyHash: string;
  readonly #state = new MemoryState();
  readonly #ids: IdSource;
  readonly #now: () => number;
  readonly #declaredCustom: string[];
  readonly #inline: FloorSealer | undefined;

  /** `now` and `ids` default to the system clock and Remit's production ids (a test passes fixed ones). */
  constructor(deps: {
    org: CompiledOrg;
    screening: ScreeningService;
    store: FloorStore;
    steps: StepClock;
    token: string;
    now?: () => number;
    ids?: IdSource;
    /** FLOOR_SEAL=inline: seal each lead's entries in its ingest transaction (floor-sealer.ts sealNow); default: the inbox. */
    sealInline?: FloorSealer;
  }) {
    this.#inline = deps.sealInline;
    this.#org = deps.org;
    this.#now = deps.now ?? Date.now;
    this.#ids = deps.ids ?? randomIds();
    this.#screening = deps.screening;
    this.#store = deps.store;
    this.#steps = deps.steps;
    this.#keyHash = sha256(deps.token);
    this.#declaredCustom = deps.org.config.customFields.map((f) => f.name);
    const at = new Date().toISOString();
    deps.store.publishOrg.run(deps.org.hash, deps.org.version, canonicalJson(deps.org.config), at, 'floor');
  }

  /**
   * One POST /v1/leads: the authorization header and the body in, status and body bytes out. `body` parses it (node:http
   * mode: JSON.parse of the text; Fastify mode: the value Remit's body parser made), once.
   */
  ingest(authorization: string | undefined, body: () => unknown): FloorAnswer {
    return this.ingestMany([{ authorization, body }])[0]!;
  }

  /**
   * Several requests, their leads written in ONE transaction (FLOOR_BATCH=1: the requests that arrived in one turn of
   * the event loop; group commit as issue 18 suggests): each answered only after the COMMIT. A lead that throws rolls
   * the whole group back (a real design would use a savepoint per lead); none does here.
   */
  ingestMany(requests: readonly { authorization: string | undefined; body: () => unknown }[]): FloorAnswer[] {
    const answers: (FloorAnswer | Prepared)[] = requests.map((r) => this.#prepare(r.authorization, r.body));
    const todo = answers.filter((a): a is Prepared => 'intake' in a);
    if (todo.length === 0) return answers as FloorAnswer[];
    const s = this.#store;
    const steps = this.#steps;
    s.begin.run();
    try {
      const bodies = todo.map((p) => this.#inTransaction(p));
      s.commit.run();
      steps.mark('commit');
      const done = new Map(todo.map((p, i) => [p, { status: 201, body: Buffer.from(JSON.stringify(bodies[i])) }]));
      steps.mark('answer');
      return answers.map((a) => ('intake' in a ? done.get(a)! : a));
    } catch (e) {
      if (s.db.isTransaction) s.rollback.run();
      throw e;
    }
  }

  /** The work before the transaction: nothing here writes. An answer when the request is refused. */
  #prepare(authorization: string | undefined, body: () => unknown): FloorAnswer | Prepared {
    const steps = this.#steps;
    steps.start();
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    if (token === undefined || sha256(token) !== this.#keyHash) return json(401, { error: { code: 'UNAUTHENTICATED' } });
    steps.mark('auth');
    const raw = body();
    steps.mark('parse');
    const receivedAtMs = this.#now();
    const org = this.#org;
    const normalised = normaliseIntakeFor(org, raw, { at: receivedAtMs });
    if (!normalised.ok) return json(422, { error: { code: 'LEAD_INVALID', details: normalised.error } });
    const intake = normalised.value;
    steps.mark('validate + normalise');
    const company = withSegment(org.config.segments, intake.lead.company);
    const score = org.config.scoring ? scoreLead(org.config.scoring, intake, receivedAtMs) : null;
    const keys = [
      ...dedupeKeys(intake.contact, { normaliseCompany: companyNameKey }).map((k) => k.key),
      ...(intake.externalId ? [`external:${intake.lead.source ?? ''}:${intake.externalId}`] : []),
    ].sort();
    steps.mark('score + dedupe keys');
    const screening = screenIntake(this.#screening, intake, org.config.screening);
    steps.mark('screening');
    return { intake, company, score, screening, keys, receivedAtMs };
  }

  #inTransaction(p: Prepared) {
    const steps = this.#steps;
    const { intake, score, keys } = p;
    const found = this.#dedupe(keys);
    steps.mark('dedupe read');
    const leadId = this.#ids.next('lead');
    const lead = routableLead({ intake, score, account: null, screening: p.screening, company: p.company, contact: found.latest }, leadId);
    steps.mark('routable lead');
    const at = toIso(this.#now());
    const salt = randomBytes(32).toString('hex');
    const screeningAudit = screeningAuditPayload(p.screening);
    const audit = this.#intakeAudit({ leadId, at, salt, intake, lead, score, keys, screeningAudit });
    steps.mark('audit: intake entries + commitments');
    const scoreView = score ? { score: score.score, grade: score.grade, qualified: score.qualified, qualifyAt: score.qualifyAt } : null;
    const view: AnswerView = { leadId, lead, warnings: intake.warnings, scoreView, accountView: null };
    const intakeRows = { leadId, lead, intake, salt, at, receivedAtMs: p.receivedAtMs, screeningAudit };
    if (found.open) {
      this.#writeIntake(intakeRows, { status: 'DUPLICATE', teamId: null, repId: null, duplicateOf: found.open.leadId });
      const events = this.#duplicateEvents(leadId, found.open, at);
      this.#writeAudit([...audit, ...events.audit], null);
      this.#writeOutbox(events.outbox);
      steps.mark('sql: duplicate');
      return ingestAnswer(view, { status: 'DUPLICATE', duplicateOf: found.open.leadId, decision: null, reviewId: null });
    }
    return this.#route(lead, keys, audit, view, intakeRows);
  }

  /** decide() on the in-memory state, then the decision's records and writes. */
  #route(lead: Lead, keys: string[], intakeAudit: AuditRecord[], view: AnswerView, intakeRows: IntakeRows) {
    const steps = this.#steps;
    const org = this.#org;
    const seen = recordingView(this.#state);
    const at = this.#now();
    const { decision, changes } = decide({ org, lead, at, state: seen.view, decisionId: this.#ids.next('dec') });
    steps.mark('decide');
    const documentJson = canonicalDataJson(decision);
    steps.mark('decision document json');
    const payload = decisionAuditPayload(decision, lead, seen.snapshot(), changes, this.#declaredCustom);
    const decisionEntry = canonicalDataJsonWithout(payload as unknown as Record<string, unknown>, 'decision');
    const reviewId = decision.outcome === 'REFUSED' || decision.outcome === 'HELD' ? this.#ids.next('rev') : null;
    const fact = { leadId: lead.id, actor: 'system', at: decision.decidedAt };
    const audited = (events: LeadEvent[]) => events.map((e) => projectLeadEvent(e));
    // Remit's order: the intake entries, dedupe, the decision, then what the outcome records (a review request).
    const before = audited([{ ...fact, kind: 'dedupe.unique', keyKinds: keys.map((k) => k.split(':')[0]!) }]);
    const after = audited([
      { ...fact, kind: 'decision.recorded', decision, reviewId },
      ...(reviewId ? [{ ...fact, kind: 'review.requested.for_decision' as const, decision, reviewId }] : []),
    ]);
    const entries = (p: ReturnType<typeof audited>) => p.flatMap((e) => (e.audit ? [e.audit] : []));
    steps.mark('audit: decision entry + events');
    // The lead row is inserted once, with its outcome (as Remit's leadfold does).
    this.#writeIntake(intakeRows, {
      status: decision.outcome,
      teamId: decision.team?.id ?? null,
      repId: decision.rep?.id ?? null,
      duplicateOf: null,
    });
    steps.mark('sql: lead, personal data, name keys');
    const s = this.#store;
    s.insertDecision.run(
      decision.decisionId,
      lead.id,
      decision.outcome,
      decision.team?.id ?? null,
      decision.rep?.id ?? null,
      org.hash,
      documentJson,
      decision.decidedAt,
    );
    const decisionRow = { ...decisionEntry, decisionId: decision.decisionId, at: decision.decidedAt, subject: lead.id, documentJson };
    this.#writeAudit([...intakeAudit, ...entries(before)], decisionRow, entries(after));
    s.insertRows(
      'dedupeKeys',
      keys.map((k) => [k, lead.id]),
    );
    this.#writeOutbox([...before, ...after].flatMap((e) => (e.outbox ? [e.outbox] : [])));
    if (reviewId)
      s.insertReview.run(
        reviewId,
        lead.id,
        decision.outcome,
        JSON.stringify(decision.reasons.map((r) => String(r.code))),
        decision.decidedAt,
      );
    this.#writeState(changes);
    this.#writeSlaTimers(decision);
    steps.mark('sql: decision, audit, dedupe, outbox, state, sla');
    return ingestAnswer(view, { status: decision.outcome, duplicateOf: null, decision, reviewId });
  }

  /** The open lead this person duplicates (oldest) and their latest earlier lead by email or phone, from one read. */
  #dedupe(keys: string[]): { open: { leadId: string; key: string } | undefined; latest: Lead['contact'] } {
    if (keys.length === 0) return { open: undefined, latest: undefined };
    const rows = this.#store.matches(keys);
    let open: (typeof rows)[number] | undefined;
    let latest: (typeof rows)[number] | undefined;
    for (const r of rows) {
      if (OPEN.has(r.status) && (!open || r.received_at < open.received_at)) open = r;
      const contactKey = r.key.startsWith('email:') || r.key.startsWith('phone:');
      if (contactKey && (!latest || r.received_at > latest.received_at)) latest = r;
    }
    const contact: Lead['contact'] = latest
      ? {
          leadId: latest.id,
          matchedBy: latest.key.startsWith('email:') ? 'email' : 'phone',
          score: 1,
          ...(latest.rep_id !== null ? { ownerRep: latest.rep_id } : {}),
        }
      : undefined;
    return { open: open && { leadId: open.id, key: open.key }, latest: contact };
  }

  /** The intake, account-match and screening entries, personal fields as HMAC commitments (as Remit's auditIntake). */
  #intakeAudit(f: {
    leadId: string;
    at: string;
    salt: string;
    intake: NormalisedIntake;
    lead: Lead;
    score: ReturnType<typeof scoreLead> | null;
    keys: string[];
    screeningAudit: ReturnType<typeof screeningAuditPayload>;
  }): AuditRecord[] {
    const { intake } = f;
    const intakeEntry = withCommitments(
      intakeEntryPayload({ intake, lead: f.lead, score: f.score, keys: f.keys, enrichment: null }),
      INTAKE_PERSONAL_PATHS,
      f.salt,
    );
    const { screening, subjectEvidence } = f.screeningAudit;
    const base = { subject: f.leadId, at: f.at };
    return [
      { ...base, kind: 'intake', actor: 'integration', ...intakeEntry },
      { ...base, kind: 'account_match', actor: 'system', payload: { result: 'none' } },
      {
        ...base,
        kind: 'screening',
        actor: 'system',
        ...withCommitments({ ...(screening as object), subjectEvidence }, ['subjectEvidence'], f.salt),
      },
    ];
  }

  #writeIntake(f: IntakeRows, outcome: { status: string; teamId: string | null; repId: string | null; duplicateOf: string | null }): void {
    const { intake, leadId, at } = f;
    const s = this.#store;
    s.insertLead.run(
      leadId,
      outcome.status,
      outcome.teamId,
      outcome.repId,
      this.#org.hash,
      canonicalJson(f.lead),
      toIso(f.receivedAtMs),
      at,
      outcome.duplicateOf,
    );
    s.insertPersonalData.run(
      leadId,
      f.salt,
      JSON.stringify({
        ...intake.contact,
        address: intake.address,
        company: intake.company ?? null,
        vessel: intake.vessel ?? null,
        screeningEvidence: f.screeningAudit.subjectEvidence,
      }),
      JSON.stringify(intake.raw),
      intake.consent ? JSON.stringify(intake.consent) : null,
      at,
    );
    const hashes = [
      ...new Set(leadKeyHashes({ fullName: intake.contact.fullName, company: intake.company ?? null, vessel: intake.vessel ?? null })),
    ];
    if (hashes.length > 0) s.insertNameKeys.run(leadId, packKeyHashes(hashes));
  }

  /** The inbox rows in one INSERT, in order; the decision entry without its document, which the sealer splices back. */
  #writeAudit(
    records: AuditRecord[],
    decision: { text: string; offset: number; decisionId: string; at: string; subject: string; documentJson: string } | null,
    after: AuditRecord[] = [],
  ): void {
    if (this.#inline) {
      const entry = (r: AuditRecord) => {
        const payloadText = canonicalDataJson(r.payload);
        const e = {
          kind: r.kind,
          subject: r.subject,
          actor: r.actor,
          at: r.at,
          payloadText,
          commitmentsText: canonicalText(r.commitments ?? {}),
        };
        return { entry: e, stored: payloadText };
      };
      const d = decision && {
        entry: {
          kind: 'decision',
          subject: decision.subject,
          actor: 'system',
          at: decision.at,
          payloadText: spliceMember(decision.text, decision.offset, 'decision', decision.documentJson),
          commitmentsText: '{}',
        },
        stored: decision.text,
      };
      this.#inline.sealNow([...records.map(entry), ...(d ? [d] : []), ...after.map(entry)]);
      return;
    }
    const row = (r: AuditRecord): SQLInputValue[] => [
      r.kind,
      r.subject,
      r.actor,
      r.at,
      canonicalDataJson(r.payload),
      canonicalText(r.commitments ?? {}),
      null,
      null,
    ];
    const rows = records.map(row);
    if (decision)
      rows.push(['decision', decision.subject, 'system', decision.at, decision.text, '{}', decision.decisionId, decision.offset]);
    this.#store.insertRows('auditInbox', [...rows, ...after.map(row)]);
  }

  #writeOutbox(messages: { type: string; data: unknown; at: string }[]): void {
    this.#store.insertRows(
      'outbox',
      messages.map((m) => {
        const eventId = this.#ids.next('evt');
        return [eventId, m.type, JSON.stringify({ id: eventId, type: m.type, createdAt: m.at, data: m.data }), m.at];
      }),
    );
  }

  #writeState(changes: StateChanges): void {
    const s = this.#store;
    if (changes.ledger) {
      const { pool, seq, entries } = changes.ledger;
      s.upsertPool.run(pool, seq);
      s.insertRows(
        'ledger',
        Object.entries(entries).map(([rep, e]) => [pool, rep, e.assigned, e.entitled, e.lastSeq, e.day ?? null, e.today ?? 0]),
      );
    }
    if (changes.load) s.upsertRepState.run(changes.load.repId, changes.load.day);
    this.#state.apply(changes);
  }

  #writeSlaTimers(decision: Decision): void {
    const s = this.#store;
    const at = Date.parse(decision.decidedAt);
    if (decision.outcome !== 'ASSIGNED' || !decision.rep) return;
    const rep = this.#org.repsById.get(decision.rep.id);
    if (!rep) return;
    const planned = planSlaTimers(slaConfigOf(this.#org.config.sla), decision.rule?.id ?? null, rep, at);
    s.insertRows(
      'slaTimers',
      planned.map((t) => [
        `${decision.decisionId}:${t.kind}`,
        decision.leadId,
        t.kind,
        decision.rep!.id,
        decision.team?.id ?? null,
        decision.decidedAt,
        toIso(t.dueAt),
        decision.decidedAt,
      ]),
    );
  }

  #duplicateEvents(leadId: string, original: { leadId: string; key: string }, at: string) {
    const matchedOn = original.key.split(':')[0]!;
    const events: LeadEvent[] = [
      { kind: 'dedupe.duplicate', leadId, actor: 'system', at, duplicateOf: original.leadId, matchedOn, ownerRep: null, ownerTeam: null },
      { kind: 'dedupe.linked', leadId: original.leadId, actor: 'system', at, duplicate: leadId, matchedOn },
    ];
    const projected = events.map((e) => projectLeadEvent(e));
    return {
      audit: projected.flatMap((e) => (e.audit ? [e.audit] : [])),
      outbox: projected.flatMap((e) => (e.outbox ? [e.outbox] : [])),
    };
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
