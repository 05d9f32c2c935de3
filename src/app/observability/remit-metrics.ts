import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Result } from '../../domain/shared/result.ts';
import type { OperationalCounts } from '../../store/unit-of-work.ts';

/** What the scrape-time gauges read: the store's counts and the screening lists in force. */
export interface GaugeSources {
  readonly counts: () => Promise<OperationalCounts>;
  readonly lists: () => readonly {
    readonly listId: string;
    readonly loadedAt: string;
    readonly warnings?: Readonly<Record<string, number>>;
  }[];
  readonly now: () => number;
  /** Configured list sources not screened as in force (pending approval, or stale on this instance); omitted: none. */
  readonly withheld?: () => readonly { readonly sourceId: string; readonly reason: string }[];
}

/** Latency buckets, seconds: ingest is a few ms on SQLite, tens on PostgreSQL; the tail matters. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Distinct `source` labels kept per process: a lead source is free text, a label set must stay bounded. */
const MAX_SOURCES = 50;

/** What an ingest route gets back from ingestLead, reduced to what the metrics need. */
export type IngestResultView = Result<{ readonly replayed: boolean; readonly body: { readonly status: string } }, unknown>;

const SCREENING_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/**
 * The Prometheus metrics of one Remit process (docs/operations.md "Metrics"), in a registry of its
 * own. Counters and histograms are bumped on the hot path (a few nanoseconds, no I/O); the gauges
 * that need the database are read once per scrape (`collect`), never per request.
 */
export class RemitMetrics {
  readonly registry = new Registry();
  readonly leadsIngested: Counter<'source' | 'outcome'>;
  readonly decisionSeconds: Histogram<'outcome'>;
  readonly screeningSeconds: Histogram;
  readonly slaMisses: Counter<'missed'>;
  readonly webhookFailures: Counter;
  readonly notificationFailures: Counter;
  readonly enrichmentFailures: Counter<'source'>;
  readonly crmWritebackFailures: Counter<'target' | 'reason'>;
  /** By what became of each event; an initialiser, not in the constructor, which is at its size limit. */
  readonly crmOutcomeEvents = new Counter({
    name: 'remit_crm_outcome_events_total',
    help:
      'Closed-deal events from CRM webhooks, by source and what became of each: recorded, unchanged, replayed, ignored (not ' +
      'an outcome), unmatched (no lead known by the CRM record), invalid.',
    labelNames: ['source', 'status'] as const,
    registers: [this.registry],
  });
  readonly workerFailures: Counter<'worker'>;
  readonly ssoSignIns: Counter<'outcome'>;
  readonly auditVerifyOk: Gauge;
  readonly auditVerifyTime: Gauge;
  readonly signIns: Counter<'method' | 'outcome'>;
  /** Lead-posting requests refused by an intake limit (docs/operations.md "Intake limits"). */
  readonly intakeLimited = new Counter({
    name: 'remit_intake_limited_total',
    help: 'Lead-posting requests refused with 429 by an intake limit, by scope (key, source) and limit (rate, concurrency).',
    labelNames: ['scope', 'limit'] as const,
    registers: [this.registry],
  });
  /** Start-up snapshots of the screening lists not used, by reason (docs/screening.md "Start-up snapshot"). */
  readonly screeningSnapshotRejected = new Counter({
    name: 'remit_list_snapshot_rejected_total',
    help:
      'Start-up snapshots of the screening lists not used (the lists were loaded from their files), by reason: missing, ' +
      'unreadable, corrupt, truncated, format_version, code_changed, key_scheme_changed, params_changed, sources_changed, ' +
      'source_file_changed, as_of_date.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** Passes of the list sync that changed a source here (docs/screening.md "Versions in force on every instance"). */
  readonly screeningListSyncs = new Counter({
    name: 'remit_screening_list_syncs_total',
    help:
      'Screening list sources this instance changed to follow the version in force, by list and result: adopted, stale, ' +
      'unreadable (no lead cleared until the file is the one in force), expired_dropped; and the scheduled checks it ran: ' +
      'unchanged, reloaded, pending_approval, awaiting_approval, stale_here, check_failed.',
    labelNames: ['list', 'result'] as const,
    registers: [this.registry],
  });
  /** Leads screened again once coverage was back (docs/screening.md "Screening again once coverage is back"). */
  readonly screeningCoverageReleases = new Counter({
    name: 'remit_screening_coverage_releases_total',
    help:
      'Leads held as not screened that were screened again once this instance screened with every list in force, by ' +
      'result: released (re-decided), held_as_match (a hit: held for compliance), unchanged (still not screened), failed.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  /** Routing batches rolled back as a whole; their leads then ran alone (docs/storage.md "Routing batches"). */
  readonly routingBatchRollbacks = new Counter({
    name: 'remit_routing_batch_rollbacks_total',
    help:
      'Routing batches (several leads of this process in one transaction) rolled back as a whole; each of their ' +
      'leads then ran again alone, with its own outcome (the log says how many and why).',
    registers: [this.registry],
  });
  /** Leads per routing batch (docs/storage.md "Routing batches"): how often leads share a transaction. */
  readonly routingBatchLeads = new Histogram({
    name: 'remit_routing_batch_leads',
    help: 'Leads per routing batch (leads of this process that shared one transaction and one COMMIT).',
    buckets: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32],
    registers: [this.registry],
  });
  #sources: GaugeSources | null = null;
  readonly #leadSources = new Set<string>();
  #counts: Promise<OperationalCounts> | null = null;

  constructor(opts: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'remit_' });
    // Failure counters of background work (nothing fails silently): one shape, a name, a help text and labels.
    const failures = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter({ name, help, labelNames, registers });
    this.leadsIngested = new Counter({
      name: 'remit_leads_ingested_total',
      help: 'Leads taken in (replays excluded), by source and outcome (ROUTED, QUEUED, REFUSED, HELD, DUPLICATE, INVALID).',
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.decisionSeconds = new Histogram({
      name: 'remit_decision_duration_seconds',
      help: 'Time to take in a lead and record its decision (validation, screening, routing, one transaction), by outcome.',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.screeningSeconds = new Histogram({
      name: 'remit_screening_duration_seconds',
      help: 'Time to screen one name against the lists in force.',
      buckets: SCREENING_BUCKETS,
      registers,
    });
    this.slaMisses = new Counter({
      name: 'remit_sla_misses_total',
      help: 'SLA timers that fired as missed, by SLA (accept, first_contact).',
      labelNames: ['missed'],
      registers,
    });
    this.webhookFailures = new Counter({
      name: 'remit_webhook_delivery_failures_total',
      help: 'Failed webhook delivery attempts (HTTP error, no answer, target refused).',
      registers,
    });
    this.notificationFailures = failures(
      'remit_notification_failures_total',
      'Failed notification sending attempts (SMTP refused, unreachable, no template), by channel.',
      ['channel'],
    );
    this.enrichmentFailures = failures(
      'remit_enrichment_failures_total',
      'Company enrichment lookups that failed (timeout, HTTP error, bad answer, unreadable file), by source; the lead routed anyway.',
      ['source'],
    );
    this.crmWritebackFailures = failures(
      'remit_crm_writeback_failures_total',
      'Failed CRM write-back attempts (429 rescheduled, 5xx or no answer retried, 4xx dead-lettered), by target and reason code.',
      ['target', 'reason'],
    );
    this.workerFailures = failures(
      'remit_worker_failures_total',
      'Failures of background workers, by worker; each one is also an error log line.',
      ['worker'],
    );
    this.ssoSignIns = new Counter({
      name: 'remit_sso_sign_ins_total',
      help: 'Single sign-on attempts by outcome: signed_in, refused (the answer or the person was refused), unavailable (provider down).',
      labelNames: ['outcome'],
      registers,
    });
    this.auditVerifyOk = new Gauge({
      name: 'remit_audit_verify_ok',
      help: 'Result of the last audit log verification by this process: 1 intact, 0 tampered.',
      registers,
    });
    this.auditVerifyTime = new Gauge({
      name: 'remit_audit_verify_timestamp_seconds',
      help: 'When this process last verified the audit log (Unix seconds).',
      registers,
    });
    this.signIns = new Counter({
      name: 'remit_sign_ins_total',
      help:
        'Console sign-ins with a password or one-time link, by method and outcome (success, failed, locked, totp_required, ' +
        'totp_enrolment_required); a rising failed or locked count is someone guessing.',
      labelNames: ['method', 'outcome'],
      registers,
    });
    this.#scrapeGauges(registers);
  }

  /** Connects the scrape-time gauges to the store and the screening lists (composition root). */
  bind(sources: GaugeSources): void {
    this.#sources = sources;
  }

  /**
   * Counts one lead taken in through an adapter (POST /v1/leads, the batch, CRM webhooks), from the result the route
   * got: outcome = the decision (or DUPLICATE), INVALID when it was refused before a decision. Replays
   * of an Idempotency-Key are not new leads. Hot path: a label look-up and two increments, no I/O.
   */
  leadIngested(source: unknown, result: IngestResultView, seconds: number): void {
    if (result.ok && result.value.replayed) return;
    const outcome = result.ok ? result.value.body.status : 'INVALID';
    this.leadsIngested.inc({ source: this.#sourceLabel(source), outcome });
    if (result.ok) this.decisionSeconds.observe({ outcome }, seconds);
  }

  #sourceLabel(source: unknown): string {
    const text = typeof source === 'string' && source.trim() !== '' ? source.trim().slice(0, 64) : 'unknown';
    if (this.#leadSources.has(text)) return text;
    if (this.#leadSources.size >= MAX_SOURCES) return 'other';
    this.#leadSources.add(text);
    return text;
  }

  /** Records the result of an audit verification (POST /v1/audit/verify). */
  auditVerified(ok: boolean, atMs: number): void {
    this.auditVerifyOk.set(ok ? 1 : 0);
    this.auditVerifyTime.set(Math.floor(atMs / 1000));
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.#counts = null;
    }
  }

  /** One store round trip per scrape, shared by the gauges that need it. */
  #readCounts(): Promise<OperationalCounts> | null {
    if (!this.#sources) return null;
    this.#counts ??= this.#sources.counts();
    return this.#counts;
  }

  #scrapeGauges(registers: Registry[]): void {
    const fromCounts = (name: string, help: string, pick: (c: OperationalCounts, now: number) => number) => {
      const gauge: Gauge = new Gauge({
        name,
        help,
        registers,
        collect: async () => {
          const counts = await this.#readCounts();
          if (counts && this.#sources) gauge.set(pick(counts, this.#sources.now()));
        },
      });
    };
    fromCounts('remit_queue_depth', 'Leads waiting in QUEUED for a free rep.', (c) => c.queuedLeads);
    fromCounts('remit_webhook_backlog', 'Webhook deliveries pending (due or backing off).', (c) => c.pendingDeliveries);
    fromCounts('remit_audit_unsealed_entries', 'Audit inbox entries not yet sealed into the signed log.', (c) => c.unsealedAuditEntries);
    fromCounts('remit_audit_sealer_lag_seconds', 'Age of the oldest unsealed audit inbox entry (0 when the inbox is empty).', (c, now) =>
      c.oldestUnsealedAt === null ? 0 : Math.max(0, (now - Date.parse(c.oldestUnsealedAt)) / 1000),
    );
    const listAge: Gauge<'list'> = new Gauge({
      name: 'remit_screening_list_age_seconds',
      help: 'Seconds since each screening list in force was loaded.',
      labelNames: ['list'],
      registers,
      collect: () => {
        listAge.reset();
        const sources = this.#sources;
        if (!sources) return;
        for (const l of sources.lists()) listAge.set({ list: l.listId }, Math.max(0, (sources.now() - Date.parse(l.loadedAt)) / 1000));
      },
    });
    const withheld: Gauge<'list' | 'reason'> = new Gauge({
      name: 'remit_screening_lists_withheld',
      help: 'Configured list sources this instance clears no lead against, by reason (pending_approval, stale); 1 each.',
      labelNames: ['list', 'reason'],
      registers,
      collect: () => {
        withheld.reset();
        for (const w of this.#sources?.withheld?.() ?? []) withheld.set({ list: w.sourceId, reason: w.reason }, 1);
      },
    });
    const loadWarnings: Gauge<'list' | 'kind'> = new Gauge({
      name: 'remit_screening_list_load_warnings',
      help: 'Values the load of each screening list in force left out, by kind (docs/screening.md "Load warnings").',
      labelNames: ['list', 'kind'],
      registers,
      collect: () => {
        loadWarnings.reset();
        for (const l of this.#sources?.lists() ?? [])
          for (const [kind, n] of Object.entries(l.warnings ?? {})) loadWarnings.set({ list: l.listId, kind }, n);
      },
    });
  }
}
