/**
 * The screening keys of a lead (docs/screening.md "Delta re-screening"): its names' index keys and its decisive
 * identifiers, written at intake in the ingest transaction and read by the delta re-screening. Kept apart from the
 * intake pipeline so that pipeline can change without touching this: intake calls recordScreeningNameKeys once per
 * lead (one statement).
 */
import { createHash } from 'node:crypto';
import { normaliseAlternatives, queryStrongIds } from '../../screening/matcher.ts';
import type { NormalisedName } from '../../screening/name-normaliser.ts';
import { subjectIdentifierHashes, subjectKeyHashes } from '../../screening/stored-name-keys.ts';
import type { StrongIdentifier } from '../../screening/strong-identifier.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { companyIdentifiers, vesselIdentifiers, type ScreeningSubject } from '../intake/screen-intake.ts';

/** The parts of a stored contact that are screened: names, and the company's and the ship's identifiers. */
export interface ScreenedNames {
  readonly fullName?: string | undefined;
  readonly company?: ScreeningSubject['company'];
  readonly vessel?: ScreeningSubject['vessel'];
}

/**
 * The person's and the company's names, whatever the org's `screenCompanies` says now: the setting may change after
 * intake, and a key too many only adds a candidate, which the full screening (under the setting in force) settles.
 */
function keyedNames(contact: ScreenedNames): NormalisedName[] {
  const fullName = contact.fullName?.trim() ? contact.fullName : undefined;
  const company = contact.company?.name?.trim() ? contact.company.name : undefined;
  // A ship is screened on its name and former names as a vessel; keyed also as an organisation, the reading a
  // delta's non-person entries are looked up with (a key too many only adds a candidate).
  const ship = [contact.vessel?.name, ...(contact.vessel?.formerNames ?? [])].filter((n): n is string => !!n?.trim());
  return [
    ...(fullName ? normaliseAlternatives(fullName, 'person') : []),
    ...(company ? normaliseAlternatives(company, 'organisation') : []),
    ...ship.flatMap((n) => [...normaliseAlternatives(n, 'vessel'), ...normaliseAlternatives(n, 'organisation')]),
  ];
}

/**
 * The identifiers intake screens the lead with, read by the same functions (companyIdentifiers, vesselIdentifiers,
 * queryStrongIds), whatever `screenCompanies` says and whether or not the ship has a name: a key too many only adds
 * a candidate.
 */
function keyedIdentifiers(contact: ScreenedNames): StrongIdentifier[] {
  return [...queryStrongIds(companyIdentifiers(contact.company)), ...queryStrongIds(vesselIdentifiers(contact.vessel))];
}

/** Every key hash stored for a lead: its names' keys and its decisive identifiers'. */
export function leadKeyHashes(contact: ScreenedNames): number[] {
  return [...subjectKeyHashes(keyedNames(contact)), ...subjectIdentifierHashes(keyedIdentifiers(contact))];
}

/**
 * Bump when a change to the keys must re-key stored leads although the probes below do not show it. 2: identifier
 * keys (leads keyed before them are keyed again, identifiers included, by the first delta after the upgrade).
 */
const KEY_SCHEME_REVISION = 2;

/**
 * Names in many scripts and shapes whose keys stand for the whole key function: a change to normalisation,
 * transliteration or the index keys that alters any of them changes the fingerprint. Each probe is pinned, with the
 * rule it exercises, by test/screening/name-key-probes.test.ts: add a row there with a new probe.
 */
export const PROBE_NAMES: readonly ScreenedNames[] = [
  { fullName: 'Mr. Abd al-Rahman ibn Yusuf AL-QASIMI', company: { name: 'Al Noor Trading Co. LLC' } },
  { fullName: 'Владимир Владимирович Путин', company: { name: 'ООО «Ромашка»' } },
  { fullName: 'Mao Tse-tung', company: { name: '北京华为技术有限公司' } },
  { fullName: '김정은', company: { name: '(주)조선무역' } },
  { fullName: 'אברהם בן דוד', company: { name: 'Ηλίας Παπαδόπουλος Α.Ε.' } },
  { fullName: 'محمد رضا شاه پهلوی', company: { name: 'Bank Melli Iran' } },
  { fullName: 'ဦးသန့်', company: { name: 'Myanma Economic Holdings Ltd' } },
  { fullName: "José María O'Neill-García Jr.", company: { name: 'Société Générale S.A.' } },
  { fullName: 'SMITH, John Robert', company: { name: 'Gazprom Neft Shipping & Exports GmbH (ex-Sovcomflot)' } },
  {
    fullName: 'Nguyễn Văn An',
    vessel: {
      name: 'MT Ocean Glory II',
      formerNames: ['Sea Princess', 'M/V Ruby 7'],
      imo: '9187629',
      mmsi: '572469210',
      callSign: 'UBCD7',
    },
  },
  // identifiers: their kinds and normalisation are part of the keys
  { company: { name: 'Halcyon Maritime', lei: '529900T8BM49AURSDO55', imoCompanyNumber: '5571322', registrationNumber: 'SC123456' } },
  // Khmer, romanised with the vowels the script does not write (khmer-romanise.ts)
  { fullName: 'ហ៊ុន សែន' },
  // generic company words in CJK script that are translated into English ones (remit-org-terms.yml)
  { company: { name: '雾山精密电子矿业有限公司' } },
  // words that are also names of Object.prototype members (a table look-up once turned "Constructor" into a function)
  { fullName: 'Constructor Forty-Two', company: { name: 'First Constructor Works Ltd' } },
  // Arabic ain opening a word, romanised with its vowel (transliterate.ts: علي = ali, not li)
  { fullName: 'عمر عبد الله العلي', company: { name: 'عصبة الأنصار' } },
  // legal forms added to remit-org-terms.yml (Singapore's bare "Pte", the UAE free-zone "FZC")
  { company: { name: 'Velmur Management Pte' } },
  { company: { name: 'Sambouk Shipping FZC' } },
  // a single I or V closing a company or vessel name is a numeral (name-normaliser.ts: "Ocean Star I" = "Ocean Star 1")
  { vessel: { name: 'Ocean Star I' }, company: { name: 'Carlyle Partners V L.P.' } },
  // the Persian / Urdu ezafe (-e- / -i-) between two words of an organisation's name is one particle (name-normaliser.ts)
  { company: { name: 'Lashkar-i-Taiba' } },
  // Russian legal forms in any romanisation, and the pre-1995 "of the open type" (romanised-legal-forms.ts)
  { company: { name: 'Obschestvo s Ogranichennoi Otvetstvennostyu Karst' } },
  { company: { name: 'Otkrytoe Aktsionernoe Obshchestvo Otkrytogo Tipa Umanski Elevator' } },
  // Persian and Arabic generic words in Latin letters (remit-org-terms.yml: sherkat, sanaye, sazman, sarafi)
  { company: { name: 'Sherkat Sanaye Sazmane Roshan Money Exchange Sahami Khass' } },
  // the Lebanese legal form S.A.L. (remit-org-terms.yml)
  { company: { name: 'Amana Plus S.A.L.' } },
  // Arabic waw opening a word, after the article too, is the consonant w (transliterate.ts: وليد = wlid, not ulid)
  { fullName: 'وليد الوزير', company: { name: 'شركة وادي النيل' } },
  // a semicolon separates names (name-normaliser.ts: the UN list's alias spellings in one string)
  { fullName: 'Qasim Soleimani; Kasim Sulaymani' },
  // Arabic ya opening a word, after the article too, is the consonant y (transliterate.ts: يحيى = yhia, not ihia)
  { fullName: 'يحيى اليمني' },
  // a generational suffix closing a person name is dropped, after a comma too (generational-suffix.ts: "Weber, IV")
  { fullName: 'Robert F. Kennedy, III' },
];

let scheme: string | undefined;

/**
 * The fingerprint of the stored-key scheme: the revision and the keys of the probes (names and identifiers). Stored keys made under
 * another fingerprint may differ from what the list side now looks up, so they are all written again
 * (rescreenListDeltas) rather than trusted — a missed candidate would be a missed sanctions match.
 */
export function nameKeyScheme(): string {
  scheme ??= createHash('sha256')
    .update(JSON.stringify([KEY_SCHEME_REVISION, PROBE_NAMES.map((p) => leadKeyHashes(p).sort((a, b) => a - b))]))
    .digest('hex');
  return scheme;
}

/** Stores the key hashes of a lead's screened names and identifiers; called from the ingest transaction (one INSERT). */
export async function recordScreeningNameKeys(tx: Pick<UnitOfWork, 'personalData'>, leadId: string, contact: ScreenedNames): Promise<void> {
  await tx.personalData.putNameKeys(leadId, leadKeyHashes(contact));
}

/**
 * At start: a store with no name keys and no recorded scheme (new, or never keyed) adopts this scheme, so the first
 * delta does not re-key leads keyed from now on. Keys already stored under an unrecorded scheme (a store keyed
 * before 0032) are left for the first delta re-screening to re-key.
 */
export async function adoptNameKeyScheme(store: Pick<UnitOfWork, 'personalData'>, at: string): Promise<void> {
  if ((await store.personalData.nameKeyScheme()) !== undefined || (await store.personalData.anyNameKeys())) return;
  await store.personalData.resetNameKeys(nameKeyScheme(), at);
}
