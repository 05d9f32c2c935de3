// Transactional outbox and webhooks (docs/operations.md). Events are enqueued in the same transaction as the
// change; a dispatcher claims due deliveries (PostgreSQL: FOR UPDATE SKIP LOCKED, so several
// instances share the work and each delivery is attempted by one of them at a time).

export interface WebhookSubscriptionRecord {
  readonly id: string;
  readonly url: string;
  /** HMAC-SHA256 secret. */
  readonly secret: string;
  /** Event types, or ['*']. */
  readonly events: readonly string[];
  readonly active: boolean;
  readonly createdAt: string;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD';

export interface DeliveryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly subscriptionId: string;
  /** The event body sent, JSON text. */
  readonly payloadJson: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export interface OutboxRepository {
  upsertSubscription(record: WebhookSubscriptionRecord): Promise<void>;
  listSubscriptions(): Promise<readonly WebhookSubscriptionRecord[]>;
  /** Creates one PENDING delivery (due at `createdAt`) per active subscription whose events match; returns how many. */
  enqueue(
    event: { readonly eventId: string; readonly eventType: string; readonly payloadJson: string; readonly createdAt: string },
    newDeliveryId: () => string,
  ): Promise<number>;
  /** PENDING deliveries due at or before `now`, oldest first, locked for this transaction (SKIP LOCKED on PostgreSQL). */
  claimDue(now: string, limit: number): Promise<readonly DeliveryRecord[]>;
  /** Reserves a claimed delivery for this sender: pushes its due time to `until` (attempts unchanged). */
  lease(id: string, until: string): Promise<void>;
  markDelivered(id: string, at: string): Promise<void>;
  /** Records a failed attempt: attempts + 1, and either a next attempt time or DEAD. */
  markFailed(id: string, patch: { readonly error: string; readonly nextAttemptAt: string | null }): Promise<void>;
  /** Sets a DEAD delivery back to PENDING, due now, attempts kept. Returns false unless it was DEAD. */
  redrive(id: string, now: string): Promise<boolean>;
  getDelivery(id: string): Promise<DeliveryRecord | undefined>;
  listDeliveries(filter: {
    readonly status?: DeliveryStatus;
    readonly after?: string;
    readonly limit: number;
  }): Promise<readonly DeliveryRecord[]>;
  /** Retention: deletes finished (DELIVERED, DEAD) deliveries created before `before`, or only counts them (dryRun). */
  pruneFinishedDeliveries(before: string, opts: { readonly dryRun: boolean }): Promise<number>;
}
