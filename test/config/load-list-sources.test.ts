import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadListSources } from '../../src/config/load-list-sources.ts';

/** `<config>/screening/lists.yaml` (docs/screening.md): the only lists a service may load, validated at start. */
describe('screening list sources in the config folder', () => {
  it('the example names its OFAC, UN, PEP and blocklist sources, with paths resolved against the config folder', async () => {
    const loaded = await loadListSources('examples/bank');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok || !loaded.value) return;
    expect(loaded.value.maxShrinkFraction).toBe(0.2);
    expect(loaded.value.sources.map((s) => [s.id, s.format, s.path])).toEqual([
      ['ofac-sdn', 'ofac-sdn', resolve('examples/bank/screening/ofac-sdn')],
      ['un-sc', 'un-xml', resolve('examples/bank/screening/un/UN_consolidated.xml')],
      ['us-congress-pep', 'senzing-jsonl', resolve('examples/bank/screening/pep/us_congress_pep.senzing.jsonl')],
      ['blocklist', 'blocklist-csv', resolve('examples/bank/screening/firm-blocklist.csv')],
    ]);
  });

  it('every problem is reported with the file and its path; a config without the file has no sources', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remit-list-sources-'));
    expect(await loadListSources(dir)).toEqual({ ok: true, value: null });
    await mkdir(join(dir, 'screening'));
    await writeFile(
      join(dir, 'screening', 'lists.yaml'),
      'maxShrinkFraction: 1.5\nsources:\n  - { id: a, format: pdf, path: a.pdf }\n  - { id: a, format: un-xml, path: /x.xml }\n  - { ' +
        'id: "../etc", format: un-xml, path: y.xml }\n',
    );
    const bad = await loadListSources(dir);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.map((p) => p.path).sort()).toEqual(['maxShrinkFraction', 'sources[0].format', 'sources[2].id']);
    expect(bad.error.every((p) => p.file === join(dir, 'screening', 'lists.yaml'))).toBe(true);
  });

  it('reloadEveryMinutes: a whole number of minutes from 1 to a week; anything else is a field-level error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remit-list-sources-'));
    await mkdir(join(dir, 'screening'));
    const file = join(dir, 'screening', 'lists.yaml');
    const sources = (every: string) =>
      `sources:\n  - { id: a, format: un-xml, path: a.xml${every} }\n  - { id: b, format: un-xml, path: b.xml }\n`;
    await writeFile(file, sources(', reloadEveryMinutes: 60'));
    const ok = await loadListSources(dir);
    expect(ok.ok && ok.value?.sources.map((s) => s.reloadEveryMinutes)).toEqual([60, undefined]);
    for (const bad of ['0', '1.5', '10081', '"PT1H"']) {
      await writeFile(file, sources(`, reloadEveryMinutes: ${bad}`));
      const refused = await loadListSources(dir);
      expect(refused.ok ? [] : refused.error.map((p) => p.path), bad).toEqual(['sources[0].reloadEveryMinutes']);
    }
  });
});
