import { AuditSealerService } from '../app/audit-sealer.service.ts';
import { AuditKeyError, AuditSigner, auditKeySourceFromEnv } from '../app/audit-signing-key.ts';
import type { ServiceContext } from '../app/service-context.ts';
import { CliFailure } from './cli-io.ts';

/**
 * The sealer `remit serve` runs: the signing key from REMIT_AUDIT_KEY or the key file (created on
 * first start, 0600), REMIT_AUDIT_SEAL_INTERVAL_MS between rounds (default 200). A bad key stops the
 * start-up with AUDIT_KEY_UNAVAILABLE rather than running without sealing.
 */
export function startableAuditSealer(ctx: Pick<ServiceContext, 'store' | 'clock'>, onError: (e: unknown) => void): AuditSealerService {
  let signer: AuditSigner;
  try {
    signer = new AuditSigner(auditKeySourceFromEnv());
  } catch (e) {
    if (e instanceof AuditKeyError) throw new CliFailure('AUDIT_KEY_UNAVAILABLE', undefined, [{ path: 'REMIT_AUDIT_KEY', message: e.message }]);
    throw e;
  }
  return new AuditSealerService({ store: ctx.store, clock: ctx.clock, signer }, { intervalMs: Number(process.env.REMIT_AUDIT_SEAL_INTERVAL_MS ?? 200), onError });
}
