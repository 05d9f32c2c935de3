import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from '../store/store-harness.ts';
import {
  bankVariant,
  BLOCKLIST,
  createKey,
  pgUrlWithSchema,
  SANCTIONS_FIXTURE,
  startServer,
  writeConfigFile,
  type ServerProcess,
} from './fixtures/service-fixtures.ts';

/**
 * docs/screening.md "Versions in force on every instance", with real `remit serve` processes on one PostgreSQL schema:
 * the `list-sync` worker that `remit serve` starts makes B notice a reload done on A (REMIT_LIST_SYNC_MS), hold leads
 * while its own file is not the version in force, and adopt the version once its file is.
 */

const pg = await postgresOrSkip();
const NEW_ENTRY = 'NB-BL-0101,Marguerite Quilfeather,,person,,GB,fraud\n';

const call = async (server: ServerProcess, method: string, path: string, token?: string, body?: unknown) => {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
};

/** Polls until `check` holds (the sync runs every 200 ms here), failing after 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached within 10 s');
}

let n = 0;
const lead = (lastName: string, firstName: string) => ({
  source: 'web_form',
  product: 'uk-stocks-shares-isa',
  person: { firstName, lastName, email: `${firstName}.${++n}.${Date.now()}@example.co.uk` },
  address: { country: 'GB', postalCode: 'SW1A 1AA' },
});

describe('two remit serve processes follow the screening list versions in force', () => {
  if (!pg.run) {
    if (pg.reason)
      it('PostgreSQL is reachable', () => {
        throw new Error(pg.reason);
      });
    else it.skip('PostgreSQL unreachable: skipped (see the warning above)', () => {});
    return;
  }

  it('B holds leads (SCREENING_LIST_STALE) while its file is not the one reloaded on A, then adopts it', { timeout: 90_000 }, async () => {
    const schema = newSchemaName();
    const db = pgUrlWithSchema(PG_URL, schema);
    const dir = mkdtempSync(join(tmpdir(), 'remit-list-sync-serve-'));
    const config = writeConfigFile(await bankVariant({ version: 'list-sync' }));
    const files = (name: string) => {
      mkdirSync(join(dir, name));
      const file = join(dir, name, 'firm-blocklist.csv');
      copyFileSync(BLOCKLIST, file);
      return file;
    };
    const [fileA, fileB] = [files('a'), files('b')];
    const env = { REMIT_LIST_SYNC_MS: '200', REMIT_SCREENING_SNAPSHOT: 'off' };
    const servers: ServerProcess[] = [];
    try {
      const a = await startServer({ db, config, env, lists: [`blocklist-csv:${fileA}`, SANCTIONS_FIXTURE] });
      servers.push(a);
      const b = await startServer({ db, config, env, lists: [`blocklist-csv:${fileB}`, SANCTIONS_FIXTURE] });
      servers.push(b);
      const [compliance, integration] = [await createKey(a, a.adminToken!, 'compliance'), await createKey(a, a.adminToken!, 'integration')];
      const blocklistId = ((await call(a, 'GET', '/ready')).json.screening.lists as { id: string; category: string }[]).find(
        (l) => l.category === 'blocklist',
      )!.id;

      await appendFile(fileA, NEW_ENTRY);
      const reload = await call(a, 'POST', '/v1/screening/lists:reload', compliance, { sources: [blocklistId] });
      expect(reload.status, JSON.stringify(reload.json)).toBe(200);
      await eventually(async () => (await call(b, 'GET', '/ready')).json.screening.status === 'stale');
      expect((await call(b, 'GET', '/ready')).json.screening.withheld).toMatchObject([
        { id: blocklistId, reason: 'stale', code: 'SCREENING_LIST_STALE' },
      ]);
      const held = await call(b, 'POST', '/v1/leads', integration, lead('Brackenbury', 'Ottoline'));
      expect(held.status).toBe(201);
      expect(held.json.status).toBe('HELD');
      expect((held.json.decision.reasons as { code: string }[]).map((r) => r.code)).toContain('SCREENING_LIST_STALE');

      copyFileSync(fileA, fileB); // the operator deploys the file to B
      await eventually(async () => (await call(b, 'GET', '/ready')).json.screening.status === 'ok');
      const listed = await call(b, 'POST', '/v1/leads', integration, lead('Quillfeather', 'Marguerite'));
      expect(listed.json.decision.constraints.screening.status).toBe('potential_match');
      const clear = await call(b, 'POST', '/v1/leads', integration, lead('Brackenbury', 'Ottoline'));
      expect(clear.json.decision.constraints.screening.status).toBe('clear');
    } finally {
      for (const s of servers) await s.kill('SIGTERM');
      await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
