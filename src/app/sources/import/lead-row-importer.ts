import { createHash } from 'node:crypto';
import type { DecisionOutcome } from '../../../domain/decision/decision.ts';
import { normaliseIntakeFor } from '../../../domain/org/intake-product.ts';
import type { CompiledOrg } from '../../../domain/org/compiled-org.ts';
import type { SourceMapping } from '../../../domain/org/sources.schema.ts';
import { describeFieldErrors, mapSourceFields } from '../../../domain/sources/map-source-fields.ts';
import type { Principal } from '../../../domain/access/principal.ts';
import { ingestLead } from '../../intake/ingest-lead.use-case.ts';
import type { InOrder } from '../../intake/ordered-window.ts';
import { ROUTING_BATCH_MAX_LEADS } from '../../intake/routing-batch.ts';
import type { ServiceContext } from '../../shared/service-context.ts';
import type { CsvRow } from './csv-rows.ts';
import type { ImportRowResult, ImportRowStatus } from './import-report.ts';
import { requireColumns, type RowImporter } from './row-importer.ts';

/** Who CSV imports are recorded as (idempotency scope, history actor). */
export const IMPORT_PRINCIPAL: Principal = { userId: 'import', keyId: 'import', name: 'remit import', roles: ['integration'], repId: null };

const STATUS_OF: Readonly<Record<DecisionOutcome | 'DUPLICATE' | 'ERASED', ImportRowStatus>> = {
  ASSIGNED: 'accepted',
  QUEUED: 'accepted',
  NURTURE: 'accepted',
  HELD: 'held',
  REFUSED: 'refused',
  DUPLICATE: 'duplicate',
  ERASED: 'erased',
};

export interface LeadRowImporterOptions {
  readonly mapping: SourceMapping;
  readonly header: readonly string[];
  /** Identifies the file in idempotency keys (its resolved path). */
  readonly fileKey: string;
  /**
   * Consent time when the mapping has no capturedAt column. Must be the same on every run of the
   * same file (the file's modification time), or a re-run would differ from the first.
   */
  readonly consentAt: string;
  /** Dry run: validate and normalise only (no store). */
  readonly dryRun: { readonly org: CompiledOrg; readonly now: () => number } | null;
  readonly ctx: ServiceContext | null;
}

function mappingColumns(m: SourceMapping): string[] {
  return [
    ...Object.values(m.fields),
    ...m.hidden,
    ...(m.consent ? [m.consent.field, m.consent.wordingField, m.consent.capturedAtField].filter((c): c is string => c !== undefined) : []),
  ];
}

/**
 * A CSV row → the same pipeline as the API (ingestLead). Idempotent across runs: the key is the
 * row's external id when mapped, else a hash of the file path and the row's exact text, so a
 * re-run replays every stored row and creates nothing.
 */
export function leadRowImporter(o: LeadRowImporterOptions): RowImporter {
  requireColumns(o.header, mappingColumns(o.mapping));
  const fileHash = createHash('sha256').update(o.fileKey).update('\n');
  return {
    // Issue 18 (lane bulkbatch): a window of rows in flight, so they share routing batches (one transaction, one COMMIT).
    window: o.dryRun ? 1 : ROUTING_BATCH_MAX_LEADS,
    async handle(row: CsvRow, inOrder?: InOrder): Promise<ImportRowResult> {
      if (row.shapeError) return { status: 'invalid', code: 'LEAD_INVALID', errors: [{ path: '', message: row.shapeError }] };
      const { payload, fieldOf } = mapSourceFields(o.mapping, row.values, o.consentAt);
      const describe = (details: Parameters<typeof describeFieldErrors>[0]) => describeFieldErrors(details, fieldOf, 'column');
      if (o.dryRun) {
        const n = normaliseIntakeFor(o.dryRun.org, payload, { at: o.dryRun.now() });
        if (!n.ok)
          return { status: 'invalid', code: 'LEAD_INVALID', errors: describe(n.error.map((e) => ({ path: e.path, message: e.message }))) };
        return { status: 'valid' };
      }
      const externalId = typeof payload.externalId === 'string' ? payload.externalId.trim() : '';
      const key = externalId !== '' ? `import:external:${externalId}` : `import:${fileHash.copy().update(row.raw).digest('hex')}`;
      const result = await ingestLead(o.ctx!, IMPORT_PRINCIPAL, payload, { idempotencyKey: key.slice(0, 200), inOrder });
      if (!result.ok) {
        const f = result.error;
        return {
          status: f.code === 'LEAD_INVALID' ? 'invalid' : 'failed',
          code: f.code,
          errors: f.details.length > 0 ? describe(f.details) : [{ path: '', message: f.message }],
        };
      }
      const b = result.value.body;
      return {
        status: STATUS_OF[b.status],
        outcome: b.status,
        id: b.leadId,
        duplicateOf: b.duplicateOf,
        teamId: b.decision?.team?.id ?? null,
        repId: b.decision?.rep?.id ?? null,
        replayed: result.value.replayed,
      };
    },
    async flush() {},
  };
}
