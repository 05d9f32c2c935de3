import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RetentionWorker } from '../../src/app/privacy/retention-worker.ts';
import type { ServiceContext } from '../../src/app/shared/service-context.ts';
import { SlaWorker } from '../../src/app/sla/sla-worker.ts';
import { WebhookDispatcher } from '../../src/app/webhooks/webhook-dispatcher.ts';
import type { WorkerName } from '../../src/app/observability/worker-failure.ts';
import { startableAuditSealer } from '../../src/cli/audit-sealer-runner.ts';
import { composeService } from '../../src/cli/compose-service.ts';
import { parseRuntimeEnv } from '../../src/cli/runtime-config.ts';
import type { Store } from '../../src/store/unit-of-work.ts';
import { capturingLogger } from '../support/observability.ts';
import { startTestService, type TestService } from './service-harness.ts';

/**
 * Issue 12: nothing a background worker does fails silently. Each worker of `remit serve` is made to
 * fail once; the failure must show as an error log line naming the worker and as one increment of
 * remit_worker_failures_total{worker}.
 */

const OUTAGE = 'database connection lost';

/** A store whose every call fails (the database went away), keeping the shape of the real one. */
function downStore(store: Store): Store {
  const fail = async () => {
    throw new Error(OUTAGE);
  };
  const down = (o: object): object =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [k, typeof v === 'function' ? fail : v !== null && typeof v === 'object' ? down(v) : v]),
    );
  return { ...(down(store) as Store), capabilities: store.capabilities };
}

let s: TestService;
let lines: Record<string, unknown>[];

beforeAll(async () => {
  const captured = capturingLogger();
  lines = captured.lines;
  s = await startTestService({ log: captured.log });
});
afterAll(async () => s.close());

const failures = async (ctx: Pick<ServiceContext, 'metrics'>, worker: WorkerName) =>
  (await ctx.metrics.workerFailures.get()).values.find((v) => v.labels.worker === worker)?.value ?? 0;
const loggedFailure = (worker: WorkerName) => lines.find((l) => l.worker === worker && l.level === 50 && l.msg === `${worker} failed`);

describe('every background worker logs and counts its failures', () => {
  it('webhook dispatcher: a failed pass', async () => {
    const dispatcher = new WebhookDispatcher({ ...s.ctx, store: downStore(s.store) });
    dispatcher.start(5);
    await vi.waitFor(async () => expect(await failures(s.ctx, 'webhook-dispatcher')).toBeGreaterThan(0));
    await dispatcher.stop();
    expect((loggedFailure('webhook-dispatcher')?.err as { message?: string } | undefined)?.message).toBe(OUTAGE);
  });

  it('SLA timers: a failed pass', async () => {
    const worker = new SlaWorker({ ...s.ctx, store: downStore(s.store) });
    worker.start(5);
    await vi.waitFor(async () => expect(await failures(s.ctx, 'sla-timers')).toBeGreaterThan(0));
    await worker.stop();
    expect((loggedFailure('sla-timers')?.err as { message?: string } | undefined)?.message).toBe(OUTAGE);
  });

  it('queue assignment: reported under its own name, the SLA pass still completes', async () => {
    const store = { ...s.store, leads: { ...s.store.leads, page: async () => Promise.reject(new Error(OUTAGE)) } };
    expect(await new SlaWorker({ ...s.ctx, store }).tick()).toEqual([]);
    expect(await failures(s.ctx, 'queue-assignment')).toBe(1);
    expect((loggedFailure('queue-assignment')?.err as { message?: string } | undefined)?.message).toBe(OUTAGE);
  });

  it('audit sealer: a failed round', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-sealer-'));
    try {
      const env = { auditKey: undefined, auditKeyFile: join(dir, 'key.pem'), auditSealIntervalMs: 5 };
      const sealer = startableAuditSealer({ ...s.ctx, store: downStore(s.store) }, env);
      sealer.start();
      await vi.waitFor(async () => expect(await failures(s.ctx, 'audit-sealer')).toBeGreaterThan(0));
      await sealer.stop({ drain: false });
      expect((loggedFailure('audit-sealer')?.err as { message?: string } | undefined)?.message).toBe(OUTAGE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retention: a failed pass', async () => {
    // The example org keeps everything indefinitely (no store call to fail): the org cannot be read instead.
    const orgs = Object.defineProperty({}, 'current', {
      get() {
        throw new Error(OUTAGE);
      },
    }) as ServiceContext['orgs'];
    const worker = new RetentionWorker({ ...s.ctx, orgs, store: downStore(s.store) });
    worker.start(5, 0);
    await vi.waitFor(async () => expect(await failures(s.ctx, 'retention')).toBeGreaterThan(0));
    await worker.stop();
    expect(worker.failures).toBeGreaterThan(0);
    expect((loggedFailure('retention')?.err as { message?: string } | undefined)?.message).toBe(OUTAGE);
  });

  it('store integrity check (remit serve wiring): a check that cannot run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-integrity-'));
    const captured = capturingLogger();
    const file = join(dir, 'remit.sqlite');
    const service = await composeService({
      databaseUrl: `sqlite:${file}`,
      env: parseRuntimeEnv({ REMIT_STORE_CHECK_MS: '50' }),
      log: captured.log,
      checkStoreIntegrity: true,
    });
    try {
      // The file disappears under the service: the read-only check cannot open it.
      unlinkSync(file);
      await vi.waitFor(async () => expect(await failures(service.ctx, 'store-integrity')).toBeGreaterThan(0), { timeout: 10_000 });
      const line = captured.lines.find((l) => l.worker === 'store-integrity' && l.level === 50);
      expect(line).toMatchObject({ msg: 'store-integrity failed', kind: 'not-checked' });
    } finally {
      await service.app.close();
      await service.store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
