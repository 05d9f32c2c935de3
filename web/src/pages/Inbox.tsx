import { useState } from 'react';
import { get, post, qs } from '../api.ts';
import { ErrorBox, fmtTime, Loading, Page, useAsync } from '../components/common.tsx';
import { INBOX_CHANGED, type InboxItem, type InboxPage } from '../components/inbox/inbox-types.ts';
import { Link } from '../router.tsx';

const PAGE = 20;
const changed = () => window.dispatchEvent(new Event(INBOX_CHANGED));

function InboxRow({ item, onRead }: { item: InboxItem; onRead: (id: string) => void }) {
  const unread = item.readAt === null;
  return (
    <li className={`card inbox-item${unread ? ' unread' : ''}`} data-testid={`inbox-${item.id}`} aria-label={item.title}>
      <h2>
        {unread && <span className="sr-only">Unread: </span>}
        <Link to={item.link}>{item.title}</Link>
      </h2>
      <p className="muted">{fmtTime(item.createdAt)}</p>
      <p style={{ whiteSpace: 'pre-line' }}>{item.text}</p>
      {unread && (
        <button type="button" className="secondary" onClick={() => onRead(item.id)} aria-label={`Mark “${item.title}” read`}>
          Mark read
        </button>
      )}
    </li>
  );
}

/** The console inbox: my notifications, newest first; older pages on request; mark one or all read. */
export function InboxPageView() {
  const [cursor, setCursor] = useState<string | null>(null);
  const { data, error, loading, reload } = useAsync(() => get<InboxPage>(`/v1/me/inbox${qs({ limit: PAGE, cursor })}`), [cursor]);
  const [actionError, setActionError] = useState<unknown>(null);
  const act = (p: Promise<unknown>) =>
    void p.then(
      () => {
        setActionError(null);
        changed();
        reload();
      },
      (e: unknown) => setActionError(e),
    );
  return (
    <Page
      title="Inbox"
      actions={
        data && data.unread > 0 ? (
          <button type="button" onClick={() => act(post('/v1/me/inbox/read-all', {}))}>
            Mark all read
          </button>
        ) : undefined
      }
    >
      {loading && !data && <Loading what="your inbox" />}
      <ErrorBox error={error ?? actionError} />
      {data && (
        <>
          <p data-testid="inbox-unread">{data.unread === 0 ? 'Nothing unread.' : `${data.unread} unread`}</p>
          <ul className="inbox" aria-label="Notifications">
            {data.items.map((i) => (
              <InboxRow key={i.id} item={i} onRead={(id) => act(post(`/v1/me/inbox/${encodeURIComponent(id)}/read`, {}))} />
            ))}
          </ul>
          {data.items.length === 0 && <p>No notifications yet.</p>}
          <p>
            {cursor && (
              <button type="button" className="secondary" onClick={() => setCursor(null)}>
                Newest
              </button>
            )}{' '}
            {data.nextCursor && (
              <button type="button" className="secondary" onClick={() => setCursor(data.nextCursor)}>
                Older
              </button>
            )}
          </p>
        </>
      )}
    </Page>
  );
}
