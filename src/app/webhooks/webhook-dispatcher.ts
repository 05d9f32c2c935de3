import { toIso } from '../../domain/shared/zoned-time.ts';
import type { DeliveryRecord } from '../../store/ports/outbox.port.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { signWebhook } from './outbound-webhook-signature.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import { postWebhook } from './webhook-post.ts';
import { TargetNotAllowedError, WebhookTargetPolicy } from './webhook-target-policy.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';

const NO_ANSWER = 'no HTTP answer (connection failed or timed out)';
const TARGET_NOT_ALLOWED = 'target address not allowed (see --webhook-allow)';

export interface DispatcherOptions {
  /** Deliveries claimed per tick. */
  readonly batchSize?: number;
  /** After this many failed attempts a delivery is dead-lettered (visible and re-drivable via the API). */
  readonly maxAttempts?: number;
  /** Backoff: base × 2^(attempt−1), capped. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How long a claimed delivery is reserved for this instance while it is being sent. */
  readonly leaseMs?: number;
  readonly timeoutMs?: number;
  /** Also told the detail of each failed attempt (tests); every failure is logged and counted anyway. */
  readonly onFailure?: (detail: { deliveryId: string; url: string; attempt: number; error: string }) => void;
}

export const backoffMs = (attempt: number, base: number, max: number) => Math.min(max, base * 2 ** Math.max(0, attempt - 1));

/**
 * Delivers outbox events to webhook subscribers (docs/operations.md). Each tick claims due deliveries and
 * leases them (pushes their due time past the lease) in a short transaction, then sends them with
 * no transaction open, then records the result. Several instances share the work safely (claims
 * use SKIP LOCKED on PostgreSQL); a crashed sender's lease simply expires and the delivery is retried.
 */
export class WebhookDispatcher {
  private readonly ctx: ServiceContext;
  private readonly o: Required<DispatcherOptions>;
  private readonly targets: WebhookTargetPolicy;
  private task: PeriodicTask | null = null;

  constructor(ctx: ServiceContext, options: DispatcherOptions = {}) {
    this.ctx = ctx;
    this.o = {
      batchSize: options.batchSize ?? 20,
      maxAttempts: options.maxAttempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? 5_000,
      maxDelayMs: options.maxDelayMs ?? 3_600_000,
      leaseMs: options.leaseMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      onFailure: options.onFailure ?? (() => {}),
    };
    this.targets = ctx.webhookTargets ?? new WebhookTargetPolicy();
  }

  /** One pass; returns how many deliveries were attempted. */
  async tick(): Promise<number> {
    const now = this.ctx.clock.now();
    const claimed = await this.ctx.store.transaction(async (tx) => {
      const due = await tx.outbox.claimDue(toIso(now), this.o.batchSize);
      for (const d of due) await tx.outbox.lease(d.id, toIso(now + this.o.leaseMs));
      return due;
    });
    if (claimed.length === 0) return 0;
    const subscriptions = new Map((await this.ctx.store.outbox.listSubscriptions()).map((s) => [s.id, s]));
    await Promise.all(claimed.map((d) => this.deliver(d, subscriptions.get(d.subscriptionId))));
    return claimed.length;
  }

  private async deliver(d: DeliveryRecord, sub: { url: string; secret: string; active: boolean } | undefined): Promise<void> {
    const attempt = d.attempts + 1;
    let error: string | null = null;
    // What only the log sees: the refused address or the connection error behind the generic message.
    let detail: string | undefined;
    if (!sub || !sub.active) error = 'subscription removed or inactive';
    else if (this.targets.literalRefusal(sub.url)) {
      error = TARGET_NOT_ALLOWED;
      detail = this.targets.literalRefusal(sub.url)!;
      this.o.onFailure({ deliveryId: d.id, url: sub.url, attempt, error: detail });
    } else {
      try {
        const sentAt = this.ctx.clock.now();
        const status = await postWebhook(sub.url, {
          headers: {
            'content-type': 'application/json',
            'remit-event-id': d.eventId,
            'remit-event-type': d.eventType,
            'remit-delivery-id': d.id,
            'remit-signature': signWebhook(sub.secret, d.payloadJson, Math.floor(sentAt / 1000)),
          },
          body: d.payloadJson,
          timeoutMs: this.o.timeoutMs,
          lookup: this.targets.lookupFor(sub.url),
        });
        if (status < 200 || status > 299) error = `HTTP ${status}`;
      } catch (e) {
        // Refused, reset, timed out, unresolvable: one message for all, so lastError does not tell an
        // admin which ports are open on a host. The detail goes to the log.
        error = e instanceof TargetNotAllowedError ? TARGET_NOT_ALLOWED : NO_ANSWER;
        detail = (e as Error).message;
        this.o.onFailure({ deliveryId: d.id, url: sub.url, attempt, error: detail });
      }
    }
    const now = this.ctx.clock.now();
    if (error === null) await this.ctx.store.outbox.markDelivered(d.id, toIso(now));
    else {
      const dead = attempt >= this.o.maxAttempts;
      this.ctx.metrics.webhookFailures.inc();
      const logged = { deliveryId: d.id, eventType: d.eventType, url: sub?.url, attempt, error, detail, dead };
      this.ctx.log.warn(logged, 'webhook delivery failed');
      await this.ctx.store.outbox.markFailed(d.id, {
        error: `attempt ${attempt}: ${error}`,
        nextAttemptAt: dead ? null : toIso(now + backoffMs(attempt, this.o.baseDelayMs, this.o.maxDelayMs)),
      });
    }
  }

  start(intervalMs = 1_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.ctx, 'webhook-dispatcher', e);
    this.task ??= new PeriodicTask(async () => (await this.tick(), false), { intervalMs, onError });
    this.task.start();
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
  }
}
