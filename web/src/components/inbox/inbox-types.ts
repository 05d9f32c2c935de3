/** GET /v1/me/inbox (docs/notifications.md "Inbox"). */
export interface InboxItem {
  readonly id: string;
  readonly eventType: string;
  readonly leadId: string;
  readonly title: string;
  readonly text: string;
  readonly link: string;
  readonly createdAt: string;
  readonly readAt: string | null;
}
export interface InboxPage {
  readonly items: readonly InboxItem[];
  readonly unread: number;
  readonly nextCursor: string | null;
}

/** Fired on window when the Inbox page marks something read, so the navigation badge re-reads at once. */
export const INBOX_CHANGED = 'remit:inbox-changed';
