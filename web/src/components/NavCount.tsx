import { useEffect, useState } from 'react';
import { get } from '../api.ts';

const POLL_MS = 30_000;

/**
 * A count next to a navigation link (roster alerts, unread inbox messages): read from `path`, re-read every 30 s and
 * whenever `changedEvent` fires on window (the page that changed something says so); nothing shown at zero.
 */
export function NavCount<T>({
  path,
  count,
  changedEvent,
  testId,
  label,
}: {
  path: string;
  count: (body: T) => number;
  changedEvent: string;
  testId: string;
  label: (n: number) => string;
}) {
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    const read = () =>
      void get<T>(path).then(
        (r) => live && setN(count(r)),
        () => undefined,
      );
    read();
    const timer = setInterval(read, POLL_MS);
    window.addEventListener(changedEvent, read);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener(changedEvent, read);
    };
    // `count` is a pure projection given inline by callers: depending on it would re-subscribe (and re-read) on every render.
  }, [path, changedEvent]);
  if (n === 0) return null;
  return (
    <span className="nav-count" data-testid={testId}>
      {' '}
      {n}
      <span className="sr-only"> {label(n)}</span>
    </span>
  );
}
