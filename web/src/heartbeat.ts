import { useEffect } from 'react';
import { api, type Me } from './api.ts';

/** How often an active console says so (auto-away counts whole minutes; docs/operations.md "Auto-away"). */
const BEAT_MS = 60_000;
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'] as const;
/** Dispatched on window after each heartbeat with the rep's presence status, so the Me page shows an automatic away at once. */
export const PRESENCE_EVENT = 'remit:presence';

/**
 * A rep's console sends a heartbeat (`POST /v1/me/heartbeat`) while it is in use: the tab is visible and the
 * rep did something (pointer, keys, scroll) since the last beat. An idle or hidden tab sends nothing, so with
 * `roster.autoAwayAfterMinutes` set the rep is marked away after that many working minutes. The heartbeat never
 * ends an away: the rep presses "I am back" on the Me page.
 */
export function useConsoleHeartbeat(me: Me | null | undefined): void {
  const repId = me && me.roles.includes('rep') ? me.repId : null;
  useEffect(() => {
    if (repId === null) return;
    let usedSinceBeat = true; // opening the console is using it
    let last = 0;
    const beat = () => {
      if (document.visibilityState !== 'visible' || !usedSinceBeat) return;
      usedSinceBeat = false;
      last = Date.now();
      void api<{ presence: { status: string } }>('POST', '/v1/me/heartbeat')
        .then((r) => window.dispatchEvent(new CustomEvent(PRESENCE_EVENT, { detail: r.presence.status })))
        .catch(() => undefined);
    };
    const used = () => {
      usedSinceBeat = true;
      // The first input after an idle spell is reported at once (at most one beat a minute).
      if (Date.now() - last >= BEAT_MS) beat();
    };
    const visible = () => {
      if (document.visibilityState === 'visible') used();
    };
    for (const e of INPUT_EVENTS) window.addEventListener(e, used, { passive: true });
    document.addEventListener('visibilitychange', visible);
    beat();
    const timer = window.setInterval(beat, BEAT_MS);
    return () => {
      window.clearInterval(timer);
      for (const e of INPUT_EVENTS) window.removeEventListener(e, used);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [repId]);
}
