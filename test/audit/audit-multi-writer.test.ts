import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyStoredLog } from '../../src/app/audit/audit-queries.ts';
import { sealAll } from '../../src/app/audit/audit-sealer.service.ts';
import { AuditSigner } from '../../src/app/audit/audit-signing-key.ts';
import { openStore } from '../../src/store/open-store.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from '../store/store-harness.ts';

/**
 * Several writers at once (docs/audit.md): two OS processes route leads into one database, each
 * running its own sealer every 5 ms. Ingestion never waits for the log; the sealers take turns
 * (PostgreSQL advisory lock; SQLite's write lock). Afterwards there is one dense, valid log holding
 * every decision exactly once.
 */

const WORKER = fileURLToPath(new URL('./fixtures/audit-worker.ts', import.meta.url));
const PER_WORKER = 120;

async function runTwo(url: string, schema: string | undefined, keyFile: string): Promise<string[]> {
  const children = ['w1', 'w2'].map((prefix) =>
    fork(WORKER, [], {
      env: {
        ...process.env,
        REMIT_AUDIT_WORKER: JSON.stringify({ url, schema, prefix, count: PER_WORKER, keyFile, at: Date.parse('2026-03-02T10:00:00Z') }),
      },
      execPath: process.execPath,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const message = (child: (typeof children)[number], type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      child.on('message', (m: Record<string, unknown>) =>
        m.type === 'error' ? reject(new Error(String(m.message))) : m.type === type ? resolve(m) : undefined,
      );
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before ${type}`)));
    });
  try {
    await Promise.all(children.map((c) => message(c, 'ready')));
    const done = children.map((c) => message(c, 'done'));
    for (const c of children) c.send('go');
    const results = await Promise.all(done);
    // Both processes sealed some rounds: the sealer role moves between instances.
    for (const m of results) expect(m.rounds as number).toBeGreaterThan(0);
    return results.flatMap((m) => m.errors as string[]);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

async function check(url: string, schema: string | undefined, keyFile: string) {
  const errors = await runTwo(url, schema, keyFile);
  const store = await openStore({ url, schema });
  try {
    await sealAll({ store, clock: { now: () => Date.parse('2026-03-02T11:00:00Z') }, signer: new AuditSigner({ file: keyFile }) });
    const report = await verifyStoredLog(store);
    expect(report.result).toMatchObject({ ok: true, uncheckpointed: 0 });
    const decisions: string[] = [];
    for await (const r of store.audit.rows())
      if (r.kind === 'decision') decisions.push((r.payload as { decision: { decisionId: string } }).decision.decisionId);
    expect(decisions).toHaveLength(2 * PER_WORKER);
    expect(new Set(decisions).size).toBe(2 * PER_WORKER);
    expect((await store.decisions.list()).map((d) => d.decisionId).sort()).toEqual([...decisions].sort());
    const checkpoints = await store.audit.checkpoints();
    expect(errors).toEqual([]);
    expect(checkpoints.length).toBeGreaterThan(4); // both processes sealed, many rounds
    return { entries: report.result.ok ? report.result.entries : 0, checkpoints: checkpoints.length };
  } finally {
    await store.close();
  }
}

const pg = await postgresOrSkip();

describe('two processes writing and sealing one audit log', () => {
  it('SQLite (one file, two processes)', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-audit-mp-'));
    try {
      await check(`sqlite:${join(dir, 'remit.sqlite')}`, undefined, join(dir, 'key.pem'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (pg.run) {
    it('PostgreSQL: one valid log, every decision once, sealers elected per round', { timeout: 120_000 }, async () => {
      const schema = newSchemaName();
      const dir = mkdtempSync(join(tmpdir(), 'remit-audit-mp-'));
      try {
        await check(PG_URL, schema, join(dir, 'key.pem'));
      } finally {
        await dropSchema(schema);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  } else if (pg.reason) {
    it('PostgreSQL is reachable', () => {
      throw new Error(pg.reason);
    });
  } else it.skip('PostgreSQL unreachable: skipped', () => {});
});
