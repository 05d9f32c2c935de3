// GET /v1/me/inbox (docs/notifications.md "Inbox"): the server's own type, imported (type-only: erased from the bundle).
import type { InboxItem } from '../../../../src/app/notifications/notification-inbox.ts';
export type { InboxItem };

export interface InboxPage {
  readonly items: readonly InboxItem[];
  readonly unread: number;
  readonly nextCursor: string | null;
}

/** Fired on window when the Inbox page marks something read, so the navigation badge re-reads at once. */
export const INBOX_CHANGED = 'remit:inbox-changed';
