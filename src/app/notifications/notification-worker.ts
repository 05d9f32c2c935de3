import { toIso } from '../../domain/shared/zoned-time.ts';
import type { NotificationRecord } from '../../store/ports/notifications.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { reportWorkerFailure } from '../observability/worker-failure.ts';
import { PeriodicTask } from '../shared/periodic-task.ts';
import { environmentSecrets, type SecretLookup } from '../sources/secret-equals.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { backoffMs } from '../webhooks/webhook-dispatcher.ts';
import { slackChannel, teamsChannel } from './chat-channel.ts';
import { emailChannel } from './email-channel.ts';
import { inboxChannel } from './inbox-channel.ts';
import type { MailSender } from './mail-sender.ts';
import { messageView, personalFieldsAtSendTime } from './message-view.ts';
import type { Delivery, NotificationChannelAdapter } from './notification-channel.ts';
import { templatesFor } from './notification-templates.ts';

export interface NotificationWorkerOptions {
  /** Link target for messages: the console's public address (REMIT_CONSOLE_URL). */
  readonly consoleUrl: string;
  readonly batchSize?: number;
  /** After this many failed attempts a notification is dead-lettered (listed and redrivable via the API). */
  readonly maxAttempts?: number;
  /** Backoff: base × 2^(attempt−1), capped. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How long a claimed notification is reserved for this instance while it is being sent. */
  readonly leaseMs?: number;
  /** Where chat routes' `urlEnv` secrets are read; default the process environment. */
  readonly secrets?: SecretLookup;
  /** Slack/Teams request timeout. */
  readonly chatTimeoutMs?: number;
}

type Ctx = Pick<ServiceContext, 'store' | 'clock' | 'log' | 'metrics' | 'orgs' | 'webhookTargets'>;

/**
 * Sends due notifications (docs/notifications.md), like the webhook dispatcher: claim (compare-and-set lease, so
 * two instances never send the same row), send with no transaction open, record the result. A crashed sender's
 * lease expires and the row is retried; a failure is logged, counted and retried with backoff, then dead-lettered.
 */
export class NotificationWorker {
  private readonly ctx: Ctx;
  private readonly channels: ReadonlyMap<string, NotificationChannelAdapter>;
  private readonly o: Required<NotificationWorkerOptions>;
  private task: PeriodicTask | null = null;

  /** `mail` null: the e-mail channel is off (no SMTP); e-mail rows then fail as "channel not configured". */
  constructor(ctx: Ctx, mail: MailSender | null, options: NotificationWorkerOptions) {
    this.ctx = ctx;
    this.o = {
      batchSize: 20,
      maxAttempts: 8,
      baseDelayMs: 30_000,
      maxDelayMs: 3_600_000,
      leaseMs: 120_000,
      secrets: environmentSecrets,
      chatTimeoutMs: 10_000,
      ...options,
    };
    const chat = { ctx, secrets: this.o.secrets, timeoutMs: this.o.chatTimeoutMs };
    const channels = [inboxChannel, slackChannel(chat), teamsChannel(chat), ...(mail ? [emailChannel(mail)] : [])];
    this.channels = new Map(channels.map((c) => [c.kind, c]));
  }

  /** One pass; returns how many notifications were attempted. */
  async tick(): Promise<number> {
    const now = this.ctx.clock.now();
    const claimed = await this.ctx.store.notifications.claimDue(toIso(now), this.o.batchSize, toIso(now + this.o.leaseMs));
    for (const group of messages(claimed)) await this.send(group);
    return claimed.length;
  }

  /** One message: a row on its own, or a digest's rows, all marked SENT or all failed in one transaction. */
  private async send(group: readonly [NotificationRecord, ...NotificationRecord[]]): Promise<void> {
    const [n] = group;
    const attempt = n.attempts + 1;
    let error: string | null = null;
    try {
      error = group.length === 1 ? await this.deliver(n) : await this.deliverDigest(group);
    } catch (e) {
      error = (e as Error).message;
    }
    const now = toIso(this.ctx.clock.now());
    const ids = group.map((g) => g.id);
    if (error === null) return this.eachInOneTransaction(ids, (tx, id) => tx.notifications.markSent(id, now));
    const dead = attempt >= this.o.maxAttempts;
    this.ctx.metrics.notificationFailures.inc({ channel: n.channel });
    this.ctx.log.warn(
      {
        notificationId: n.id,
        ...(ids.length > 1 ? { digestOf: ids } : {}),
        eventType: n.eventType,
        channel: n.channel,
        attempt,
        error,
        dead,
      },
      'notification failed',
    );
    const retryAt = toIso(this.ctx.clock.now() + backoffMs(attempt, this.o.baseDelayMs, this.o.maxDelayMs));
    const patch = { error: `attempt ${attempt}: ${error}`, nextAttemptAt: dead ? null : retryAt };
    await this.eachInOneTransaction(ids, (tx, id) => tx.notifications.markFailed(id, patch));
  }

  private eachInOneTransaction(ids: readonly string[], mark: (tx: UnitOfWork, id: string) => Promise<void>): Promise<void> {
    return this.ctx.store.transaction(async (tx) => {
      for (const id of ids) await mark(tx, id);
    });
  }

  /** One row to its channel, rendered with the templates and personal-data policy in force now (read at send time). */
  private async deliver(n: NotificationRecord): Promise<string | null> {
    const channel = this.channels.get(n.channel);
    if (!channel) return `the ${n.channel} channel is not configured`;
    const delivery = await this.delivery(n);
    if (typeof delivery === 'string') return delivery;
    await channel.deliver(delivery);
    return null;
  }

  /** A digest's rows as one message on their channel; rows of events without a template are left out of it. */
  private async deliverDigest(group: readonly [NotificationRecord, ...NotificationRecord[]]): Promise<string | null> {
    const channel = this.channels.get(group[0].channel);
    if (!channel?.deliverDigest) return `the ${group[0].channel} channel does not send digests`;
    const deliveries: Delivery[] = [];
    for (const n of group) {
      const d = await this.delivery(n);
      if (typeof d !== 'string') deliveries.push(d);
    }
    const [first, ...rest] = deliveries;
    if (!first) return `no template for ${group.map((n) => n.eventType).join(', ')}`;
    await channel.deliverDigest([first, ...rest]);
    return null;
  }

  private async delivery(n: NotificationRecord): Promise<Delivery | string> {
    const policy = this.ctx.orgs.current.config.notifications;
    const templates = templatesFor(n.eventType, policy);
    if (!templates) return `no template for ${n.eventType}`;
    const view = messageView(n.eventType, n.payloadJson, this.o.consoleUrl);
    const personal = await personalFieldsAtSendTime(this.ctx.store, policy, view.lead.id);
    return { notification: n, templates, view: { ...view, lead: { ...view.lead, ...personal } } };
  }

  start(intervalMs = 1_000): void {
    const onError = (e: unknown) => reportWorkerFailure(this.ctx, 'notification-worker', e);
    this.task ??= new PeriodicTask(async () => (await this.tick(), false), { intervalMs, onError });
    this.task.start();
  }

  /** Stops scheduling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
  }
}

/** Claimed rows as messages: rows of one digest (channel, recipient, digest key) together, in claim order. */
function messages(claimed: readonly NotificationRecord[]): [NotificationRecord, ...NotificationRecord[]][] {
  const groups = new Map<string, [NotificationRecord, ...NotificationRecord[]]>();
  for (const n of claimed) {
    const key = n.digestKey === null ? `row:${n.id}` : JSON.stringify([n.channel, n.recipient, n.digestKey]);
    const group = groups.get(key);
    if (group) group.push(n);
    else groups.set(key, [n]);
  }
  return [...groups.values()];
}
