import { listProblems } from '../../domain/notifications/list-staleness.ts';
import type { RosterAlert } from '../../domain/roster/roster-overload.ts';
import { verifyStoredLog } from '../audit/audit-queries.ts';
import type { WorkerName } from '../observability/worker-failure.ts';
import { rosterAlertsView } from '../roster/roster-view.use-case.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import type { HeldCondition } from './raised-conditions.ts';

/**
 * The conditions people are told about when they start (docs/notifications.md "Scheduled and edge-triggered
 * events"): each watch says which event announces it, how often it is looked at, and what holds now. Announcing
 * only the edges is announceEdges' job (raised-conditions.ts).
 */
export interface ConditionWatch {
  readonly eventType: string;
  /** Its failures are logged and counted under this name. */
  readonly worker: WorkerName;
  readonly everyMs: number;
  held(ctx: ServiceContext): Promise<readonly HeldCondition[]>;
}

const MINUTE = 60_000;

type ShareAlert = Exclude<RosterAlert, { kind: 'queue' }>;

/** Who an overload alert is about, by its kind. */
const OVERLOADED: { readonly [K in ShareAlert['kind']]: (a: Extract<ShareAlert, { kind: K }>) => { id: string; repId?: string } } = {
  rep: (a) => ({ id: a.repId, repId: a.repId }),
  team: (a) => ({ id: a.teamId }),
};

const isShareAlert = (a: RosterAlert): a is ShareAlert => a.kind !== 'queue';

/** roster.overloaded: a rep or team over its share of today's leads (roster.overload); aged queues are not overload. */
export const OVERLOAD_WATCH: ConditionWatch = {
  eventType: 'roster.overloaded',
  worker: 'overload-watch',
  everyMs: MINUTE,
  async held(ctx) {
    const { alerts } = await rosterAlertsView(ctx);
    return alerts.filter(isShareAlert).map((a) => {
      const who = (OVERLOADED[a.kind] as (a: ShareAlert) => { id: string; repId?: string })(a);
      const { code, teamId, leads, total, threshold } = a;
      const share = Math.round(a.share * 1000) / 1000;
      return { key: `${a.kind}:${who.id}`, data: { scope: a.kind, ...who, teamId, code, leads, total, share, threshold } };
    });
  },
};

/** screening.lists_stale: a configured list source not loaded, or older than its `maxAgeDays` (lists.yaml). */
export const LISTS_WATCH: ConditionWatch = {
  eventType: 'screening.lists_stale',
  worker: 'list-watch',
  everyMs: MINUTE,
  async held(ctx) {
    const sources = ctx.listSources?.sources ?? [];
    const problems = listProblems(sources, ctx.screening?.versions() ?? [], ctx.clock.now());
    return problems.map((p) => ({ key: `${p.list}:${p.condition}`, data: p }));
  },
};

/** audit.verify_failed: the stored hash chain does not verify; a new first broken sequence is a new condition. */
export const AUDIT_WATCH: ConditionWatch = {
  eventType: 'audit.verify_failed',
  worker: 'audit-watch',
  everyMs: 60 * MINUTE,
  async held(ctx) {
    const report = await verifyStoredLog(ctx.store);
    if (report.result.ok) return [];
    const { seq, problem } = report.result.firstBad;
    return [
      {
        key: `seq:${seq}`,
        data: { firstBrokenSeq: seq, reason: problem, checked: report.result.entriesChecked, logId: report.logId },
      },
    ];
  },
};

export const CONDITION_WATCHES: readonly ConditionWatch[] = [OVERLOAD_WATCH, LISTS_WATCH, AUDIT_WATCH];
