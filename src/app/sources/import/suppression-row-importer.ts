import { basename } from 'node:path';
import { normaliseEmail } from '../../../domain/intake/email-address.ts';
import { resolveCountry } from '../../../domain/intake/iso-3166.ts';
import { toE164 } from '../../../domain/intake/phone-number.ts';
import type { SuppressionImportMapping } from '../../../domain/sources/import-mapping.schema.ts';
import { toIso } from '../../../domain/shared/zoned-time.ts';
import type { SuppressionRecord } from '../../../store/ports/suppressions.port.ts';
import type { Store } from '../../../store/unit-of-work.ts';
import { resolveColumns } from './account-row-importer.ts';
import type { CsvRow } from './csv-rows.ts';
import type { ImportRowResult } from './import-report.ts';
import { firstValue, ImportSetupError, type RowImporter } from './row-importer.ts';

const DEFAULT_COLUMNS: Readonly<Record<keyof SuppressionImportMapping['fields'], readonly string[]>> = {
  email: ['email', 'email_address'],
  phone: ['phone', 'phone_number', 'mobile', 'telephone'],
  domain: ['domain', 'email_domain'],
  country: ['country', 'country_code'],
  reason: ['reason', 'note'],
};
const DOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const BATCH = 500;

/**
 * Do-not-contact lists: each row suppresses an email address, a phone number (E.164; national
 * formats need a country column) and/or a whole email domain. A row with any bad value stores nothing.
 */
export function suppressionRowImporter(o: {
  header: readonly string[];
  mapping: SuppressionImportMapping | null;
  file: string;
  store: Store | null;
  now: () => number;
}): RowImporter {
  const cols = resolveColumns(o.header, DEFAULT_COLUMNS, o.mapping?.fields ?? {});
  if (cols.email === undefined && cols.phone === undefined && cols.domain === undefined) {
    throw new ImportSetupError(`a suppression list needs an email, phone or domain column (header: ${o.header.join(', ')})`);
  }
  const source = `import:${basename(o.file)}`;
  let batch: SuppressionRecord[] = [];
  const flush = async () => {
    if (batch.length > 0 && o.store) await o.store.suppressions.upsert(batch);
    batch = [];
  };
  return {
    async handle(row: CsvRow): Promise<ImportRowResult> {
      if (row.shapeError) return { status: 'invalid', code: 'ARGUMENT_INVALID', errors: [{ path: '', message: row.shapeError }] };
      const errors = [];
      const found: { kind: SuppressionRecord['kind']; value: string }[] = [];
      const email = firstValue(row, cols.email);
      if (email !== undefined) {
        const n = normaliseEmail(email);
        if (n) found.push({ kind: 'email', value: n.address });
        else errors.push({ path: cols.email!, message: `"${email}" is not an email address` });
      }
      const phone = firstValue(row, cols.phone);
      if (phone !== undefined) {
        const countryText = firstValue(row, cols.country);
        const country = countryText === undefined ? undefined : resolveCountry(countryText)?.alpha2;
        const p = toE164(phone, country);
        if (p.kind === 'valid') found.push({ kind: 'phone', value: p.e164 });
        else
          errors.push({
            path: cols.phone!,
            message:
              p.reason === 'needs_country'
                ? `"${phone}" needs an international prefix or a country column`
                : `"${phone}" is not a valid phone number`,
          });
      }
      const domain = firstValue(row, cols.domain)?.toLowerCase().replace(/^@/, '');
      if (domain !== undefined) {
        if (DOMAIN.test(domain)) found.push({ kind: 'domain', value: domain });
        else errors.push({ path: cols.domain!, message: `"${domain}" is not a domain name` });
      }
      if (errors.length > 0) return { status: 'invalid', code: 'ARGUMENT_INVALID', errors };
      if (found.length === 0)
        return { status: 'invalid', code: 'ARGUMENT_INVALID', errors: [{ path: '', message: 'no email, phone or domain in this row' }] };
      const reason = firstValue(row, cols.reason) ?? null;
      const at = toIso(o.now());
      for (const f of found) batch.push({ ...f, reason, source, createdAt: at });
      if (batch.length >= BATCH) await flush();
      return {
        status: o.store ? 'accepted' : 'valid',
        outcome: found.map((f) => f.kind).join('+'),
        id: found.map((f) => f.value).join(' '),
      };
    },
    flush,
  };
}
