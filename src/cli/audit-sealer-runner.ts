import { AuditSealerService } from '../app/audit/audit-sealer.service.ts';
import { AuditKeyError, AuditSigner, type AuditKeySource } from '../app/audit/audit-signing-key.ts';
import { reportWorkerFailure } from '../app/observability/worker-failure.ts';
import type { ServiceContext } from '../app/shared/service-context.ts';
import { CliFailure } from './cli-io.ts';
import type { RuntimeEnv } from './runtime-config.ts';

/** The signing key configured for this process: REMIT_AUDIT_KEY (inline PEM) or REMIT_AUDIT_KEY_FILE. */
export const auditKeySource = (env: Pick<RuntimeEnv, 'auditKey' | 'auditKeyFile'>): AuditKeySource => ({
  inline: env.auditKey,
  file: env.auditKeyFile,
});

/**
 * The sealer `remit serve` runs: the signing key from REMIT_AUDIT_KEY or the key file (created on
 * first start, 0600), REMIT_AUDIT_SEAL_INTERVAL_MS between rounds (default 200). A bad key stops the
 * start-up with AUDIT_KEY_UNAVAILABLE rather than running without sealing. A failed round is logged
 * and counted (worker audit-sealer); its entries wait in the inbox for the next round.
 */
export function startableAuditSealer(
  ctx: Pick<ServiceContext, 'store' | 'clock' | 'log' | 'metrics'>,
  env: Pick<RuntimeEnv, 'auditKey' | 'auditKeyFile' | 'auditSealIntervalMs'>,
): AuditSealerService {
  let signer: AuditSigner;
  try {
    signer = new AuditSigner(auditKeySource(env));
  } catch (e) {
    if (e instanceof AuditKeyError)
      throw new CliFailure('AUDIT_KEY_UNAVAILABLE', undefined, [{ path: 'REMIT_AUDIT_KEY', message: e.message }]);
    throw e;
  }
  return new AuditSealerService(
    { store: ctx.store, clock: ctx.clock, signer },
    {
      intervalMs: env.auditSealIntervalMs,
      onError: (e) => reportWorkerFailure(ctx, 'audit-sealer', e, { note: 'entries wait in the inbox' }),
    },
  );
}
