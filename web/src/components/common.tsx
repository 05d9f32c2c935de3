import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';

/** Loads data for a page; `reload` re-runs it. Errors keep the API's code/message/details. */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    loader.current().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e =
    error instanceof ApiError
      ? error.body
      : { code: 'ERROR', message: error instanceof Error ? error.message : String(error), details: [] };
  const status = error instanceof ApiError ? ` (HTTP ${error.status})` : '';
  return (
    <div className="error" role="alert">
      <p>
        <strong>{title ?? 'The API refused this'}</strong>
        {status}: <code>{e.code}</code> — {e.message}
      </p>
      {e.details.length > 0 && (
        <ul>
          {e.details.map((d, i) => (
            <li key={i}>
              {d.path ? <code>{d.path}</code> : null} {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/**
 * The first page after a load keeps the browser's focus (so Tab reaches the skip link); navigating to another
 * page moves it to the new heading. Keyed by path, not by mount: a page that re-mounts or retitles itself once its
 * data arrives must not steal the focus (under load that raced the first Tab).
 */
let focusedPath: string | null = null;

export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Remit console`;
    // After client-side navigation, move focus to the new page's heading so screen-reader and keyboard users land on the content.
    const path = window.location.pathname;
    if (focusedPath !== null && focusedPath !== path) h1.current?.focus();
    focusedPath = path;
  }, [title]);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1} ref={h1}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </>
  );
}

export function Badge({ tone, children }: { tone: 'good' | 'warn' | 'bad' | 'info' | 'muted'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export const outcomeTone = (o: string | null | undefined): 'good' | 'warn' | 'bad' | 'info' | 'muted' =>
  o === 'ASSIGNED' || o === 'APPROVED' || o === 'ACCEPTED' || o === 'WON'
    ? 'good'
    : o === 'REFUSED' || o === 'REJECTED' || o === 'LOST'
      ? 'bad'
      : o === 'HELD' || o === 'QUEUED' || o === 'OPEN'
        ? 'warn'
        : 'info';

export const fmtTime = (iso: string | null | undefined) =>
  iso
    ? new Date(iso)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
    : '—';

export function downloadJson(filename: string, data: unknown) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function Forbidden({ what }: { what: string }) {
  return (
    <div className="notice" role="alert">
      <p>
        <strong>Access denied.</strong> {what}
      </p>
    </div>
  );
}
