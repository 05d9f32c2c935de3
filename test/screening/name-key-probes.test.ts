/**
 * The stored-key fingerprint (nameKeyScheme) changes only when a probe's keys change, so a probe stands guard over a
 * normalisation rule: removed, the rule may later change unnoticed and stored leads keep keys the list side no longer
 * looks up (a missed candidate). Each probe is pinned here with what its rule makes of it.
 */
import { describe, expect, it } from 'vitest';
import { leadKeyHashes, PROBE_NAMES, type ScreenedNames } from '../../src/app/screening/screening-name-keys.ts';
import { normaliseAlternatives } from '../../src/screening/matcher.ts';
import type { NameSchema } from '../../src/screening/name-normaliser.ts';

type Field = 'fullName' | 'company' | 'vessel';
/** A probe's first name (full name, else company, else vessel), the rule it stands for, and what normalisation shows. */
interface ProbeRow {
  readonly probe: string;
  readonly rule: string;
  readonly field: Field;
  /** One normalised alternative, tokens joined by spaces and legal forms in brackets. */
  readonly shows: string;
}

const ROWS: readonly ProbeRow[] = [
  {
    probe: 'Mr. Abd al-Rahman ibn Yusuf AL-QASIMI',
    rule: 'titles dropped, abd al- and ibn',
    field: 'fullName',
    shows: 'abdul rahman bin yusuf al qasimi',
  },
  { probe: 'Владимир Владимирович Путин', rule: 'Cyrillic', field: 'fullName', shows: 'vladimir vladimirovich putin' },
  { probe: 'Mao Tse-tung', rule: 'CJK one syllable per token', field: 'company', shows: 'bei jing hua wei §tech [ltd]' },
  { probe: '김정은', rule: 'Hangul syllables', field: 'fullName', shows: 'gim jeong eun' },
  { probe: 'אברהם בן דוד', rule: 'Hebrew vowel letters, Greek', field: 'fullName', shows: 'vrhm bin dod' },
  { probe: 'محمد رضا شاه پهلوی', rule: 'Persian letters, ض written dh', field: 'fullName', shows: 'mhmd rdha shah phlui' },
  { probe: 'ဦးသန့်', rule: 'Burmese syllables', field: 'fullName', shows: 'u tha na' },
  {
    probe: "José María O'Neill-García Jr.",
    rule: 'diacritics, apostrophes, suffixes',
    field: 'fullName',
    shows: 'jose maria oneill garcia',
  },
  { probe: 'SMITH, John Robert', rule: 'ex-names, generic words', field: 'company', shows: 'sovcomflot' },
  { probe: 'Nguyễn Văn An', rule: 'vessel prefixes and Roman numerals', field: 'vessel', shows: 'ocean glory 2' },
  { probe: 'Halcyon Maritime', rule: 'company identifiers', field: 'company', shows: 'halcyon §maritime' },
  { probe: 'ហ៊ុន សែន', rule: 'Khmer inherent vowels', field: 'fullName', shows: 'hun saen' },
  {
    probe: '雾山精密电子矿业有限公司',
    rule: 'CJK industry words',
    field: 'company',
    shows: 'wu shan §precision §electronic §mining [ltd]',
  },
  { probe: 'Constructor Forty-Two', rule: 'prototype member names, spelt numbers', field: 'fullName', shows: 'constructor 42' },
  { probe: 'عمر عبد الله العلي', rule: 'Arabic ain opening a word', field: 'fullName', shows: 'amr abd allh alali' },
  { probe: 'Velmur Management Pte', rule: 'legal form Pte', field: 'company', shows: 'velmur §mgmt [pteltd]' },
  { probe: 'Sambouk Shipping FZC', rule: 'legal form FZC', field: 'company', shows: 'sambouk §shipping [fzco]' },
  { probe: 'Carlyle Partners V L.P.', rule: 'closing I / V a numeral', field: 'vessel', shows: 'ocean star 1' },
  { probe: 'Lashkar-i-Taiba', rule: 'ezafe', field: 'company', shows: 'lashkar e taiba' },
  {
    probe: 'Obschestvo s Ogranichennoi Otvetstvennostyu Karst',
    rule: 'romanised Russian legal forms',
    field: 'company',
    shows: 'karst [ooo]',
  },
  {
    probe: 'Otkrytoe Aktsionernoe Obshchestvo Otkrytogo Tipa Umanski Elevator',
    rule: 'of the open type',
    field: 'company',
    shows: 'umanski elevator [ao]',
  },
  {
    probe: 'Sherkat Sanaye Sazmane Roshan Money Exchange Sahami Khass',
    rule: 'Persian and Arabic generic words in Latin letters',
    field: 'company',
    shows: '§co §industry §org roshan §exchange [jsc]',
  },
  { probe: 'Amana Plus S.A.L.', rule: 'legal form S.A.L.', field: 'company', shows: 'amana plus [sa]' },
  { probe: 'وليد الوزير', rule: 'Arabic waw opening a word', field: 'fullName', shows: 'wlid alwzir' },
  { probe: 'Qasim Soleimani; Kasim Sulaymani', rule: 'a semicolon separates names', field: 'fullName', shows: 'kasim sulaymani' },
  { probe: 'يحيى اليمني', rule: 'Arabic ya opening a word', field: 'fullName', shows: 'yhia alymni' },
  { probe: 'Robert F. Kennedy, III', rule: 'a generational suffix closes a person name', field: 'fullName', shows: 'robert f kennedy' },
];

const probeLabel = (p: ScreenedNames): string => p.fullName ?? p.company?.name ?? p.vessel?.name ?? '';
const FIELD_SCHEMA: Record<Field, NameSchema> = { fullName: 'person', company: 'organisation', vessel: 'vessel' };
const fieldName = (p: ScreenedNames, f: Field): string | undefined =>
  f === 'fullName' ? p.fullName : f === 'company' ? p.company?.name : p.vessel?.name;
const normalisedForms = (name: string, schema: NameSchema): string[] =>
  normaliseAlternatives(name, schema).map(
    (n) => n.tokens.map((t) => t.text).join(' ') + (n.legalForms.length > 0 ? ` [${n.legalForms.join(',')}]` : ''),
  );

describe('stored-key scheme probes (screening-name-keys.ts)', () => {
  it('every probe is pinned here with its rule, and no pinned probe is missing', () => {
    expect(PROBE_NAMES.map(probeLabel).sort()).toEqual(ROWS.map((r) => r.probe).sort());
  });

  it.each(ROWS)('$probe exercises its rule ($rule)', (row) => {
    const probe = PROBE_NAMES.find((p) => probeLabel(p) === row.probe);
    expect(probe, row.probe).toBeDefined();
    const name = fieldName(probe!, row.field);
    expect(name, row.rule).toBeDefined();
    expect(normalisedForms(name!, FIELD_SCHEMA[row.field])).toContain(row.shows);
  });

  it('the identifier probes are keyed by their identifiers too', () => {
    for (const label of ['Halcyon Maritime', 'Nguyễn Văn An']) {
      const probe = PROBE_NAMES.find((p) => probeLabel(p) === label)!;
      const namesOnly: ScreenedNames = {
        fullName: probe.fullName,
        company: probe.company && { name: probe.company.name },
        vessel: probe.vessel && { name: probe.vessel.name, formerNames: probe.vessel.formerNames },
      };
      expect(leadKeyHashes(probe).length, label).toBeGreaterThan(leadKeyHashes(namesOnly).length);
    }
  });
});
