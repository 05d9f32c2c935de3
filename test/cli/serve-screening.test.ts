import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bankVariant, createKey, REPO, startServer, writeConfigFile, type ServerProcess } from '../service/fixtures/service-fixtures.ts';

/**
 * Issue 11, "no list, no clear": a real `remit serve` warns on stderr when no sanctions list is
 * loaded, and the quick start (the example config, no flags) loads the shipped OFAC, UN and PEP
 * lists from examples/bank/screening/lists.yaml, so a first lead is really screened.
 */

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.kill('SIGTERM');
  server = undefined;
});

const db = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'remit-serve-screening-')), 'remit.sqlite')}`;

describe('remit serve and its screening lists', () => {
  it('warns at start when no sanctions list is loaded, and /ready says so while staying ready', async () => {
    const config = writeConfigFile(await bankVariant({ version: 'no-lists' }));
    server = await startServer({ db: db(), config, lists: [] });
    expect(server.output()).toMatch(/WARNING: no sanctions list is loaded/);
    const ready = (await (await fetch(`${server.base}/ready`)).json()) as unknown;
    expect(ready).toMatchObject({ status: 'ready', screening: { status: 'no_sanctions_list', lists: [] } });
  });

  it('the example config loads the shipped OFAC, UN, PEP and blocklist sources; a listed name is HELD', async () => {
    // Loading ~11,000 real entries takes seconds; more on a busy CI machine.
    server = await startServer({ db: db(), config: join(REPO, 'examples', 'bank'), lists: [], timeoutMs: 120_000 });
    expect(server.output()).not.toMatch(/WARNING/);
    const ready = (await (await fetch(`${server.base}/ready`)).json()) as {
      screening: { status: string; lists: { id: string; category: string; entryCount: number }[] };
    };
    expect(ready.screening.status).toBe('ok');
    expect(ready.screening.lists.map((l) => [l.id, l.category, l.entryCount])).toEqual([
      ['ofac-sdn', 'sanctions', 8976],
      ['un-sc', 'sanctions', 1003],
      ['us-congress-pep', 'pep', 1319],
      ['blocklist', 'blocklist', 4],
    ]);
    const token = await createKey(server, server.adminToken!, 'integration');
    const lead = {
      source: 'web_form',
      product: 'uk-stocks-shares-isa',
      person: { firstName: 'Ayman', lastName: 'Al Zawahiri', email: 'a.zawahiri@example.co.uk', dateOfBirth: '1951-06-19' },
      address: { country: 'GB', postalCode: 'SW1A 1AA' },
    };
    const res = await fetch(`${server.base}/v1/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(lead),
    });
    const body = (await res.json()) as {
      status: string;
      decision: { reasons: { code: string }[]; constraints: { screening: { status: string; tags: string[] } } };
    };
    expect(body.status).toBe('HELD');
    expect(body.decision.constraints.screening.status).toBe('potential_match');
    expect(body.decision.constraints.screening.tags).toContain('ofac-sdn');
  }, 180_000);
});
