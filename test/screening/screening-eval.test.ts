import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { remit } from '../import/import-support.ts';
import { evalHalf, personHalf, scorePairs, screenPeople } from '../../src/screening/screening-eval.ts';
import { wilson } from '../../src/domain/shared/wilson-interval.ts';
import { DEFAULT_COMPARE_PARAMS } from '../../src/screening/name-compare.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';

const dir = mkdtempSync(join(tmpdir(), 'remit-eval-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** In-process `remit …` with captured output (the import tests' helper). */
const run = (args: string[]) => remit(...args);

afterEach(() => {
  process.exitCode = undefined;
});

const pairs = file(
  'pairs.csv',
  'schema,name1,name2,is_match,category\n' +
    'Person,Olaf Scholze,Olaf Scholz,true,typo\n' +
    'Person,Octavian Scholz,Olaf Scholz,false,other-given-name\n' +
    'Company,Siemens Aktiengesellschaft,Siemens AG,true,legal-form\n' +
    'Company,Acme Trading Ltd,Zenith Shipping GmbH,true,unrelated-labelled-match\n',
);

describe('screening eval', () => {
  it('Wilson intervals match the published formula', () => {
    expect(wilson(5, 10)).toEqual({ low: 0.2366, high: 0.7634 });
    expect(wilson(0, 10)).toEqual({ low: 0, high: 0.2775 });
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('scores labelled pairs with per-category confusion and the worst errors', () => {
    const r = scorePairs(pairs, 0.8);
    expect(r.overall).toMatchObject({ tp: 2, fp: 0, fn: 1, tn: 1, precision: 1, recall: 0.6667 });
    expect(r.byCategory['unrelated-labelled-match']).toMatchObject({ fn: 1 });
    expect(r.worstErrors['unrelated-labelled-match']![0]).toMatchObject({ error: 'false_negative', line: 5 });
    expect(r.worstErrors['typo']).toBeUndefined();
  });

  it('scores pairs under the comparison parameters given (a rule switched off moves its rows)', () => {
    const sister = file(
      'sister.csv',
      'schema,name1,name2,is_match\nCompany,Kisumu Lakeside Motors Ltd,Kisumu Lakeside Motor Spares Ltd,false\n',
    );
    // an activity word on one side costs more than another extra word: sister companies are named by their trade
    expect(scorePairs(sister, 0.8).overall).toMatchObject({ fp: 0, tn: 1 });
    const off = { ...DEFAULT_COMPARE_PARAMS, extraCostActivity: DEFAULT_COMPARE_PARAMS.extraCostOrg };
    expect(scorePairs(sister, 0.8, 'all', 3, off).overall).toMatchObject({ fp: 1, tn: 0 });
  });

  it('the dev and held-out halves partition the rows, by a stable hash', () => {
    const dev = scorePairs(pairs, 0.8, 'dev').overall.n;
    const held = scorePairs(pairs, 0.8, 'held').overall.n;
    expect(dev + held).toBe(4);
    expect(evalHalf('Person', 'Olaf Scholze', 'Olaf Scholz')).toBe(evalHalf('Person', 'Olaf Scholze', 'Olaf Scholz'));
  });

  it('reads the name_a,name_b,label layout too', () => {
    const alt = file('alt.csv', 'name_a,name_b,label\nIvan Petrov,Ivan Petroff,1\nIvan Petrov,Maria Lopez,0\n');
    expect(scorePairs(alt, 0.8).overall).toMatchObject({ tp: 1, tn: 1 });
  });

  it('remit screen eval prints recall / FPR of people files against the lists, and --json', async () => {
    const list = file('block.csv', 'id,name,aliases,type,dob,country,reason\nB1,Ivan Petrov,,person,1970-05-01,RU,fraud\n');
    const header = 'full_name,first_name,middle_name,last_name,gender,date_of_birth,place_of_birth,nationality\n';
    const pos = file('pos.csv', `${header}Ivan Petrov,,,,,1970-05-01,,RU\nJohn Unlisted,,,,,,,\n`);
    const neg = file('neg.csv', `${header}Maria Lopez,,,,,,,\n`);
    const r = await run([
      'screen',
      'eval',
      '--list',
      `blocklist-csv:${list}`,
      '--positives',
      pos,
      '--negatives',
      neg,
      '--pairs',
      pairs,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pairs[0].overall.f1).toBe(0.8);
    expect(out.people[0]).toMatchObject({ expect: 'positive', rows: 2, flagged: 1, rate: 0.5 });
    expect(out.people[0].worstErrors[0]).toMatchObject({ name: 'John Unlisted', line: 3 });
    expect(out.people[1]).toMatchObject({ expect: 'negative', rows: 1, flagged: 0, rate: 0 });
    const text = await run(['screen', 'eval', '--pairs', pairs, '--half', 'all']);
    expect(text.stdout).toMatch(/precision 1 \[0\.\d+, 1\.000\]\s+recall 0\.6667/);
    expect(text.stdout).toContain('FN');
  });

  it('people files split into dev and held-out halves by the name, so tuning can leave a half untouched', () => {
    const list = file(
      'block2.csv',
      'id,name,aliases,type,dob,country,reason\nB1,Ivan Petrov,,person,,RU,fraud\nB2,Olga Sidorova,,person,,RU,fraud\n',
    );
    const names = ['Ivan Petrov', 'Olga Sidorova', 'Pyotr Ivanov', 'Anna Smirnova', 'Lena Popova', 'Oleg Volkov'];
    const pos = file('pos2.csv', `full_name\n${names.join('\n')}\n`);
    const service = new ScreeningService({ now: () => new Date(0) });
    service.loadAll([`blocklist-csv:${list}`]);
    const [dev, held, all] = (['dev', 'held', 'all'] as const).map((h) =>
      screenPeople(service, pos, 'positive', { threshold: 0.9 }, 10, h),
    );
    expect(all).toMatchObject({ rows: 6, flagged: 2 });
    expect(dev!.rows + held!.rows).toBe(6);
    expect(dev!.flagged + held!.flagged).toBe(2);
    expect(dev!.rows).toBe(names.filter((n) => personHalf(n) === 'dev').length);
    expect(dev!.worstErrors.every((e) => personHalf(e.name) === 'dev')).toBe(true);
  });

  it('exits 2 on a bad label, a missing file, no inputs or an unknown half', async () => {
    const bad = file('bad.csv', 'name1,name2,is_match\na,b,maybe\n');
    const r = await run(['screen', 'eval', '--pairs', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2');
    expect((await run(['screen', 'eval', '--pairs', join(dir, 'nope.csv')])).code).toBe(2);
    expect((await run(['screen', 'eval'])).code).toBe(2);
    expect((await run(['screen', 'eval', '--pairs', pairs, '--half', 'odd'])).code).toBe(2);
    expect((await run(['screen', 'eval', '--positives', pairs])).code).toBe(2);
  });
});
