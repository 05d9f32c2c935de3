import { toIso } from '../../domain/shared/zoned-time.ts';
import type { CrmWritebackRecord } from '../../store/ports/crm-writebacks.port.ts';
import { recordLeadEvents } from '../events/record-lead-events.ts';
import type { CrmWriteResult } from '../events/crm-events.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { backoffMs } from '../webhooks/webhook-dispatcher.ts';
import type { CrmClient } from './crm-client.ts';
import { rejected, type CrmOutcome } from './crm-outcome.ts';
import type { CrmUpdate } from './crm-update.ts';

export interface CrmWritebackWorkerOptions {
  readonly batchSize?: number;
  /** After this many failed attempts (5xx, no answer) a write-back is dead-lettered; 4xx dead-letters at once. */
  readonly maxAttempts?: number;
  /** Backoff: base × 2^(attempt−1), capped. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How long a claimed row is reserved for this instance while it is being sent (longer than the HTTP timeouts). */
  readonly leaseMs?: number;
}

type Ctx = Pick<ServiceContext, 'store' | 'clock' | 'log' | 'metrics' | 'orgs' | 'ids' | 'notify'>;
type Outcome<K extends CrmOutcome['kind']> = Extract<CrmOutcome, { kind: K }>;
type Settle<K extends CrmOutcome['kind']> = (w: CrmWritebackWorker, row: CrmWritebackRecord, outcome: Outcome<K>) => Promise<void>;

/** What each outcome does to the row and the lead's story: one handler per kind, no switch. */
const SETTLE: { readonly [K in CrmOutcome['kind']]: Settle<K> } = {
  written: (w, row, o) => w.settle(row, { sent: true }, { reasonCode: o.reasonCode, request: o.request }),
  rate_limited: async (w, row, o) => {
    // "Not now" is not a failure of the request: rescheduled at Retry-After, attempts unchanged (docs/crm.md).
    const nextAttemptAt = w.at(Math.min(o.retryAfterMs, w.options.maxDelayMs));
    w.counted(row, o.reasonCode, o.error, false);
    await w.settle(row, { reschedule: nextAttemptAt, error: o.error }, { reasonCode: o.reasonCode, error: o.error, nextAttemptAt });
  },
  unavailable: async (w, row, o) => {
    const attempt = row.attempts + 1;
    const dead = attempt >= w.options.maxAttempts;
    const nextAttemptAt = dead ? null : w.at(backoffMs(attempt, w.options.baseDelayMs, w.options.maxDelayMs));
    w.counted(row, o.reasonCode, o.error, dead);
    await w.settle(row, { failed: nextAttemptAt, error: o.error }, { reasonCode: o.reasonCode, error: o.error, nextAttemptAt });
  },
  rejected: async (w, row, o) => {
    w.counted(row, o.reasonCode, o.error, true);
    await w.settle(row, { failed: null, error: o.error }, { reasonCode: o.reasonCode, error: o.error, nextAttemptAt: null });
  },
};

type RowChange =
  | { readonly sent: true }
  | { readonly reschedule: string; readonly error: string }
  | { readonly failed: string | null; readonly error: string };

/**
 * Sends due CRM write-backs (docs/crm.md), like the notification worker: claim (compare-and-set lease, so two
 * instances never send the same row), send with no transaction open, then record the result and the lead's story entry
 * in one transaction. A failure is logged and counted (remit_crm_writeback_failures_total), retried with backoff,
 * dead-lettered; a crashed sender's lease expires and the row is retried (a repeated PATCH of the same values is harmless).
 */
export class CrmWritebackWorker {
  private readonly ctx: Ctx;
  private readonly client: CrmClient;
  readonly options: Required<CrmWritebackWorkerOptions>;
  private task: PeriodicTask | null = null;

  constructor(ctx: Ctx, client: CrmClient, options: CrmWritebackWorkerOptions = {}) {
    this.ctx = ctx;
    this.client = client;
    this.options = { batchSize: 20, maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3_600_000, leaseMs: 120_000, ...options };
  }

  /** One pass; returns how many write-backs were attempted. */
  async tick(): Promise<number> {
    const now = this.ctx.clock.now();
    const claimed = await this.ctx.store.crmWritebacks.claimDue(toIso(now), this.options.batchSize, toIso(now + this.options.leaseMs));
    for (const row of claimed) await this.send(row);
    return claimed.length;
  }

  private async send(row: CrmWritebackRecord): Promise<void> {
    const target = (this.ctx.orgs.current.config.crmWriteBack ?? []).find((t) => t.id === row.targetId);
    const outcome = target
      ? await this.client.write(target, row.recordId, JSON.parse(row.updateJson) as CrmUpdate)
      : rejected('CRM_TARGET_GONE', `write-back target ${row.targetId} is not in the org config in force`);
    await (SETTLE[outcome.kind] as Settle<CrmOutcome['kind']>)(this, row, outcome);
  }

  at = (delayMs: number): string => toIso(this.ctx.clock.now() + delayMs);

  counted(row: CrmWritebackRecord, reason: string, error: string, dead: boolean): void {
    this.ctx.metrics.crmWritebackFailures.inc({ target: row.targetId, reason });
    const facts = { writebackId: row.id, leadId: row.leadId, targetId: row.targetId, attempt: row.attempts + 1, reason, error, dead };
    this.ctx.log.warn(facts, 'crm write-back failed');
  }

  /** The row's new state and the lead's story entry, in one transaction. */
  async settle(
    row: CrmWritebackRecord,
    change: RowChange,
    facts: Omit<CrmWriteResult, 'writebackId' | 'targetId' | 'crm' | 'recordId' | 'attempt'>,
  ) {
    const at = toIso(this.ctx.clock.now());
    const target = (this.ctx.orgs.current.config.crmWriteBack ?? []).find((t) => t.id === row.targetId);
    const result: CrmWriteResult = {
      writebackId: row.id,
      targetId: row.targetId,
      crm: target?.kind ?? 'unknown',
      recordId: row.recordId,
      attempt: 'reschedule' in change ? row.attempts : row.attempts + 1,
      ...facts,
    };
    await this.ctx.store.transaction(async (tx) => {
      const repo = tx.crmWritebacks;
      const stillPending =
        'sent' in change
          ? await repo.markSent(row.id, at)
          : 'reschedule' in change
            ? await repo.reschedule(row.id, { error: change.error, nextAttemptAt: change.reschedule })
            : await repo.markFailed(row.id, { error: `attempt ${row.attempts + 1}: ${change.error}`, nextAttemptAt: change.failed });
      // A row superseded while in flight: a write that happened is still told; a failure is moot (the newer row follows).
      if (!stillPending && !('sent' in change)) return;
      const fact = { leadId: row.leadId, actor: 'system', at, result };
      await recordLeadEvents(tx, this.ctx, ['sent' in change ? { ...fact, kind: 'crm.written' } : { ...fact, kind: 'crm.failed' }]);
    });
  }

  start(intervalMs = 1_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.ctx, 'crm-writeback', e);
    this.task ??= new PeriodicTask(async () => (await this.tick(), false), { intervalMs, onError });
    this.task.start();
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
  }
}
