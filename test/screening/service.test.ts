import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { normaliseName } from '../../src/screening/name-normaliser.ts';
import { DEFAULT_SCREENING_POLICY } from '../../src/domain/org/screening-policy.schema.ts';
import { data, FIXED_NOW, HAS_DATA } from './shared-data.ts';

describe.skipIf(!HAS_DATA)('index and screening on the real lists', () => {
  const svc = new ScreeningService({ now: FIXED_NOW });
  beforeAll(() => {
    svc.loadAll([data('ofac/sdn.csv'), data('un/UN_consolidated.xml'), data('opensanctions/us_congress_pep.senzing.jsonl')]);
  });

  it('returns the expected candidate without scanning the list', () => {
    const q = normaliseName('Ayman al-Zawahiri', 'person');
    const res = svc.index.candidates(q);
    const ids = res.nameIds.map((id) => svc.index.entities[svc.index.names[id]!.entity]!.entryId);
    expect(ids).toContain('2676');
    expect(res.nameIds.length).toBeLessThanOrEqual(48);
    expect(res.touched).toBeLessThan(svc.nameCount / 20);
  });

  it('finds a typo-ed, reordered name through fuzzy keys', () => {
    const r = svc.screen({ name: 'ZAWAHRI, Aymen', kind: 'person' }, { minScore: 0.5 });
    expect(r.hits.some((h) => h.entryId === '2676')).toBe(true);
    expect(r.stats.candidates).toBeLessThan(100);
  });

  it('explains a hit: list, entry, matched alias, tokens and corroboration', () => {
    const r = svc.screen({ name: 'Ayman al-Zawahiri', dob: '1951-06-19', country: 'eg', kind: 'person' });
    const h = r.hits[0]!;
    expect(h).toMatchObject({ listId: 'ofac-sdn', entryId: '2676', isSanctioned: true, isMatch: true });
    expect(h.matchedName).toMatch(/^AL[- ]ZAWAHIRI, (Dr\. )?Ayman$/);
    expect(h.tokens.map((t) => t.a)).toEqual(expect.arrayContaining(['ayman', 'zawahiri']));
    expect(h.corroboration).toContainEqual(expect.objectContaining({ field: 'dob', outcome: 'agree' }));
    expect(h.nameScore).toBe(1);
    expect(h.score).toBe(1);
    expect(r.listVersions.map((v) => v.listId)).toEqual(['ofac-sdn', 'un-sc', 'os-us-congress']);
  });

  it('name + agreeing DOB outscores name only, which outscores name + different DOB', () => {
    const base = { name: 'Ayman al-Zawahiri', kind: 'person' as const };
    const s = (dob?: string) => svc.screen(dob ? { ...base, dob } : base, { minScore: 0 }).hits.find((h) => h.entryId === '2676')!.score;
    expect(s('1951-06-19')).toBeGreaterThan(s());
    expect(s()).toBeGreaterThan(s('1990-01-01'));
  });

  it('flags PEPs and does not match a person query to organisations', () => {
    const r = svc.screen({ name: 'Jennifer McClellan', dob: '1972', country: 'us', kind: 'person' });
    expect(r.hits[0]).toMatchObject({ isPep: true, listId: 'os-us-congress' });
    const org = svc.screen({ name: 'Banco Nacional de Cuba', kind: 'person' }, { minScore: 0 });
    expect(org.hits.every((h) => h.kind === 'person')).toBe(true);
    const asOrg = svc.screen({ name: 'Banco Nacional de Cuba', kind: 'organisation' });
    expect(asOrg.hits[0]?.entryId).toBe('306');
  });

  it('does not flag an unrelated ordinary name', () => {
    const r = svc.screen({ name: 'Ingeborg Abrahamsen', dob: '1972-11-21', country: 'fr', kind: 'person' });
    expect(r.isMatch).toBe(false);
    expect(r.threshold).toBe(DEFAULT_SCREENING_POLICY.reviewThreshold);
  });
});

describe('service reload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remit-svc-'));
  const p = join(dir, 'blocklist.csv');

  it('swaps in a new version and keeps the previous one when the reload is malformed', () => {
    writeFileSync(p, 'id,name,aliases,type,dob,country,reason\nB1,Ivan Petrov,,person,1970,RU,fraud\n');
    const svc = new ScreeningService({ now: FIXED_NOW });
    const first = svc.reload(`blocklist-csv:${p}`);
    expect(first.ok).toBe(true);
    const v1 = svc.versions()[0]!;
    expect(v1).toMatchObject({ listId: 'blocklist', entryCount: 1, sourceType: 'blocklist-csv' });
    expect(svc.screen({ name: 'Ivan Petrov' }).isMatch).toBe(true);

    writeFileSync(p, 'id,name,aliases,type,dob,country,reason\nB1,Ivan Petrov,,person,1970,RU,fraud\nB2,"Broken\n');
    const bad = svc.reload(`blocklist-csv:${p}`);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.file).toBe(p);
      expect(bad.error.line).toBe(3);
      expect(bad.kept).toEqual(v1);
    }
    expect(svc.versions()).toEqual([v1]);
    expect(svc.screen({ name: 'Ivan Petrov' }).isMatch).toBe(true);

    writeFileSync(p, 'id,name,aliases,type,dob,country,reason\nB2,Olga Smirnova,,person,,RU,fraud\n');
    const ok = svc.reload(`blocklist-csv:${p}`);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.replaced).toEqual(v1);
    expect(svc.versions()[0]!.sha256).not.toBe(v1.sha256);
    expect(svc.screen({ name: 'Ivan Petrov' }).isMatch).toBe(false);
    expect(svc.screen({ name: 'Olga Smirnova' }).isMatch).toBe(true);
  });
});
