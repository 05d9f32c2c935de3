import { NavCount } from '../NavCount.tsx';
import { ROSTER_CHANGED } from './roster-types.ts';

/** The nav's overload count (GET /v1/roster/alerts), re-read whenever the Roster page changes something. */
export const AlertCount = () => (
  <NavCount<{ alerts: unknown[] }>
    path="/v1/roster/alerts"
    count={(r) => r.alerts.length}
    changedEvent={ROSTER_CHANGED}
    testId="nav-alert-count"
    label={(n) => `overload alert${n === 1 ? '' : 's'}`}
  />
);
