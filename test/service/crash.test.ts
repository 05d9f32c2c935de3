import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from '../store/store-harness.ts';
import {
  bankVariant,
  checkStoreConsistency,
  createKey,
  pgUrlWithSchema,
  serviceLead,
  startServer,
  writeConfigFile,
  type ServerProcess,
} from './fixtures/service-fixtures.ts';

/**
 * Issue 3 §2 / "How it is checked": a REAL `remit serve` process ingesting leads is killed with
 * SIGKILL mid-stream (requests in flight); it is restarted on the same database; then every
 * acknowledged (201) lead must exist with the decision it was acknowledged with, nothing may be
 * half-written, and the round-robin ledger and rep loads must equal what the recorded ASSIGNED
 * decisions imply. Run on SQLite (a temp file) and on PostgreSQL (a fresh schema).
 */

const CONCURRENCY = 8;
/** SIGKILL once this many leads are acknowledged (with CONCURRENCY more in flight). */
const KILL_AFTER = 160;
/** Bound on the load loop, whatever happens. */
const MAX_POSTS = 2_000;
const LOOP_DEADLINE_MS = 20_000;
/** Every 20th lead repeats the person of an earlier one (a duplicate). */
const DUPLICATE_EVERY = 20;

interface Ack {
  readonly i: number;
  readonly leadId: string;
  readonly status: string;
  readonly repId: string | null;
  readonly decisionId: string | null;
  readonly duplicateOf: string | null;
}

const leadFor = (tag: string, i: number) => (i > 0 && i % DUPLICATE_EVERY === 0 ? serviceLead(tag, i - 7) : serviceLead(tag, i));

/** Posts leads with CONCURRENCY workers until `stopAt` acks (then calls onThreshold once) or the server goes away. */
async function postStream(
  server: ServerProcess,
  token: string,
  tag: string,
  opts: { stopAfterAcks: number; onThreshold?: () => void; firstIndex?: number },
) {
  const acks: Ack[] = [];
  let failures = 0;
  let next = opts.firstIndex ?? 0;
  let fired = false;
  let stop = false;
  const deadline = Date.now() + LOOP_DEADLINE_MS;
  const worker = async () => {
    while (!stop && next < MAX_POSTS && Date.now() < deadline) {
      const i = next++;
      try {
        const res = await fetch(`${server.base}/v1/leads`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(leadFor(tag, i)),
        });
        const body = (await res.json()) as {
          leadId: string;
          status: string;
          duplicateOf: string | null;
          decision: { decisionId: string; rep: { id: string } | null } | null;
        };
        if (res.status === 201) {
          acks.push({
            i,
            leadId: body.leadId,
            status: body.status,
            repId: body.decision?.rep?.id ?? null,
            decisionId: body.decision?.decisionId ?? null,
            duplicateOf: body.duplicateOf,
          });
        } else {
          throw new Error(`unexpected HTTP ${res.status}: ${JSON.stringify(body)}`);
        }
        if (!fired && acks.length >= opts.stopAfterAcks) {
          fired = true;
          if (opts.onThreshold) opts.onThreshold();
          else stop = true;
        }
      } catch (e) {
        // Once the server is killed, requests in flight fail: they were never acknowledged.
        if (!fired) throw e;
        failures++;
        stop = true;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { acks, failures, posted: next - (opts.firstIndex ?? 0) };
}

async function crashAndRecover(db: string, tag: string) {
  const config = writeConfigFile(await bankVariant({ version: `crash-${tag}` }));
  const first = await startServer({ db, config });
  expect(first.adminToken, first.output()).toMatch(/^remit_/);
  const token = await createKey(first, first.adminToken!, 'integration');

  // Phase 1: stream leads, SIGKILL the server at a random moment while requests are in flight.
  const killDelayMs = Math.floor(Math.random() * 25);
  const phase1 = await postStream(first, token, tag, {
    stopAfterAcks: KILL_AFTER,
    onThreshold: () => void setTimeout(() => void first.kill('SIGKILL'), killDelayMs),
  });
  const killed = await first.exited;
  expect(killed.signal).toBe('SIGKILL');
  expect(phase1.acks.length).toBeGreaterThanOrEqual(KILL_AFTER);

  // Phase 2: restart on the same database; the same key still works (no new bootstrap token); keep ingesting.
  const second = await startServer({ db, config });
  expect(second.adminToken, 'a restart must not create another admin key').toBeNull();
  const phase2 = await postStream(second, token, `${tag}b`, { stopAfterAcks: 40 });
  // Acknowledged originals are still open: the same people again are linked to them as duplicates.
  const originals = phase1.acks.filter((a) => a.status === 'ASSIGNED' && a.i % DUPLICATE_EVERY !== 0).slice(0, 5);
  for (const a of originals) {
    const res = await fetch(`${second.base}/v1/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(serviceLead(tag, a.i)),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'DUPLICATE', duplicateOf: a.leadId });
  }
  // Graceful stop: SIGTERM finishes in-flight work and exits 0.
  const stopped = await second.kill('SIGTERM');
  expect(stopped.code, second.output()).toBe(0);

  // The database on its own (no server running) must tell one consistent story.
  const store = await openStore({ url: db });
  try {
    const report = await checkStoreConsistency(store);
    expect(report.problems).toEqual([]);
    const acks = [...phase1.acks, ...phase2.acks];
    for (const a of acks) {
      const lead = await store.leads.get(a.leadId);
      expect(lead, `acknowledged lead ${a.leadId}`).toBeDefined();
      expect(lead!.status, `${a.leadId}: stored ${lead!.status}, acknowledged ${a.status}`).toBe(a.status);
      expect(lead!.repId).toBe(a.repId);
      if (a.status === 'DUPLICATE') {
        expect(lead!.duplicateOf).toBe(a.duplicateOf);
      } else {
        const decisions = await store.decisions.listForLead(a.leadId);
        expect(decisions.map((d) => d.decisionId)).toEqual([a.decisionId]);
      }
      const pd = await store.personalData.get(a.leadId);
      expect(pd?.rawJson, `raw payload of ${a.leadId}`).toContain('@example.org');
    }
    // Leads committed but never acknowledged (in flight at the kill) are allowed, but must be complete (checked above).
    const ackedIds = new Set(acks.map((a) => a.leadId));
    const unacknowledged = (await store.leads.list()).filter((l) => !ackedIds.has(l.id)).length - originals.length;
    expect(unacknowledged).toBeGreaterThanOrEqual(0);
    expect(unacknowledged).toBeLessThanOrEqual(CONCURRENCY);
    expect(report.assigned).toBeGreaterThan(50);
    expect(report.byOutcome.DUPLICATE ?? 0).toBeGreaterThan(0);
    return {
      killDelayMs,
      acknowledged: acks.length,
      inFlightAtKill: phase1.failures,
      committedUnacknowledged: unacknowledged,
      byOutcome: report.byOutcome,
    };
  } finally {
    await store.close();
  }
}

describe('SIGKILL mid-stream, restart, nothing acknowledged is lost and nothing is half-written', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'remit-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SQLite (a file)', { timeout: 60_000 }, async () => {
    const summary = await crashAndRecover(`sqlite:${join(dir, 'remit.sqlite')}`, 'sq');
    console.info('crash test (sqlite):', JSON.stringify(summary));
  });
});

const pg = await postgresOrSkip();
describe('SIGKILL mid-stream on PostgreSQL', () => {
  if (pg.run) {
    it('PostgreSQL (a fresh schema)', { timeout: 60_000 }, async () => {
      const schema = newSchemaName();
      try {
        const summary = await crashAndRecover(pgUrlWithSchema(PG_URL, schema), 'pg');
        console.info('crash test (postgres):', JSON.stringify(summary));
      } finally {
        await dropSchema(schema);
      }
    });
  } else if (pg.reason) {
    it('PostgreSQL is reachable', () => {
      throw new Error(pg.reason);
    });
  } else {
    it.skip('PostgreSQL unreachable: crash test skipped (see the warning above)', () => {});
  }
});
