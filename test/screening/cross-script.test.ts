import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';
import { transliterate } from '../../src/screening/transliterate.ts';
import { otherLetterReadings } from '../../src/screening/arabic-letter-readings.ts';
import { romaniseBurmese } from '../../src/screening/burmese-romanise.ts';

const score = (schema: string, a: string, b: string) => compareNames(schema, a, b).score;

describe('cross-script transliteration', () => {
  it('Burmese syllables in the conventional Latin spelling (aung, kyaw, htun, shwe)', () => {
    expect(romaniseBurmese('ဦးကျော်ဇော်ထွန်း')).toBe('u kyaw zaw htun');
    expect(romaniseBurmese('အောင်')).toBe('aung');
    expect(romaniseBurmese('ရွှေ')).toBe('shwe');
    expect(score('Person', 'ဦးကျော်ဇော်ထွန်း', 'U Kyaw Zaw Htun')).toBeGreaterThanOrEqual(0.9);
  });

  it('unvocalised Hebrew: vowel letters, initial b/k/p, geresh', () => {
    expect(transliterate('חדאד')).toBe('hdd');
    expect(transliterate('בניין')).toBe('bnyn');
    expect(transliterate("גורביץ'")).toBe('gorvich');
    expect(score('Person', 'בנימין נתניהו', 'Binyamin Netanyahu')).toBeGreaterThanOrEqual(0.8);
  });

  it('CJK one syllable per token (Pinyin), Hangul one syllable per token, other scripts through any-ascii', () => {
    expect(transliterate('毛泽东')).toBe('mao ze dong');
    expect(transliterate('김정은')).toBe('gim jeong eun');
    expect(transliterate('नरेन्द्र मोदी')).toBe('nrendr modi');
    expect(score('Person', '毛泽东', 'Mao Zedong')).toBeGreaterThanOrEqual(0.9);
    expect(score('Person', '习近平', 'Xi Jinping')).toBeGreaterThanOrEqual(0.9);
  });

  it('a CJK / Hangul syllable matches the same syllable in another romanisation, never a near one', () => {
    expect(score('Person', '김정은', 'Kim Jong Un')).toBeGreaterThanOrEqual(0.85);
    expect(score('Person', '周 建', 'Zhou Jian')).toBe(1);
    expect(score('Person', '张建', 'Zhang Jiang')).toBeLessThan(0.8);
    expect(score('Person', '김종은', '김정은')).toBeLessThan(0.8);
  });

  it('an Arabic ain opening a word (or the word after al-) is written with its vowel; inside a word it is dropped', () => {
    expect(transliterate('عباس')).toBe('abas');
    expect(transliterate('عبدالله')).toBe('abdallh');
    expect(transliterate('العلي')).toBe('alali');
    expect(transliterate('محمد عباس')).toBe('mhmd abas');
    expect(transliterate('سعد')).toBe('sd');
    // names whose words open with ain against their Latin spellings (UN entries' original-script names)
    for (const [schema, latin, arabic] of [
      ['Person', 'TARIQ AZIZ', 'طارق عزيز'],
      ['Person', 'MOHAMMAD ABBAS AKHUND', 'محمد عباس آخوند'],
      ['Person', 'HAMID ABDALLAH AHMAD AL-ALI', 'حامد عبد الله أحمد العلي'],
      ['Organization', 'ASBAT AL-ANSAR', 'عصبة الأنصار'],
    ] as const)
      expect(compareNames(schema, latin, arabic).score).toBeGreaterThanOrEqual(0.9);
    // still a consonant skeleton: another name stays another name
    expect(compareNames('Person', 'TARIQ AZIZ', 'طارق عباس').score).toBeLessThan(0.8);
  });

  it('an Arabic waw opening a word (or the word after al-) is the consonant w; inside a word it is the vowel u', () => {
    expect(transliterate('وليد')).toBe('wlid');
    expect(transliterate('الوليد')).toBe('alwlid');
    expect(transliterate('والجهاد')).toBe('waljhad');
    expect(transliterate('محفوظ ولد')).toBe('mhfuz wld');
    expect(transliterate('نور')).toBe('nur');
    // an ain-initial word is not an article word: علوش keeps its inner waw a vowel (the ain rule writes an alif)
    expect(transliterate('علوش')).toBe('alush');
    expect(transliterate('خالو')).toBe('khalu');
    // names whose words open with waw against their Latin spellings (UN entries' original-script names)
    for (const [latin, arabic] of [
      ['WATBAN IBRAHIM HASSAN AL-TIKRITI', 'وطبان إبراهيم حسن التكريتي'],
      ['MAHFOUZ OULD AL-WALID', 'محفوظ ولد الوليد'],
      ['ATIQULLAH WALI MOHAMMAD', 'عتیق الله ولی محمد'],
      ['ABDUL WAHED SHAFIQ', 'عبد الواحد شفيق'],
      ['ISAM ALI MOHAMED ALOUCHE', 'عصام علي محمد علوش'],
    ] as const)
      expect(compareNames('Person', latin, arabic).score, latin).toBeGreaterThanOrEqual(0.9);
    // still a consonant skeleton: another name stays another name, and the first consonant counts (w is not u)
    expect(compareNames('Person', 'ATIQULLAH WALI MOHAMMAD', 'عتیق الله نبی محمد').score).toBeLessThan(0.8);
    expect(compareNames('Person', 'ATIQULLAH ULI MOHAMMAD', 'عتیق الله ولی محمد').score).toBeLessThan(0.8);
  });

  it('an Arabic ya opening a word (or the word after al-) is the consonant y; inside a word it is the vowel i', () => {
    expect(transliterate('يحيى')).toBe('yhia');
    expect(transliterate('اليمني')).toBe('alymni');
    expect(transliterate('یار محمد رحیمی')).toBe('yar mhmd rhimi');
    expect(transliterate('سيد')).toBe('sid');
    expect(transliterate('علي')).toBe('ali');
    // names whose words open with ya against their Latin spellings (UN entries' original-script names)
    for (const [latin, arabic] of [
      ['YAHYA HAQQANI', 'يحيى حقانی'],
      ['YAHIA ABDALLAH AL-UBAIDI', 'يحيى عبد الله العبيدي'],
      ['YAR MOHAMMAD RAHIMI', 'یار محمد رحیمی'],
      ['YUSUF AL-YAMANI', 'يوسف اليمني'],
    ] as const)
      expect(compareNames('Person', latin, arabic).score, latin).toBeGreaterThanOrEqual(0.9);
    // still a consonant skeleton: another name stays another name, and the first consonant counts (y is not i)
    expect(compareNames('Person', 'YAHYA HAQQANI', 'يونس حقانی').score).toBeLessThan(0.8);
    expect(compareNames('Person', 'IHIA HAQQANI', 'يحيى حقانی').score).toBeLessThan(0.8);
  });

  it('ث, ذ and ض compared with their Persian, Urdu and dialect spellings (th: s, t; dh: z, d)', () => {
    expect(transliterate('فضل')).toBe('fdhl');
    expect(otherLetterReadings('fdhl')).toEqual(['fzl', 'fdl']);
    expect(otherLetterReadings('thbt')).toEqual(['sbt', 'tbt']);
    expect(otherLetterReadings('mhmd')).toEqual([]);
    for (const [latin, arabic] of [
      ['FAZL RABI', 'فضل ربيع'],
      ['FADL RABI', 'فضل ربيع'],
      ['FADHIL', 'فاضل'],
      ['REZA', 'رضا'],
      ['AHMAD ZIA AGHA', 'احمد ضیا آغا'],
      ['NOOR MOHAMMAD SAQIB', 'نور محمد ثاقب'],
      ['ABDUL RAUF ZAKIR', 'عبد الروف ذاکر'],
      ['MUTHANA HARIS AL-DHARI', 'مثنى حارث سلمان الضاري'],
    ] as const)
      expect(compareNames('Person', latin, arabic).score, latin).toBeGreaterThanOrEqual(0.85);
    // only those letters: د is d, ز is z, and another consonant stays another name
    expect(compareNames('Person', 'FAZL RABI', 'فدل ربيع').score).toBeLessThan(0.8);
    expect(compareNames('Person', 'FADL RABI', 'فزل ربيع').score).toBeLessThan(0.8);
    expect(compareNames('Person', 'FASL RABI', 'فضل ربيع').score).toBeLessThan(0.8);
  });

  it('a Latin dj (the French transcription of ج, Maghreb) is also read j against Arabic script', () => {
    expect(compareNames('Person', 'YAHIA DJOUADI', 'يحيى جوادي').score).toBeGreaterThanOrEqual(0.9);
    expect(compareNames('Person', 'DJAMEL', 'جمال').score).toBeGreaterThanOrEqual(0.9);
    expect(compareNames('Person', 'DJAMEL', 'كمال').score).toBeLessThan(0.8);
  });

  it('digits of any script become ASCII digits, so numbered names compare', () => {
    expect(transliterate('٣٤٥ ۱۲ १२३ １２３')).toBe('345 12 123 123');
    expect(score('Vessel', 'Star ٧', 'STAR 7')).toBe(1);
    expect(score('Vessel', 'Star ٧', 'STAR 8')).toBeLessThan(0.8);
  });
});

describe('generic words and legal forms across languages', () => {
  it('legal forms in other scripts are set apart and compared as forms', () => {
    expect(normaliseName('חדאד בע"מ', 'organisation').legalForms).toEqual(['ltd']);
    expect(normaliseName('雾山机械有限公司', 'organisation').legalForms).toEqual(['ltd']);
    expect(normaliseName('새벽별 주식회사', 'organisation').legalForms).toEqual(['jsc']);
    expect(normaliseName('Deccan Agro Pvt. Ltd.', 'organisation').legalForms).toEqual(['ltd']);
    expect(normaliseName('Brunaccini S.n.c.', 'organisation').legalForms).toEqual(['snc']);
    // OOO = LLC, 주식회사 (joint-stock) = "Co., Ltd."; a partnership is another class
    expect(score('Company', 'ООО Ромашка', 'Romashka LLC')).toBe(1);
    expect(score('Company', '새벽별 주식회사', 'Saebyeokbyeol Co., Ltd.')).toBe(1);
    expect(score('Company', 'Romashka GmbH', 'Romashka KG')).toBeLessThan(1);
  });

  it('Singapore\'s bare "Pte" and the UAE free-zone "FZC" are legal forms, as "Pte. Ltd." and "FZCO" are', () => {
    expect(normaliseName('Velmur Management Pte', 'organisation').legalForms).toEqual(['pteltd']);
    expect(normaliseName('Sambouk Shipping FZC', 'organisation').legalForms).toEqual(['fzco']);
    expect(score('Company', 'VELMUR MANAGEMENT PTE LTD', 'VELMUR MANAGEMENT PTE')).toBe(1);
    expect(score('Company', 'SAMBOUK SHIPPING FZC', 'SAMBOUK SHIPPING')).toBe(1);
    expect(score('Company', 'Sambouk Shipping FZC', 'Sambouk Shipping FZCO')).toBe(1);
  });

  it('the Lebanese "S.A.L." (société anonyme libanaise) is one legal form, dotted or not, in the SA class', () => {
    expect(normaliseName('AMANA PLUS S.A.L.', 'organisation').legalForms).toEqual(['sa']);
    expect(normaliseName('AMANA PLUS S.A.L.', 'organisation').tokens.map((t) => t.text)).toEqual(['amana', 'plus']);
    expect(normaliseName('CHAMS EXCHANGE COMPANY SAL', 'organisation').legalForms).toEqual(['sa']);
    // OFAC aliases of one entry each, below the pair line before ("amana plus l" / "amana plus co": 0.70)
    expect(score('Company', 'AMANA PLUS S.A.L.', 'AMANA PLUS CO.')).toBeGreaterThanOrEqual(0.85);
    expect(score('Company', 'TELESERVE PLUS SAL', 'TELESERVEPLUS')).toBe(1);
    // "Offshore" stays a word of the name (Decree-Law 46/1983 puts it in the name): lists write it with and without SAL
    expect(score('Company', 'BARLY OFF-SHORE', 'BARLY OFF-SHORE S.A.L.')).toBe(1);
    expect(score('Company', 'Sierra Gas S.A.L.', 'Sierra Gas S.A.')).toBe(1);
  });

  it('translated generic words meet as one symbol (bank, trading, shipping, logistics, machinery)', () => {
    expect(score('Company', 'Банк Россия', 'Rossiya Bank')).toBeGreaterThanOrEqual(0.9);
    const burmese = 'ဦးကျော်ဇော်ထွန်း ကုန်သွယ်ရေး ကုမ္ပဏီလီမိတက်';
    expect(score('Company', burmese, 'U Kyaw Zaw Htun Trading Co., Ltd.')).toBeGreaterThanOrEqual(0.9);
    expect(score('Company', 'Kaya Gemicilik', 'Kaya Shipping')).toBe(1);
    expect(score('Company', 'Kaya Nakliyat', 'Kaya Transport')).toBe(1);
    expect(score('Company', '새벽별물류 주식회사', 'Saebyeokbyeol Logistics Co., Ltd.')).toBeGreaterThanOrEqual(0.8);
    // a different generic word is still a different company
    expect(score('Company', 'Kaya Bank', 'Kaya Shipping')).toBeLessThan(0.8);
  });

  it('explanations show the transliterated forms compared', () => {
    const r = compareNames('Company', 'האחים חדאד בע"מ', 'Haddad Brothers Ltd');
    expect(r.explanation.comparedAs[0]).toContain('hdd');
    expect(r.explanation.matches.some((m) => m.how === 'symbol' && m.b === 'brothers')).toBe(true);
    expect(r.score).toBeGreaterThanOrEqual(0.8);
  });
});

describe('names of companies and vessels', () => {
  it('a plural is a different company or vessel name; generic words are not affected', () => {
    expect(score('Vessel', 'Altair Star', 'Altair Stars')).toBeLessThan(0.8);
    expect(score('Person', 'Peter Jone', 'Peter Jones')).toBeGreaterThanOrEqual(0.8);
    expect(score('Company', 'Kisumu Motors Ltd', 'Kisumu Motor Ltd')).toBeGreaterThanOrEqual(0.9);
  });

  it("a generic word's plural in a ship's name is another ship; in a company's name it is the same word", () => {
    expect(score('Vessel', 'Ocean Trader', 'Ocean Traders')).toBeLessThan(0.8);
    expect(score('Vessel', 'Sea Ventures', 'Sea Venture')).toBeLessThan(0.8);
    expect(score('Vessel', 'MV Ocean Trader', 'OCEAN TRADER')).toBe(1);
    expect(score('Company', 'Ocean Trader Ltd', 'Ocean Traders Ltd')).toBe(1);
  });

  it('a plural is another name whatever the spacing; the same letters spaced otherwise still match', () => {
    expect(score('Vessel', 'SEA HORSE', 'SEAHORSES')).toBeLessThan(0.8);
    expect(score('Vessel', 'SEAHORSES', 'SEA HORSE')).toBeLessThan(0.8);
    expect(score('Vessel', 'STARLIGHT', 'STAR LIGHTS')).toBeLessThan(0.8);
    expect(score('Vessel', 'OCEAN TRADER', 'OCEANTRADERS')).toBeLessThan(0.8);
    expect(score('Vessel', 'SEA STAR', 'SEASTARS')).toBeLessThan(0.8);
    expect(score('Company', 'Sea Horse Shipping', 'Seahorses Shipping')).toBeLessThan(0.8);
    // the same letters joined or apart are one name
    expect(score('Vessel', 'SEA HORSE', 'SEAHORSE')).toBeGreaterThanOrEqual(0.9);
    expect(score('Vessel', 'BLUESTAR', 'BLUE STAR')).toBeGreaterThanOrEqual(0.9);
    expect(score('Company', 'Abdul Rahman Trading', 'Abdulrahman Trading')).toBeGreaterThanOrEqual(0.9);
    // a company's generic word written joined keeps its plural-blind comparison (Motor = Motors)
    expect(score('Company', 'Kisumu Motor Ltd', 'KisumuMotors Ltd')).toBeGreaterThanOrEqual(0.9);
    // people are not touched
    expect(score('Person', 'Abdul Rahman', 'Abdulrahmans')).toBeGreaterThanOrEqual(0.9);
  });

  it('the Persian / Urdu ezafe between two words of an organisation name is one light particle, written -e- or -i-', () => {
    const texts = (name: string, schema: 'organisation' | 'person') => normaliseName(name, schema).tokens.map((t) => t.text);
    expect(texts('Lashkar-i-Taiba', 'organisation')).toEqual(['lashkar', 'e', 'taiba']);
    expect(normaliseName('Lashkar-i-Taiba', 'organisation').tokens[1]!.kind).toBe('particle');
    expect(score('Company', 'LASHKAR-E-TAIBA', 'LASHKAR-I-TAIBA')).toBe(1);
    expect(score('Company', 'TEHRIK-I-TALIBAN PAKISTAN', 'TEHRIK-E-TALIBAN PAKISTAN')).toBe(1);
    expect(score('Company', 'LASHKAR E-TAYYIBA', 'Lashkar-i-Taiba')).toBeGreaterThanOrEqual(0.9);
    expect(score('Company', 'Lashkar-e-Taiba', 'Lashkar-e-Jhangvi')).toBeLessThan(0.8);
    // not a link: a letter next to "and" (P and I Club), at either end, or in a person's name (an initial)
    expect(texts('Kish P and I Club', 'organisation')).toContain('i');
    expect(normaliseName('Kish Trading E', 'organisation').tokens.at(-1)!.kind).not.toBe('particle');
    expect(normaliseName('E Kish Trading', 'organisation').tokens[0]!.kind).not.toBe('particle');
    expect(normaliseName('Ali E Khan', 'person').tokens.some((t) => t.kind === 'particle' && t.text === 'e' && t.weight === 0.35)).toBe(
      false,
    );
  });

  it('a continent or world region on one side only is a regional subsidiary, weighed like a country', () => {
    const europe = compareNames('Company', 'Lundqvist Hydraulics Inc.', 'Lundqvist Hydraulics Europe Ltd.');
    expect(europe.score).toBeLessThan(0.8);
    expect(europe.explanation.notes.join(' ')).toMatch(/country on one side only: Europe/i);
    expect(score('Company', 'Lundqvist Hydraulics Europe Ltd.', 'Lundqvist Hydraulics Inc.')).toBe(europe.score);
    expect(compareNames('Company', 'VEB Asia Limited', 'VEB').explanation.notes.join(' ')).toMatch(/country on one side only/);
    // the same region on both sides, and a region word in a vessel name, are not a qualifier
    expect(score('Company', 'Sberbank Europe AG', 'SBERBANK EUROPE AG')).toBeGreaterThanOrEqual(0.9);
    expect(compareNames('Vessel', 'Africa Star', 'Star').explanation.notes.join(' ')).not.toMatch(/country on one side/);
    // "East" alone is a name word
    expect(compareNames('Company', 'East Hydraulics Trading', 'Hydraulics Trading').explanation.notes.join(' ')).not.toMatch(
      /country on one side/,
    );
  });

  it('a vessel compared with a company (its owner) and a company with a foreign subsidiary score lower, with a note', () => {
    const owner = compareNames('Vessel', 'KAPITAN GUSEYNOV', 'Kapitan Guseynov Shipping Ltd');
    expect(owner.score).toBeLessThan(0.8);
    expect(owner.explanation.notes.join(' ')).toMatch(/not a vessel/);
    const sub = compareNames('Company', 'Lundqvist Hydraulics Inc.', 'Lundqvist Hydraulics (UK) Ltd.');
    expect(sub.score).toBeLessThan(0.8);
    expect(sub.explanation.notes.join(' ')).toMatch(/country on one side only/);
  });

  it('a country in parentheses written with full stops or as UAE names a subsidiary elsewhere too', () => {
    for (const [a, b] of [
      ['Petrochemical Commercial Company FZE', 'Petrochemical Commercial Company (U.K.) Limited'],
      ['Acme Trading LLC', 'Acme Trading (U.A.E.) LLC'],
      ['Acme Trading LLC', 'Acme Trading (UAE) LLC'],
    ] as const) {
      const r = compareNames('Company', a, b);
      expect(r.score).toBeLessThan(0.8);
      expect(r.explanation.notes.join(' ')).toMatch(/country on one side only/);
    }
    // a parenthesised legal form is not a country: the name without it is the same company
    expect(score('Company', 'Carillanca (S.A.)', 'Carillanca')).toBeGreaterThanOrEqual(0.9);
  });

  it('a parenthesised annotation (branch, port, flag) is not part of the name', () => {
    expect(score('Vessel', 'M/V MZIURI (Batumi)', 'Mziuri')).toBe(1);
    expect(score('Vessel', 'MV Soja Paranaense, Santos', 'Soja Paranaense')).toBe(1);
    expect(score('Company', 'Kisumu Motors Ltd (Kakamega Branch)', 'Kisumu Motors Limited')).toBe(1);
  });
});
