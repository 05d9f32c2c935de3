import { describe, expect, it } from 'vitest';
import { listDelta } from '../../src/screening/list-delta.ts';
import { normaliseAlternatives } from '../../src/screening/matcher.ts';
import { emptyEntity, type LoadedList, type ScreeningEntity } from '../../src/screening/screening-entity.ts';
import { SubjectIndex } from '../../src/screening/subject-index.ts';

/** docs/screening.md "Delta re-screening": the list diff and the reverse index over leads. */

const entity = (entryId: string, name: string, line: number, extra: Partial<ScreeningEntity> = {}): ScreeningEntity => ({
  ...emptyEntity('l', entryId, 'person', 'l.csv'),
  names: [{ value: name, type: 'primary' }],
  isSanctioned: true,
  source: { file: 'l.csv', line },
  ...extra,
});

const list = (entities: ScreeningEntity[]): LoadedList => ({
  version: { listId: 'l', sourceType: 'blocklist-csv', files: ['l.csv'], sha256: 'x', entryCount: entities.length, loadedAt: '' },
  entities,
});

describe('listDelta', () => {
  it('added and changed entries by id and content; a moved line is no change; removals are counted', () => {
    const before = list([entity('A', 'Ann Lee', 2), entity('B', 'Bob Ray', 3), entity('C', 'Cid Moe', 4)]);
    const after = list([
      entity('N', 'New Person', 2), // inserted above: every other line moves
      entity('A', 'Ann Lee', 3),
      entity('B', 'Bob Ray', 4, { nationalities: ['ir'] }),
    ]);
    const d = listDelta(before, after);
    expect(d).toMatchObject({ listId: 'l', added: 1, changed: 1, removed: 1 });
    expect(d.entries.map((e) => e.entryId)).toEqual(['N', 'B']);
    expect(listDelta(undefined, before).entries).toHaveLength(3);
    expect(listDelta(before, before).entries).toEqual([]);
  });
});

describe('SubjectIndex (reverse index over leads)', () => {
  const names = ['Marguerite Quillfeather', 'Jonathan Smythe', 'Anna Maria Lopez', 'Ottoline Brackenbury'];
  const index = SubjectIndex.build(names.map((n) => normaliseAlternatives(n, 'person')));
  const find = (q: string) => [...new Set([...normaliseAlternatives(q, 'person')].flatMap((n) => [...index.subjectsFor(n)]))].sort();

  it('names the subjects a list name could match: exact, a typo, reordered tokens; not unrelated ones', () => {
    expect(find('Marguerite Quillfeather')).toEqual([0]);
    expect(find('Marguerite Quilfeather')).toEqual([0]); // one deletion
    expect(find('Quillfeather, Marguerite')).toEqual([0]);
    expect(find('Jonathon Smyth')).toEqual([1]);
    expect(find('Lopez Anna')).toEqual([2]);
    expect(find('Viktor Halloran')).toEqual([]);
    expect(index.nameCount).toBeGreaterThanOrEqual(names.length);
  });

  it('an empty index finds nothing', () => {
    const empty = SubjectIndex.build([]);
    expect([...empty.subjectsFor(normaliseAlternatives('Ann Lee', 'person')[0]!)]).toEqual([]);
  });
});
