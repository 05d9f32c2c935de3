import { useEffect, useState } from 'react';
import { get } from '../../api.ts';
import { INBOX_CHANGED, type InboxPage } from './inbox-types.ts';

const POLL_MS = 30_000;

/** The nav's unread badge (GET /v1/me/inbox?limit=1): re-read every 30 s and whenever the Inbox page marks something read. */
export function UnreadCount() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    const read = () =>
      void get<InboxPage>('/v1/me/inbox?limit=1').then(
        (r) => live && setCount(r.unread),
        () => undefined,
      );
    read();
    const timer = setInterval(read, POLL_MS);
    window.addEventListener(INBOX_CHANGED, read);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener(INBOX_CHANGED, read);
    };
  }, []);
  if (count === 0) return null;
  return (
    <span className="nav-count" data-testid="nav-unread-count">
      {' '}
      {count}
      <span className="sr-only"> unread</span>
    </span>
  );
}
