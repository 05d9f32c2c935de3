import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { data, HAS_DATA } from './shared-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'remit-cli-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const list = file(
  'block.csv',
  'id,name,aliases,type,dob,country,reason\nB1,Ivan Petrov,Ivan Petroff,person,1970-05-01,RU,fraud\nB2,Acme Shell Ltd,,company,,CY,\n',
);

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    stdout += String(c);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    stderr += String(c);
    return true;
  });
  process.exitCode = undefined;
  let code: number;
  try {
    code = await runCli(args);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('remit screen', () => {
  it('screens one name and prints hits as JSON', async () => {
    const r = await run(['screen', '--list', `blocklist-csv:${list}`, '--name', 'PETROV, Ivan', '--dob', '1970-05-01', '--country', 'ru']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.isMatch).toBe(true);
    expect(res.hits[0]).toMatchObject({ listId: 'blocklist', entryId: 'B1' });
    expect(res.listVersions[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('streams a people CSV to JSON lines, one per row in order', async () => {
    const input = file(
      'people.csv',
      'full_name,first_name,middle_name,last_name,gender,date_of_birth,place_of_birth,nationality\nIvan ' +
        'Petrov,,,,male,1970-05-01,,RU\n,Jane,,Doe,female,1990-01-01,,GB\n"Petroff, Ivan",,,,,,,\n',
    );
    const out = join(dir, 'hits.jsonl');
    const r = await run(['screen', '--list', list, '--in', input, '--out', out]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.row)).toEqual([1, 2, 3]);
    expect(lines[0]).toMatchObject({ name: 'Ivan Petrov', isMatch: true });
    expect(lines[1]).toMatchObject({ name: 'Jane Doe', isMatch: false, hits: [] });
    expect(lines[2].isMatch).toBe(true);
    expect(r.stderr).toMatch(/screened 3 rows, 2 potential matches/);
  });

  it('scores name pairs', async () => {
    const input = file(
      'pairs.csv',
      'schema,name1,name2,is_match\nPerson,Olaf Scholze,Olaf Scholz,true\nPerson,Octavian Scholz,Olaf Scholz,false\nCompany,Siemens ' +
        'Aktiengesellschaft,Siemens AG,true\n',
    );
    const r = await run(['screen', 'pairs', '--in', input]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.isMatch)).toEqual([true, false, true]);
    expect(lines[0].score).toBeGreaterThan(0.9);
    expect(lines[0].threshold).toBe(0.8);
  });

  it.skipIf(!HAS_DATA)(
    'detects the Consolidated Screening List and the Denied Persons List by content and says what it left out',
    async () => {
      const r = await run([
        'screen',
        '--list',
        data('other/csl.csv'),
        '--list',
        data('other/dpl.txt'),
        '--name',
        'Gulf Gate Shipping Co LLC',
      ]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('list us-csl: left out values it cannot use: expired_entry 5');
      expect(r.stderr).toContain('list us-bis-dpl: left out values it cannot use: duplicate_row 3, expired_entry 392');
      expect(JSON.parse(r.stdout).hits[0]).toMatchObject({
        listId: 'us-csl',
        programs: ['Entity List (EL) - Bureau of Industry and Security'],
      });
    },
  );

  it('exits 2 on invalid input: missing args, malformed list, bad columns', async () => {
    expect((await run(['screen', '--name', 'x'])).code).toBe(2);
    const broken = file('broken.csv', 'id,name,aliases,type,dob,country,reason\nB1,"X\n');
    const b = await run(['screen', '--list', `blocklist-csv:${broken}`, '--name', 'x']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${broken}:2`);
    const badPairs = file('badpairs.csv', 'a,b\n1,2\n');
    expect((await run(['screen', 'pairs', '--in', badPairs])).code).toBe(2);
    expect((await run(['screen', 'pairs', '--in', join(dir, 'missing.csv')])).code).toBe(2);
    expect((await run(['screen', '--list', list, '--name', 'x', '--threshold', '7'])).code).toBe(2);
  });

  it('reports failures like every other command: a readable line, then the catalogue JSON shape on stderr', async () => {
    const bad = await run(['screen', '--list', list, '--name', 'x', '--threshold', '7']);
    const [line, json] = bad.stderr.trimEnd().split('\n');
    expect(line).toBe('error ARGUMENT_INVALID: --threshold must be a number in [0,1], got 7');
    expect(JSON.parse(json!)).toEqual({
      code: 'ARGUMENT_INVALID',
      message: '--threshold must be a number in [0,1], got 7',
      details: [{ path: '--threshold', message: '--threshold must be a number in [0,1], got 7' }],
    });
    const broken = file('broken2.csv', 'id,name,aliases,type,dob,country,reason\nB1,"X\n');
    const b = await run(['screen', '--list', `blocklist-csv:${broken}`, '--name', 'x']);
    expect(b.stderr).toMatch(/^error INPUT_UNREADABLE: /);
    expect(JSON.parse(b.stderr.trimEnd().split('\n')[1]!)).toMatchObject({
      code: 'INPUT_UNREADABLE',
      details: [{ file: broken, path: 'line 2' }],
    });
  });
});
