import { useEffect, useState } from 'react';
import { get } from '../../api.ts';
import { ROSTER_CHANGED } from './roster-types.ts';

const POLL_MS = 30_000;

/** The nav's overload count (GET /v1/roster/alerts): re-read every 30 s and whenever the Roster page changes something. */
export function AlertCount() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    const read = () =>
      void get<{ alerts: unknown[] }>('/v1/roster/alerts').then(
        (r) => live && setCount(r.alerts.length),
        () => undefined,
      );
    read();
    const timer = setInterval(read, POLL_MS);
    window.addEventListener(ROSTER_CHANGED, read);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener(ROSTER_CHANGED, read);
    };
  }, []);
  if (count === 0) return null;
  return (
    <span className="nav-count" data-testid="nav-alert-count">
      {' '}
      {count}
      <span className="sr-only"> overload alert{count === 1 ? '' : 's'}</span>
    </span>
  );
}
