import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLoadWarnings } from '../../src/screening/list-warnings.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { strongIdentifierOf, unusableStrongIdentifierKind } from '../../src/screening/strong-identifier.ts';
import { FIXED_NOW } from './shared-data.ts';

/**
 * docs/screening.md "Load warnings": identifiers a list names but whose values cannot be used (an IMO number failing
 * its check digit, an MMSI that is not nine digits, a malformed LEI, a company's IMO number failing the company check)
 * are left out and counted per list and kind; the load never fails for them and the entries stay listed.
 */
const dir = mkdtempSync(join(tmpdir(), 'remit-load-warnings-'));
const file = (name: string, lines: readonly object[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n'));
  return path;
};

const BAD = file('bad.ftm.jsonl', [
  // check digit 9 expected: 9187628 fails it; the MMSI has eight digits
  { id: 'V-1', schema: 'Vessel', properties: { name: ['Grey Heron'], imoNumber: ['9187628'], mmsi: ['57246921'], topics: ['sanction'] } },
  { id: 'V-2', schema: 'Vessel', properties: { name: ['Pale Osprey'], imoNumber: ['9187629'], mmsi: ['572469210'], topics: ['sanction'] } },
  // a company's IMO number read in the company scheme fails it; the LEI's last two characters are not digits
  {
    id: 'C-1',
    schema: 'Company',
    properties: { name: ['Umber Lantern Ltd'], imoNumber: ['5571323'], leiCode: ['529900T8BM49AURSDOXX'], topics: ['sanction'] },
  },
  // not a strong identifier at all: nothing to warn about
  { id: 'C-2', schema: 'Company', properties: { name: ['Russet Anchor Ltd'], registrationNumber: ['X-1'], topics: ['sanction'] } },
]);
const GOOD = file('good.ftm.jsonl', [
  { id: 'V-9', schema: 'Vessel', properties: { name: ['Pale Osprey'], imoNumber: ['9187629'], topics: ['sanction'] } },
]);

describe('list load warnings', () => {
  it('counts the unusable identifiers per kind; the load succeeds and every entry is listed and screened by name', () => {
    const svc = new ScreeningService({ now: FIXED_NOW });
    const [v] = svc.loadAll([{ type: 'ftm-jsonl', path: BAD, listId: 'bad' }]);
    expect(v!.entryCount).toBe(4);
    expect(v!.warnings).toEqual({ invalid_imo: 1, invalid_imo_company: 1, invalid_lei: 1, invalid_mmsi: 1 });
    expect(formatLoadWarnings(v!.warnings)).toBe('invalid_imo 1, invalid_imo_company 1, invalid_lei 1, invalid_mmsi 1');
    // the ship whose number was left out is still found by its name, not by the bad number
    expect(svc.screen({ name: 'Grey Heron', kind: 'vessel' }, { threshold: 0.9 }).hits[0]).toMatchObject({ entryId: 'V-1' });
    expect(svc.screen({ name: 'Unrelated', kind: 'vessel', imo: '9187629' }, { threshold: 0.9 }).hits.map((h) => h.entryId)).toEqual([
      'V-2',
    ]);
  });

  it('a list whose identifiers are all usable has no warnings', () => {
    const svc = new ScreeningService({ now: FIXED_NOW });
    expect(svc.loadAll([{ type: 'ftm-jsonl', path: GOOD, listId: 'good' }])[0]!.warnings).toBeUndefined();
    expect(formatLoadWarnings(undefined)).toBe('');
  });
});

describe('which identifiers claim a strong kind', () => {
  it('the type, or a value opening with the kind as a word of its own; not letters that happen to spell it', () => {
    expect(unusableStrongIdentifierKind('Vessel Registration Identification', 'IMO 15411')).toBe('imo'); // OFAC SDN 23424
    expect(unusableStrongIdentifierKind('Company Number IMO', '543400')).toBe('imo_company'); // OFAC SDN 23513
    expect(strongIdentifierOf('Registration', 'IMO:9187629')).toEqual({ kind: 'imo', value: '9187629' });
    expect(strongIdentifierOf('Registration', 'IMO9187629')).toEqual({ kind: 'imo', value: '9187629' });
    // a Mexican R.F.C. (OFAC SDN 9339): neither a warning nor, with seven digits passing the ship check, a ship's number
    expect(unusableStrongIdentifierKind('R.F.C.', 'AIMO-681106-9F7')).toBeUndefined();
    expect(strongIdentifierOf('R.F.C.', 'AIMO-681106-1')).toBeUndefined();
  });
});
