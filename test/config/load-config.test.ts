import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileConfigObject, loadConfig } from '../../src/config/load-config.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { baseConfig } from '../support/org-builder.ts';

async function writeDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'remit-config-'));
  for (const [name, content] of Object.entries(files))
    await writeFile(join(dir, name), typeof content === 'string' ? content : stringify(content));
  return dir;
}

function split(config: Record<string, any>) {
  const { firm, products, carriers, teams, reps, licences, appointments, rules, version } = config;
  return {
    'firm.yaml': { version, firm, products, carriers },
    'teams.yaml': { teams },
    'reps.yaml': { reps },
    'licences.yaml': { licences, appointments },
    'rules.yaml': { rules },
  };
}

describe('loadConfig', () => {
  it('loads a config split over several YAML files', async () => {
    const dir = await writeDir(split(baseConfig()));
    const r = await loadConfig(dir, dir);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.org.repsById.size).toBe(5);
  });

  it('lists every problem with file, path and message — not just the first', async () => {
    const c = structuredClone(baseConfig()) as any;
    c.reps[1].timeZone = 'Mars/Base';
    c.reps[2].team = 'ghost-team';
    c.reps[3].weight = -1;
    c.licences[0].jurisdiction = 'gb';
    c.rules[1].when = { field: 'colour', op: 'eq', value: 'red' };
    const files = split(c);
    const dir = await writeDir(files);
    const r = await loadConfig(dir, dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // Schema problems are reported first (weight, jurisdiction); a schema-valid config is then cross-checked.
    expect(r.error).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'reps.yaml', path: 'reps[3].weight' }),
        expect.objectContaining({ file: 'licences.yaml', path: 'licences[0].jurisdiction' }),
      ]),
    );
    c.reps[3].weight = 1;
    c.licences[0].jurisdiction = 'GB';
    const dir2 = await writeDir(split(c));
    const r2 = await loadConfig(dir2, dir2);
    expect(r2.ok).toBe(false);
    if (r2.ok) return;
    expect(r2.error).toEqual([
      { file: 'reps.yaml', path: 'reps[1].timeZone', message: '"Mars/Base" is not an IANA time zone' },
      { file: 'reps.yaml', path: 'reps[2].team', message: 'unknown team "ghost-team"' },
      { file: 'rules.yaml', path: 'rules[1].when.field', message: 'rule "us": unknown field "colour"' },
    ]);
  });

  it('maps paths back to the right file when an array section spans files', async () => {
    const c = structuredClone(baseConfig()) as any;
    const files: Record<string, unknown> = {
      ...split(c),
      'reps.yaml': { reps: c.reps.slice(0, 2) },
      'reps-us.yaml': { reps: c.reps.slice(2) },
    };
    (files['reps-us.yaml'] as any).reps[1].team = 'nowhere';
    const dir = await writeDir(files);
    const r = await loadConfig(dir, dir);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual([{ file: 'reps-us.yaml', path: 'reps[1].team', message: 'unknown team "nowhere"' }]);
  });

  it('reports YAML syntax errors, unknown sections and duplicate ids', async () => {
    const dir = await writeDir({ 'a.yaml': 'teams: [unclosed', 'b.yaml': { colour: 'red' } });
    const r = await loadConfig(dir, dir);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error[0]).toMatchObject({ file: 'a.yaml', message: expect.stringContaining('invalid YAML') });
      expect(r.error[1]).toMatchObject({ file: 'b.yaml', path: 'colour', message: expect.stringContaining('unknown section') });
    }
    const c = structuredClone(baseConfig()) as any;
    c.reps.push({ ...c.reps[0] });
    const d = compileConfigObject(c);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error[0]).toMatchObject({ path: 'reps[5].id', message: 'duplicate id "alice" (first at reps[0])' });
  });

  it('content hash: stable under key order and labels, different for any content change', () => {
    const a = compileConfigObject(baseConfig());
    const reordered = Object.fromEntries(Object.entries(baseConfig()).reverse());
    const b = compileConfigObject({ ...reordered, version: 'another-label' });
    const changed = structuredClone(baseConfig()) as any;
    changed.reps[0].weight = 2;
    const c = compileConfigObject(changed);
    if (!a.ok || !b.ok || !c.ok) throw new Error('configs should compile');
    expect(b.value.org.hash).toBe(a.value.org.hash);
    expect(c.value.org.hash).not.toBe(a.value.org.hash);
  });

  it('the published JSON Schema matches the zod schema (regenerate with npm run schema)', async () => {
    const published = JSON.parse(await readFile('docs/remit-config.schema.json', 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});
