import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Several instances starting at once on one missing key file (docs/audit.md "Key management"): exactly one creates
 * the key, every other reads that key whole. A create that opened the file exclusively and then wrote it let another
 * process read it empty in between ("the audit signing key is not a PKCS#8 private key", seen under load).
 */
const LOADER = fileURLToPath(new URL('./fixtures/load-audit-key.ts', import.meta.url));
const PROCESSES = 6;
const ROUNDS = 3;

type Loaded = { ok: true; created: boolean; keyId: string } | { ok: false; error: string };

async function race(file: string): Promise<Loaded[]> {
  const children = Array.from({ length: PROCESSES }, () =>
    fork(LOADER, [file], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const next = (c: (typeof children)[number]) =>
    new Promise<Record<string, unknown>>((resolve) => c.once('message', (m) => resolve(m as Record<string, unknown>)));
  try {
    await Promise.all(children.map(next));
    const answers = children.map(next);
    for (const c of children) c.send('go');
    return (await Promise.all(answers)) as Loaded[];
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

describe('the audit key file created by several processes at once', () => {
  it('exactly one process creates it; all load the same whole key; no temp file is left', { timeout: 60_000 }, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'remit-key-race-'));
      try {
        const file = join(dir, 'keys', 'audit-signing-key.pem');
        const loaded = await race(file);
        expect(loaded.filter((l) => !l.ok)).toEqual([]);
        const ok = loaded.filter((l): l is Extract<Loaded, { ok: true }> => l.ok);
        expect(ok.filter((l) => l.created)).toHaveLength(1);
        expect(new Set(ok.map((l) => l.keyId)).size).toBe(1);
        expect(readdirSync(join(dir, 'keys'))).toEqual(['audit-signing-key.pem']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
