import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Files under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('the remit entry point keeps an on-disk compile cache (start-up, issue 19 item 4)', () => {
  it('writes compiled code under the temporary directory, and NODE_DISABLE_COMPILE_CACHE turns it off', async () => {
    const on = mkdtempSync(join(tmpdir(), 'remit-ncc-'));
    const off = mkdtempSync(join(tmpdir(), 'remit-ncc-off-'));
    dirs.push(on, off);
    // Node reads either variable as set even when empty: leave both out of the child's environment.
    const { NODE_COMPILE_CACHE: _dir, NODE_DISABLE_COMPILE_CACHE: _off, ...env } = process.env;
    await run(process.execPath, ['bin/remit.mjs', 'help'], { env: { ...env, TMPDIR: on } }).catch((e: unknown) => e);
    await run(process.execPath, ['bin/remit.mjs', 'help'], { env: { ...env, TMPDIR: off, NODE_DISABLE_COMPILE_CACHE: '1' } }).catch(
      (e: unknown) => e,
    );
    // Remit's own modules are among those cached: the CLI's module graph has well over a hundred files.
    expect(filesUnder(on).length).toBeGreaterThan(100);
    expect(filesUnder(off)).toEqual([]);
  });
});
