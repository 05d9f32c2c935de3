import type { EventTemplates } from '../../domain/org/notifications-policy.schema.ts';
import type { NotificationChannel, NotificationRecord } from '../../store/ports/notifications.port.ts';
import type { MessageView } from './message-view.ts';

/** One notification ready to go: the row, the event's templates in force and the view they render. */
export interface Delivery {
  readonly notification: NotificationRecord;
  readonly templates: Required<EventTemplates>;
  readonly view: MessageView;
}

/**
 * A channel renders and sends a delivery itself (the worker looks it up by the row's `channel`, never switches on
 * it). `deliver` resolves when the message is accepted and throws with a clear message otherwise (the worker logs,
 * counts and retries). Members: email (email-channel.ts), slack and teams (chat-channel.ts), inbox (inbox-channel.ts).
 */
export interface NotificationChannelAdapter {
  readonly kind: NotificationChannel;
  deliver(delivery: Delivery): Promise<void>;
  /** Several rows of one digest (same recipient) as one message; a channel without it gets no digest rows (the planner's timing table). */
  deliverDigest?(deliveries: readonly [Delivery, ...Delivery[]]): Promise<void>;
}
