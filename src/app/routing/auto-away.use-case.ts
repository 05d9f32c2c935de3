import type { Principal } from '../../domain/access/principal.ts';
import { autoAwayDue } from '../../domain/eligibility/auto-away.ts';
import { awayAt } from '../../domain/eligibility/rep-presence.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { RepPresenceRecord } from '../../store/ports/rep-presence.port.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { getRepPresence, type PresenceView } from './rep-presence.use-case.ts';

/**
 * Auto-away after N idle minutes in the console (docs/operations.md "Auto-away"; org config
 * `roster.autoAwayAfterMinutes`). The console sends a heartbeat while the rep's tab is visible and used; the
 * worker marks a rep away (set by `system`) when no heartbeat came for N working minutes during their working
 * hours. A heartbeat never brings a rep back by itself: they press "I am back" (PUT presence), so an away that
 * someone did not choose is always ended by a person who sees it.
 */

/** Who the automatic away is attributed to (presence `setBy`, audit `actor`). */
export const AUTO_AWAY_ACTOR = 'system';

export interface HeartbeatView {
  readonly repId: string;
  readonly lastSeen: string;
  /** The org's setting in force (null: auto-away is off). */
  readonly autoAwayAfterMinutes: number | null;
  /** The rep's presence now: a heartbeat does not change it. */
  readonly presence: PresenceView;
}

type Deps = Pick<ServiceContext, 'store' | 'clock' | 'orgs'>;

const autoAwayMinutes = (deps: Pick<Deps, 'orgs'>): number | null => deps.orgs.current.config.roster?.autoAwayAfterMinutes ?? null;

/** A rep's console says it is in use: the rep is the signed-in person's linked rep. */
export async function recordHeartbeat(ctx: ServiceContext, principal: Principal): Promise<Result<HeartbeatView, AppFailure>> {
  const repId = principal.repId;
  if (repId === null) return failure('FORBIDDEN', 'a heartbeat comes from a rep: this person is linked to no rep');
  if (!ctx.orgs.current.repsById.has(repId)) return failure('NOT_FOUND', `no rep ${repId} in the current org`);
  const at = toIso(ctx.clock.now());
  await ctx.store.repHeartbeats.beat(repId, at);
  const presence = await getRepPresence(ctx, principal, repId);
  if (!presence.ok) return presence;
  return ok({ repId, lastSeen: at, autoAwayAfterMinutes: autoAwayMinutes(ctx), presence: presence.value });
}

/** One auto-away: which rep, when they were last seen, the setting it applied. */
export interface AutoAwayOutcome {
  readonly repId: string;
  readonly lastSeen: string;
  readonly minutes: number;
  readonly at: string;
}

/** Whether the rep should be marked away now: active in the org, not away already, idle long enough in working time. */
function due(deps: Deps, repId: string, lastSeen: string, presence: RepPresenceRecord | undefined, minutes: number, now: number) {
  const rep = deps.orgs.current.repsById.get(repId);
  if (!rep || rep.status !== 'active') return false;
  if (presence?.status === 'away' && awayAt({ since: presence.since, until: presence.until, reason: presence.reason }, now)) return false;
  return autoAwayDue(rep, Date.parse(lastSeen), now, minutes);
}

/** Marks one rep away under their routing lock, re-checking inside the transaction (another instance may have acted). */
async function markAway(deps: Deps, repId: string, minutes: number): Promise<AutoAwayOutcome | null> {
  return deps.store.transaction(async (tx) => {
    await tx.routingState.lockScope({ pools: [], repIds: [repId] });
    const now = deps.clock.now();
    const beat = await tx.repHeartbeats.get(repId);
    const before = await tx.repPresence.get(repId);
    if (!beat || !due(deps, repId, beat.lastSeen, before, minutes, now)) return null;
    const at = toIso(now);
    const record: RepPresenceRecord = {
      repId,
      status: 'away',
      since: at,
      until: null,
      setBy: AUTO_AWAY_ACTOR,
      reason: `auto-away: idle ${minutes} min`,
    };
    await tx.repPresence.put(record);
    await appendAudit(tx, {
      kind: 'org_change',
      subject: `rep:${repId}`,
      actor: AUTO_AWAY_ACTOR,
      at,
      payload: {
        action: 'rep.presence',
        auto: 'auto-away',
        repId,
        lastSeen: beat.lastSeen,
        autoAwayAfterMinutes: minutes,
        org: deps.orgs.current.hash,
        before: before ? { ...before } : null,
        after: { ...record },
      },
    });
    return { repId, lastSeen: beat.lastSeen, minutes, at };
  });
}

/**
 * One pass of the auto-away worker: every rep who has sent a heartbeat, idle for the org's N working minutes
 * during their working hours and not away already, is marked away. Nothing when the org has no setting.
 */
export async function applyAutoAway(deps: Deps): Promise<readonly AutoAwayOutcome[]> {
  await deps.orgs.sync();
  const minutes = autoAwayMinutes(deps);
  if (minutes === null) return [];
  const now = deps.clock.now();
  const beats = await deps.store.repHeartbeats.list();
  const away = new Map((await deps.store.repPresence.listAway(beats.map((b) => b.repId))).map((p) => [p.repId, p]));
  const out: AutoAwayOutcome[] = [];
  for (const beat of beats) {
    if (!due(deps, beat.repId, beat.lastSeen, away.get(beat.repId), minutes, now)) continue;
    const done = await markAway(deps, beat.repId, minutes);
    if (done) out.push(done);
  }
  return out;
}
