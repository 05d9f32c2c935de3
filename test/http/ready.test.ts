import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cuttableProxy } from '../store/storage-faults.fixtures.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from '../store/store-harness.ts';
import { auth, startTestService, ukLead } from './service-harness.ts';

/**
 * W1: `GET /ready` says whether the store accepts writes, on both dialects: 503 STORE_UNAVAILABLE
 * with the reason code, never a green light over a lost store nor a 500 over a lost database.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type ErrorBody = { details?: { path: string; message: string }[] };
const reasonOf = (body: ErrorBody) => body.details?.find((d) => d.path === 'storage.reason')?.message;

describe('GET /ready and the store', () => {
  it('SQLite: green with the storage section; file deleted → 503 STORE_FILE_MISSING, and a lead is refused 503', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remit-ready-'));
    dirs.push(dir);
    const file = join(dir, 'remit.sqlite');
    const s = await startTestService({ url: `sqlite:${file}` });
    try {
      const green = await s.app.inject({ method: 'GET', url: '/ready' });
      expect(green.statusCode).toBe(200);
      expect(green.json()).toMatchObject({ status: 'ready', store: 'sqlite', storage: { status: 'ok' } });
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      const red = await s.app.inject({ method: 'GET', url: '/ready' });
      expect([red.statusCode, red.json().code, reasonOf(red.json())]).toEqual([503, 'STORE_UNAVAILABLE', 'STORE_FILE_MISSING']);
      const lead = await s.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(s.tokens.integration), payload: ukLead() });
      expect([lead.statusCode, lead.json().code]).toEqual([503, 'STORE_UNAVAILABLE']);
    } finally {
      await s.close();
    }
  });

  describe('PostgreSQL', async () => {
    const pg = await postgresOrSkip();
    if (pg.reason) it('PostgreSQL is required under CI', () => expect.fail(pg.reason));
    const schema = newSchemaName();
    afterAll(async () => {
      if (pg.run) await dropSchema(schema);
    });
    it.runIf(pg.run)('the database cut off → 503 STORE_UNREACHABLE within the bound, not 500', async () => {
      const proxy = await cuttableProxy(new URL(PG_URL));
      const url = new URL(proxy.url);
      url.searchParams.set('schema', schema);
      const s = await startTestService({ url: url.toString() });
      try {
        expect((await s.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
        await proxy.cut();
        const red = await s.app.inject({ method: 'GET', url: '/ready' });
        expect([red.statusCode, red.json().code, reasonOf(red.json())]).toEqual([503, 'STORE_UNAVAILABLE', 'STORE_UNREACHABLE']);
      } finally {
        await s.close();
      }
    });
  });
});
