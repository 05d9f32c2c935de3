import type { NotificationChannelAdapter } from './notification-channel.ts';

/**
 * The console inbox: the row itself is the message (recipient = the owner's user id), listed by GET /v1/me/inbox and
 * rendered when read. There is nothing to transmit, so delivery succeeds at once and the worker marks the row SENT.
 */
export const inboxChannel: NotificationChannelAdapter = { kind: 'inbox', deliver: async () => {} };
