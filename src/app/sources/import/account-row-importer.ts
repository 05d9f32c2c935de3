import type { CompiledOrg } from '../../../domain/org/compiled-org.ts';
import type { AccountImportMapping } from '../../../domain/sources/import-mapping.schema.ts';
import { toIso } from '../../../domain/shared/zoned-time.ts';
import type { AccountRecord } from '../../../store/ports/accounts.port.ts';
import type { Store } from '../../../store/unit-of-work.ts';
import { ownerRepProblem } from '../../intake/account-owner.ts';
import type { CsvRow } from './csv-rows.ts';
import type { ImportRowResult } from './import-report.ts';
import { firstValue, ImportSetupError, requireColumns, type RowImporter } from './row-importer.ts';

const DEFAULT_COLUMNS: Readonly<Record<keyof AccountImportMapping['fields'], readonly string[]>> = {
  id: ['id', 'account_id'],
  name: ['name', 'account_name', 'company'],
  domains: ['domains', 'domain', 'email_domains'],
  ownerRep: ['owner_rep', 'ownerRep', 'owner', 'rep'],
  tier: ['tier'],
  parentId: ['parent_id', 'parentId', 'parent', 'parent_account'],
};
const DOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const BATCH = 500;

export function resolveColumns<K extends string>(
  header: readonly string[],
  defaults: Readonly<Record<K, readonly string[]>>,
  given: Partial<Record<K, string>>,
): Partial<Record<K, string>> {
  requireColumns(header, Object.values(given) as string[]);
  const out: Partial<Record<K, string>> = { ...given };
  for (const [key, names] of Object.entries(defaults) as [K, readonly string[]][]) {
    if (out[key] === undefined) out[key] = header.find((h) => names.some((n) => n.toLowerCase() === h.toLowerCase()));
  }
  return out;
}

/**
 * Account / owner data (docs/intake.md): id, name, email domains (separated by ; , or spaces), owner rep, tier, parent. Upserted by id in
 * batches.
 */
export function accountRowImporter(o: {
  header: readonly string[];
  mapping: AccountImportMapping | null;
  org: CompiledOrg;
  store: Store | null;
  now: () => number;
}): RowImporter {
  const cols = resolveColumns(o.header, DEFAULT_COLUMNS, o.mapping?.fields ?? {});
  if (cols.id === undefined || cols.name === undefined)
    throw new ImportSetupError(
      `an accounts file needs an id and a name column (header: ${o.header.join(', ')}); map them with fields.id / fields.name`,
    );
  let batch: AccountRecord[] = [];
  const flush = async () => {
    if (batch.length > 0 && o.store) await o.store.accounts.upsert(batch);
    batch = [];
  };
  return {
    async handle(row: CsvRow): Promise<ImportRowResult> {
      if (row.shapeError) return { status: 'invalid', code: 'ARGUMENT_INVALID', errors: [{ path: '', message: row.shapeError }] };
      const errors = [];
      const id = firstValue(row, cols.id);
      const name = firstValue(row, cols.name);
      if (!id) errors.push({ path: cols.id!, message: 'required' });
      if (!name) errors.push({ path: cols.name!, message: 'required' });
      const domains = [
        ...new Set(
          (firstValue(row, cols.domains) ?? '')
            .split(/[;,\s]+/)
            .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
            .filter((d) => d !== ''),
        ),
      ];
      for (const d of domains) if (!DOMAIN.test(d)) errors.push({ path: cols.domains!, message: `"${d}" is not a domain name` });
      const ownerRep = firstValue(row, cols.ownerRep) ?? null;
      const ownerProblem = ownerRepProblem(o.org, ownerRep);
      if (ownerProblem !== null) errors.push({ path: cols.ownerRep!, message: ownerProblem });
      if (errors.length > 0) return { status: 'invalid', code: 'ARGUMENT_INVALID', errors };
      // A CSV row names its parent by id; unlike the API import, a parent in a later row is fine, and a loop only
      // ends the owner walk (accountOwner), so the file is not checked as a whole.
      const parentId = firstValue(row, cols.parentId);
      if (parentId === id)
        return {
          status: 'invalid',
          code: 'ARGUMENT_INVALID',
          errors: [{ path: cols.parentId!, message: 'an account cannot be its own parent' }],
        };
      batch.push({
        id: id!,
        name: name!,
        domains,
        ownerRep,
        tier: firstValue(row, cols.tier) ?? null,
        ...(parentId !== undefined ? { parentId } : {}),
        updatedAt: toIso(o.now()),
      });
      if (batch.length >= BATCH) await flush();
      return { status: o.store ? 'accepted' : 'valid', outcome: 'account', id };
    },
    flush,
  };
}
