import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { imoNumbersInText } from '../../src/screening/listed-imo-numbers.ts';
import { loadFtmJsonl } from '../../src/screening/ftm-jsonl-loader.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { isValidImoCompanyNumber, parseQueryIdentifier, strongIdentifierOf } from '../../src/screening/strong-identifier.ts';
import { loadUnXml } from '../../src/screening/un-xml-loader.ts';
import { data, FIXED_NOW, HAS_DATA } from './shared-data.ts';

/** Entity records shaped as in UN_consolidated.xml (the comments copied from its DPRK listings, whitespace included). */
const entity = (id: string, name: string, comment: string): string => `
    <ENTITY>
      <DATAID>${id}</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>${name}</FIRST_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPe.${id.slice(-3)}</REFERENCE_NUMBER>
      <LISTED_ON>2018-03-30</LISTED_ON>
      <COMMENTS1>${comment}</COMMENTS1>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
    </ENTITY>`;

const UN_XML = `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>7000001</DATAID>
      <FIRST_NAME>KIM</FIRST_NAME>
      <SECOND_NAME>TEST</SECOND_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPi.900</REFERENCE_NUMBER>
      <COMMENTS1>Master of a DPRK tanker. IMO number: 5571322.</COMMENTS1>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>${[
    entity(
      '6908670',
      'CHONMYONG SHIPPING CO',
      'Registered owner of CHON MYONG 1, a DPRK-flagged vessel that conducted ship-to-ship transfer of fuel in late ' +
        'December 2017. IMO number: 5571322.',
    ),
    entity(
      '6908516',
      'CHONGCHONGANG SHIPPING COMPANY',
      `IMO Number: 5342883. The Chongchongang Shipping Company, through its vessel,
                the Chong Chon Gang, attempted to directly import the illicit shipment of
                conventional weapons and arms to the DPRK in July 2013.`,
    ),
    entity(
      '6908046',
      'OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)',
      'Ocean Maritime Management Company, Limited is the operator/manager of the vessel Chong Chon Gang. ' +
        'International Maritime Organization (IMO) Number: 1790183.',
    ),
    entity(
      '6908680',
      'KOREA YUJONG SHIPPING CO LTD',
      'Registered owner of the DPRK tanker YU JONG 2, which loaded 1,168 kiloliters of fuel oil on 19 November 2017 ' +
        'through a ship-to-ship transfer operation. Company Number IMO 5434358.',
    ),
    entity(
      '6908675',
      'KOREA ANSAN SHIPPING COMPANY',
      `Registered owner of DPRK tanker AN SAN 1 believed to have been involved in
                ship-to-ship transfer operations for oil. IMO number: 5676084`,
    ),
    // made-up records: a ship's number stated on a company, one inside a sentence, a bad check digit, six digits
    entity('6909001', 'SEA STAR SHIPPING CO', 'Registered owner of the tanker SEA STAR. IMO number: 9187629.'),
    entity('6909002', 'BLUE WAVE SHIPPING CO', 'Registered owner of the tanker BLUE WAVE (IMO 9187629), which conducted transfers.'),
    entity('6909003', 'RED RIVER SHIPPING CO', 'Registered owner of the tanker RED RIVER. IMO number: 5571323.'),
    entity('6909004', 'GREEN HILL SHIPPING CO', 'Ship manager of the tanker GREEN HILL. Company Number IMO 543400.'),
  ].join('')}
  </ENTITIES>
</CONSOLIDATED_LIST>`;

let file = '';
beforeAll(() => {
  file = join(mkdtempSync(join(tmpdir(), 'remit-un-imo-')), 'UN_consolidated.xml');
  writeFileSync(file, UN_XML);
});

const imoIds = (entryId: string) =>
  loadUnXml(file, { now: FIXED_NOW })
    .entities.find((e) => e.entryId === entryId)!
    .identifiers.filter((i) => i.type !== 'UN Reference');

describe('IMO numbers in UN comments', () => {
  it('each published form gives the company its IMO company number', () => {
    expect(imoIds('6908670')).toEqual([{ type: 'IMO Company Number', value: '5571322' }]);
    expect(imoIds('6908516')).toEqual([{ type: 'IMO Company Number', value: '5342883' }]);
    expect(imoIds('6908680')).toEqual([{ type: 'IMO Company Number', value: '5434358' }]);
    expect(imoIds('6908675')).toEqual([{ type: 'IMO Company Number', value: '5676084' }]);
    for (const id of ['6908670', '6908516', '6908680'])
      expect(strongIdentifierOf(imoIds(id)[0]!.type, imoIds(id)[0]!.value)?.kind).toBe('imo_company');
  });

  it('a company number that also passes the ship check (1 in 10 do) stays a company number on a company', () => {
    expect(imoIds('6908046')).toEqual([{ type: 'IMO Company Number', value: '1790183' }]);
    expect(strongIdentifierOf('IMO Company Number', '1790183')).toEqual({ kind: 'imo_company', value: '1790183' });
  });

  it("a ship's number, a number inside a sentence, a bad check digit and six digits are not the company's", () => {
    for (const id of ['6909001', '6909002', '6909003', '6909004']) expect(imoIds(id)).toEqual([]);
    expect(imoIds('7000001')).toEqual([]);
    const org = (t: string) => imoNumbersInText('organisation', t).ignored.map((i) => i.reason);
    expect(org('Registered owner of the tanker SEA STAR. IMO number: 9187629.')).toEqual(['SHIP_NUMBER_ON_A_COMPANY']);
    expect(org('Owner of the tanker BLUE WAVE (IMO 9187629), which conducted transfers.')).toEqual(['INSIDE_A_SENTENCE']);
    // the company number inside a sentence is not taken either: the sentence may name another company's number
    expect(org('Owner of YU JONG 2, whose manager has IMO number 5434358 too.')).toEqual(['INSIDE_A_SENTENCE']);
    expect(org('Owner of RED RIVER. IMO number: 5571323.')).toEqual(['FITS_NEITHER_SCHEME']);
    expect(org('Company Number IMO 9187629.')).toEqual(['FITS_NEITHER_SCHEME']);
    expect(org('Company Number IMO 543400.')).toEqual(['NOT_SEVEN_DIGITS']);
    expect(imoNumbersInText('person', 'IMO number: 5571322.').ignored).toEqual([{ number: '5571322', reason: 'NOT_A_COMPANY_OR_VESSEL' }]);
  });

  it("on a vessel a stated number with a valid ship check digit is the ship's IMO number", () => {
    expect(imoNumbersInText('vessel', 'DPRK-flagged tanker. IMO number: 9187629.')).toEqual({
      identifiers: [{ type: 'IMO', value: '9187629' }],
      ignored: [],
    });
    expect(imoNumbersInText('vessel', 'IMO number: 9187628.').ignored).toEqual([{ number: '9187628', reason: 'FITS_NEITHER_SCHEME' }]);
    expect(imoNumbersInText('vessel', 'IMO Company Number: 5571322.').identifiers).toEqual([]);
  });

  it('the company check digit, and queries that name the company scheme', () => {
    expect(isValidImoCompanyNumber('5571322')).toBe(true);
    expect(isValidImoCompanyNumber('5571323')).toBe(false);
    expect(isValidImoCompanyNumber('557132')).toBe(false);
    expect(parseQueryIdentifier('IMO company 5571322')).toEqual({ kind: 'imo_company', value: '5571322' });
    expect(parseQueryIdentifier('IMO company number: 5571322')).toEqual({ kind: 'imo_company', value: '5571322' });
    expect(parseQueryIdentifier('Company Number IMO 5571322')).toEqual({ kind: 'imo_company', value: '5571322' });
    expect(parseQueryIdentifier('IMO company 5571323')).toBeUndefined();
    // a bare "IMO" is a ship's number: 5571322 fails the ship check and is no identifier
    expect(parseQueryIdentifier('IMO 5571322')).toBeUndefined();
  });
});

describe('screening by IMO company number', () => {
  let svc: ScreeningService;
  beforeAll(() => {
    svc = new ScreeningService({ now: FIXED_NOW });
    svc.loadAll([`un-xml:${file}`]);
  });

  it('an equal company number finds the UN entry whatever the name, and is decisive', () => {
    const r = svc.screen(
      { name: 'Totally Different Name', kind: 'organisation', identifiers: ['IMO company 5571322'] },
      { threshold: 0.9 },
    );
    expect(r.hits[0]).toMatchObject({ entryId: '6908670' });
    expect(r.hits[0]!.disposition).toMatchObject({ kind: 'escalated', reasonCode: 'IDENTIFIER_MATCH' });
    expect(r.hits[0]!.corroboration[0]).toMatchObject({
      field: 'identifier',
      outcome: 'agree',
      decisive: true,
      listed: 'IMO company 5571322',
    });
  });

  it('the numbers left out are counted as load warnings, by reason, and the entries are still listed', () => {
    const v = svc.version('un-sc')!;
    expect(v.entryCount).toBe(10);
    // KIM (a person), SEA STAR (a ship's number), BLUE WAVE (inside a sentence), RED RIVER (neither check), GREEN HILL (six digits)
    expect(v.warnings).toEqual({
      imo_in_text_fits_neither_scheme: 1,
      imo_in_text_inside_a_sentence: 1,
      imo_in_text_not_a_company_or_vessel: 1,
      imo_in_text_not_seven_digits: 1,
      imo_in_text_ship_number_on_a_company: 1,
    });
  });

  it("a ship's IMO number equal to a company's number is another scheme: no identifier match", () => {
    const r = svc.screen({ name: 'Totally Different Name', kind: 'vessel', imo: '1790183' }, { threshold: 0.9 });
    expect(r.hits.some((h) => h.entryId === '6908046')).toBe(false);
  });

  it('the same name with a different company number is not cleared: it lowers the priority, like an LEI', () => {
    const r = svc.screen({ name: 'CHONMYONG SHIPPING CO', kind: 'organisation', identifiers: ['IMO company 5342883'] }, { threshold: 0.9 });
    const chonmyong = r.hits.find((h) => h.entryId === '6908670')!;
    expect(chonmyong.nameScore).toBe(1);
    expect(chonmyong.disposition.kind).not.toBe('clear');
    expect(chonmyong.corroboration).toContainEqual(
      expect.objectContaining({
        field: 'identifier',
        outcome: 'disagree',
        query: 'IMO company 5342883',
        listed: 'IMO company 5571322',
        hard: false,
      }),
    );
    // the number itself belongs to another listed company, which is found
    expect(r.hits.find((h) => h.entryId === '6908516')?.disposition.reasonCode).toBe('IDENTIFIER_MATCH');
  });
});

describe.skipIf(!HAS_DATA)('IMO company numbers on the real UN list', () => {
  it('all 16 DPRK company numbers are read, no other IMO number', () => {
    const un = loadUnXml(data('un/UN_consolidated.xml'), { now: FIXED_NOW });
    const numbered = un.entities.filter((e) => e.identifiers.some((i) => i.type.startsWith('IMO')));
    expect(numbered).toHaveLength(16);
    expect(numbered.every((e) => e.kind === 'organisation' && e.programs.includes('UN:DPRK'))).toBe(true);
    expect(numbered.flatMap((e) => e.identifiers.filter((i) => i.type.startsWith('IMO')).map((i) => i.type))).toEqual(
      Array<string>(16).fill('IMO Company Number'),
    );
  });

  it('a query carrying the number finds the listed company under another name', () => {
    const svc = new ScreeningService({ now: FIXED_NOW });
    svc.loadAll([data('un/UN_consolidated.xml')]);
    const r = svc.screen({ name: 'Unknown Trading Ltd', kind: 'organisation', identifiers: ['IMO company 1790183'] }, { threshold: 0.9 });
    expect(r.hits[0]).toMatchObject({ entryId: '6908046', matchedName: 'OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)' });
    expect(r.hits[0]!.disposition.reasonCode).toBe('IDENTIFIER_MATCH');
  });
});

describe.skipIf(!HAS_DATA)('IMO numbers on OFAC organisations are company numbers', () => {
  const svc = new ScreeningService({ now: FIXED_NOW });
  beforeAll(() => {
    svc.loadAll([data('ofac/sdn.csv')]);
  });

  it('"Identification Number IMO 1790183" on OMM is its company number, not a ship number it happens to spell', () => {
    const byCompany = svc.screen(
      { name: 'Unknown Trading Ltd', kind: 'organisation', identifiers: ['IMO company 1790183'] },
      { threshold: 0.9 },
    );
    expect(byCompany.hits[0]).toMatchObject({ entryId: '17068' });
    expect(byCompany.hits[0]!.disposition.reasonCode).toBe('IDENTIFIER_MATCH');
    const byShip = svc.screen({ name: 'Unknown Vessel', kind: 'vessel', imo: '1790183' }, { threshold: 0.9 });
    expect(byShip.hits.some((h) => h.entryId === '17068')).toBe(false);
  });

  it('"Vessel Registration Identification IMO" on a shipping company is read in the company scheme', () => {
    const r = svc.screen({ name: 'Unknown Trading Ltd', kind: 'organisation', identifiers: ['IMO company 5878589'] }, { threshold: 0.9 });
    expect(r.hits[0]).toMatchObject({ entryId: '19569', matchedName: 'CHONGBONG SHIPPING CO LTD' });
  });
});

describe('FtM imoNumber on a company is its company number', () => {
  it('a Company is read in the company scheme, a Vessel in the ship scheme', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'remit-ftm-imo-')), 'entities.ftm.json');
    const lines = [
      { id: 'c1', schema: 'Company', properties: { name: ['Omm'], imoNumber: ['1790183'], topics: ['sanction'] } },
      { id: 'c2', schema: 'Company', properties: { name: ['Sea Star Co'], imoNumber: ['9187629'], topics: ['sanction'] } },
      { id: 'v1', schema: 'Vessel', properties: { name: ['OCEAN GRACE'], imoNumber: ['IMO 1790183'], topics: ['sanction'] } },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const kinds = loadFtmJsonl(file, { listId: 'ftm', now: FIXED_NOW }).entities.map((e) =>
      e.identifiers.map((i) => strongIdentifierOf(i.type, i.value)),
    );
    // 9187629 is a valid ship number but no company number: on a company it is no strong identifier
    expect(kinds).toEqual([[{ kind: 'imo_company', value: '1790183' }], [undefined], [{ kind: 'imo', value: '1790183' }]]);
  });
});
