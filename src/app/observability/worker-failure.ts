import type { Logger } from './logger.ts';
import type { RemitMetrics } from './remit-metrics.ts';

/** The background workers of `remit serve`; each one's failures are logged and counted under its name. */
export const WORKERS = [
  'webhook-dispatcher',
  'sla-timers',
  'queue-assignment',
  'audit-sealer',
  'retention',
  'store-integrity',
  'store-checkpoint',
  'auto-away',
  'reassignment',
  'notification-worker',
  'licence-expiry',
  'overload-watch',
  'list-watch',
  'audit-watch',
  'crm-writeback',
  'delta-rescreen',
  'rescreen-job',
  'conversion-model',
  'screening-snapshot',
  'list-sync',
  'list-reload-schedule',
  'coverage-release',
  'list-load',
] as const;
export type WorkerName = (typeof WORKERS)[number];

/**
 * Nothing a worker does fails silently: every failure is one error line naming the worker (plus the
 * context the worker has, e.g. a lead id) and one increment of `remit_worker_failures_total{worker}`.
 */
export function reportWorkerFailure(
  obs: { readonly log: Logger; readonly metrics: RemitMetrics },
  worker: WorkerName,
  error: unknown,
  context: Readonly<Record<string, unknown>> = {},
): void {
  obs.metrics.workerFailures.inc({ worker });
  obs.log.error({ worker, err: error, ...context }, `${worker} failed`);
}
