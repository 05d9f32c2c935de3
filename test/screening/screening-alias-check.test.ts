import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aliasPairs, NAMES_PER_ENTITY, type AliasPair } from '../../bench/screening-devset/alias-pairs.ts';
import { aliasRecall, type PairScorer } from '../../bench/screening-devset/alias-recall.ts';
import { loadListed, type Listed } from '../../bench/screening-devset/list-pairs.ts';
import { addName, emptyEntity, type EntityKind } from '../../src/screening/screening-entity.ts';
import { DATA_DIR, HAS_DATA } from './shared-data.ts';

const SCHEMA = { organisation: 'Company', vessel: 'Vessel', person: 'Person' } as const;

function listed(list: string, entryId: string, kind: 'organisation' | 'vessel' | 'person', names: string[]): Listed {
  const entity = emptyEntity(list, entryId, kind satisfies EntityKind, 'fixture');
  names.forEach((n, i) => addName(entity, n, i === 0 ? 'primary' : 'aka'));
  // addName drops exact repeats; a loader that keeps them must not make a pair twice, so add one back by hand.
  if (names.includes('ACME LLC')) entity.names.push({ value: 'ACME LLC', type: 'aka' });
  return { list, entity, schema: SCHEMA[kind] };
}

const FIXTURE: Listed[] = [
  listed('l1', 'A', 'organisation', ['ACME LLC', 'ACME TRADING', 'ZEBRA HOLDINGS']),
  listed('l1', 'B', 'vessel', ['SEA STAR', 'OCEAN QUEEN']),
  listed('l1', 'C', 'person', ['JOHN SMITH', 'J SMITH']),
  listed('l2', 'D', 'organisation', ['ACME TRADING', 'BETA']),
  listed('l2', 'E', 'organisation', ['LONELY NAME']),
];

const pair = (list: string, schema: AliasPair['schema'], entryId: string, name1: string, name2: string): AliasPair => ({
  list,
  schema,
  entryId,
  name1,
  name2,
});

describe('alias-check: same-entity pairs from the lists', () => {
  it('pairs each entity’s distinct names once, never across entities, whatever their spelling', () => {
    expect(aliasPairs(FIXTURE)).toEqual([
      pair('l1', 'Company', 'A', 'ACME LLC', 'ACME TRADING'),
      // unrelated in spelling, but one entry holds both: labelled by identity, not by likeness
      pair('l1', 'Company', 'A', 'ACME LLC', 'ZEBRA HOLDINGS'),
      pair('l1', 'Company', 'A', 'ACME TRADING', 'ZEBRA HOLDINGS'),
      pair('l1', 'Vessel', 'B', 'SEA STAR', 'OCEAN QUEEN'),
      // ACME TRADING is also a name of A, but D and A are different entries: no pair between them
      pair('l2', 'Company', 'D', 'ACME TRADING', 'BETA'),
    ]);
  });

  it('takes persons only when asked, in their place in list order', () => {
    const withPersons = aliasPairs(FIXTURE, { persons: true });
    expect(withPersons).toHaveLength(6);
    expect(withPersons[4]).toEqual(pair('l1', 'Person', 'C', 'JOHN SMITH', 'J SMITH'));
  });

  it('takes at most NAMES_PER_ENTITY names of one entity', () => {
    const many = listed(
      'l',
      'M',
      'organisation',
      Array.from({ length: 20 }, (_, i) => `NAME ${i}`),
    );
    const pairs = aliasPairs([many]);
    expect(pairs).toHaveLength((NAMES_PER_ENTITY * (NAMES_PER_ENTITY - 1)) / 2);
    expect(new Set(pairs.flatMap((p) => [p.name1, p.name2])).size).toBe(NAMES_PER_ENTITY);
  });

  it.skipIf(!HAS_DATA)(
    'on the shared lists: deterministic, every pair two different names of one entry, no pair twice',
    () => {
      const entries = loadListed(DATA_DIR);
      const pairs = aliasPairs(entries);
      expect(aliasPairs(loadListed(DATA_DIR))).toEqual(pairs);
      const namesOf = new Map(entries.map((l) => [`${l.list}|${l.entity.entryId}`, new Set(l.entity.names.map((n) => n.value))]));
      const seen = new Set<string>();
      for (const p of pairs) {
        const names = namesOf.get(`${p.list}|${p.entryId}`)!;
        expect(names.has(p.name1) && names.has(p.name2) && p.name1 !== p.name2).toBe(true);
        expect(p.schema).not.toBe('Person');
        const key = `${p.list}|${p.entryId}|${[p.name1, p.name2].sort().join('|')}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
      // The figure docs/screening.md quotes (quality lane 6 counted the same 22,263 pairs).
      expect(pairs).toHaveLength(22_263);
    },
    60_000,
  );
});

describe('alias-check: recall and the pairs gained and lost', () => {
  // Each pair's first name says how the two scorers score it: [base, this].
  const SCORES: Record<string, [number, number]> = {
    high: [0.9, 0.95],
    gained: [0.79, 0.8],
    lost: [0.8, 0.79],
    low: [0.5, 0.5],
  };
  const pairs = [
    pair('l1', 'Company', '1', 'high', 'x'),
    pair('l1', 'Company', '2', 'gained', 'at the line'),
    pair('l1', 'Vessel', '3', 'lost', 'below it'),
    pair('l2', 'Company', '4', 'low', 'x'),
    pair('l2', 'Company', '5', 'gained', 'again'),
  ];
  const baseScore: PairScorer = (_schema, a) => SCORES[a]![0];
  const thisScore: PairScorer = (_schema, a) => SCORES[a]![1];

  it('counts pairs at or above the line, by list and kind, and the ones that crossed it either way', () => {
    const r = aliasRecall(pairs, thisScore, { threshold: 0.8, base: baseScore });
    expect(r.overall).toEqual({ pairs: 5, matched: 3 });
    expect(r.byGroup).toEqual({
      'l1 Company': { pairs: 2, matched: 2 },
      'l1 Vessel': { pairs: 1, matched: 0 },
      'l2 Company': { pairs: 2, matched: 1 },
    });
    expect(Object.keys(r.byGroup)).toEqual(['l1 Company', 'l1 Vessel', 'l2 Company']);
    expect(r.base).toEqual({
      overall: { pairs: 5, matched: 2 },
      byGroup: { 'l1 Company': { pairs: 2, matched: 1 }, 'l1 Vessel': { pairs: 1, matched: 1 }, 'l2 Company': { pairs: 2, matched: 0 } },
      gained: 2,
      lost: 1,
    });
    expect(r.gained.map((p) => [p.entryId, p.base, p.score])).toEqual([
      ['2', 0.79, 0.8],
      ['5', 0.79, 0.8],
    ]);
    expect(r.lost.map((p) => [p.entryId, p.base, p.score])).toEqual([['3', 0.8, 0.79]]);
    // matched = base matched + gained − lost
    expect(r.overall.matched).toBe(r.base!.overall.matched + r.base!.gained - r.base!.lost);
  });

  it('keeps only the first examples but counts them all; without a base, no comparison', () => {
    const r = aliasRecall(pairs, thisScore, { threshold: 0.8, base: baseScore, examples: 1 });
    expect(r.gained.map((p) => p.entryId)).toEqual(['2']);
    expect(r.base!.gained).toBe(2);
    const alone = aliasRecall(pairs, thisScore, { threshold: 0.8 });
    expect(alone.base).toBeUndefined();
    expect(alone.gained).toEqual([]);
    expect(alone.lost).toEqual([]);
    expect(alone.overall).toEqual({ pairs: 5, matched: 3 });
  });
});

describe('alias-check: the command', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['bench/screening-devset/alias-check.ts', ...args], { cwd: root, encoding: 'utf8' });

  it.skipIf(!HAS_DATA)(
    'against its own tree as base: every pair scored alike, nothing gained or lost (JSON)',
    () => {
      const r = run('--base', root, '--data', DATA_DIR, '--json', '--examples', '2');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as ReturnType<typeof aliasRecall>;
      expect(report.threshold).toBe(0.8);
      expect(report.overall.pairs).toBe(22_263);
      expect(report.base).toEqual({ overall: report.overall, byGroup: report.byGroup, gained: 0, lost: 0 });
    },
    60_000,
  );

  it('refuses a base that is not a checkout and a threshold outside (0, 1], exit 2', () => {
    expect(run('--base', '/nonexistent-tree').status).toBe(2);
    expect(run('--data', '/nonexistent-data').status).toBe(2);
    expect(run('--data', DATA_DIR, '--threshold', '1.5').status).toBe(2);
  });
});
