import { NavCount } from '../NavCount.tsx';
import { INBOX_CHANGED, type InboxPage } from './inbox-types.ts';

/** The nav's unread badge (GET /v1/me/inbox?limit=1), re-read whenever the Inbox page marks something read. */
export const UnreadCount = () => (
  <NavCount<InboxPage>
    path="/v1/me/inbox?limit=1"
    count={(r) => r.unread}
    changedEvent={INBOX_CHANGED}
    testId="nav-unread-count"
    label={() => 'unread'}
  />
);
