// Notification deliveries (docs/notifications.md): one row per outbox event, channel and recipient. Written in the
// transaction of the change; sent by the notification worker, retried with backoff, dead-lettered, redrivable.

/** Channels a notification can go out on (each renders and sends itself: src/app/notifications/channels/). */
export const NOTIFICATION_CHANNELS = ['email', 'slack', 'teams', 'inbox'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export type NotificationStatus = 'PENDING' | 'SENT' | 'DEAD';

export interface NewNotification {
  readonly id: string;
  readonly eventId: string;
  readonly channel: NotificationChannel;
  /**
   * Channel address: an e-mail address for `email`; the owner's user id for `inbox`; `user:<id>` (their own webhook,
   * read from their preferences at send time) or `route:<id>` (an org chat route) for `slack` and `teams`. Never a
   * webhook URL: those are secrets.
   */
  readonly recipient: string;
  readonly createdAt: string;
  /** When it may be sent (quiet hours, digest period); omitted: at `createdAt`. */
  readonly dueAt?: string;
  /** Rows with the same channel, recipient and digest key are sent as one message; omitted or null: on its own. */
  readonly digestKey?: string | null;
}

export interface NotificationRecord extends Omit<NewNotification, 'dueAt' | 'digestKey'> {
  readonly digestKey: string | null;
  /** The outbox event it announces (type and JSON body), read from the shared event row. */
  readonly eventType: string;
  readonly payloadJson: string;
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly sentAt: string | null;
  /** Inbox rows: when their owner read them. */
  readonly readAt: string | null;
}

export interface NotificationRepository {
  /** Inserts PENDING rows due at their `dueAt` (else `createdAt`); the outbox event they name must already be enqueued. */
  add(rows: readonly NewNotification[]): Promise<void>;
  /**
   * Claims up to `limit` PENDING rows due at or before `now` by compare-and-set: each row's due time moves to
   * `leaseUntil` only if it still has the value read, so of two instances racing for a row exactly one wins it.
   * A digest (rows of one channel, recipient, digest key and due time) is claimed whole, beyond `limit` if need be,
   * in one statement: of two racing instances one leases all its rows, the other none, so a digest is sent once.
   */
  claimDue(now: string, limit: number, leaseUntil: string): Promise<readonly NotificationRecord[]>;
  markSent(id: string, at: string): Promise<void>;
  /** attempts + 1 and either the next attempt time or DEAD (`nextAttemptAt` null). */
  markFailed(id: string, patch: { readonly error: string; readonly nextAttemptAt: string | null }): Promise<void>;
  /** A DEAD row back to PENDING, due `now`, attempts kept. False unless it was DEAD. */
  redrive(id: string, now: string): Promise<boolean>;
  get(id: string): Promise<NotificationRecord | undefined>;
  list(filter: { readonly status?: NotificationStatus; readonly limit: number }): Promise<readonly NotificationRecord[]>;
  /** Deletes (dry run: counts) SENT and DEAD rows created before `before` (retention, category `notifications`). */
  pruneFinished(before: string, opts: { readonly dryRun: boolean }): Promise<number>;
  /** Replaces a person's preferences (JSON text, validated by the caller). */
  setPreferences(userId: string, preferencesJson: string, at: string): Promise<void>;
  /** Every stored preference, by user id (people without a row have everything on). */
  preferences(): Promise<ReadonlyMap<string, string>>;
  /** One person's stored preferences (JSON text), if any. */
  preferencesOf(userId: string): Promise<string | undefined>;
  /**
   * `userId`'s inbox rows, newest first; `before`: the id of one of their rows, to continue after it (keyset). A
   * `before` that is not their inbox row is bad input (StoreInputError), never a look at someone else's.
   */
  inbox(userId: string, page: { readonly before?: string; readonly limit: number }): Promise<readonly NotificationRecord[]>;
  unreadCount(userId: string): Promise<number>;
  /** Marks one of `userId`'s inbox rows read (keeps the first read time). False when it is not their inbox row. */
  markRead(userId: string, id: string, at: string): Promise<boolean>;
  /** Marks all of `userId`'s unread inbox rows read; returns how many. */
  markAllRead(userId: string, at: string): Promise<number>;
}
