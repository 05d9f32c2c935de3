import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import { auth, startTestService, type TestService } from '../http/service-harness.ts';
import { dropSchema, newSchemaName, PG_URL, postgresOrSkip } from '../store/store-harness.ts';
import { bankVariant, serviceLead, writeConfigFile } from './fixtures/service-fixtures.ts';

/**
 * Issue 18: an instance keeps people, notification preferences, webhook subscriptions and the org version in force in
 * memory, and the API key lookup with its person (src/store/sql/table-generations.ts). Two services on one database
 * stand for two `remit serve` instances: whatever is changed through B, the next lead A takes in is handled with it
 * (SQLite file and PostgreSQL schema).
 */
const pg = await postgresOrSkip();
const TARGETS = [
  { name: 'sqlite', run: true },
  { name: 'postgres', run: pg.run },
] as const;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function twoInstances(name: 'sqlite' | 'postgres', org: CompiledOrg): Promise<{ a: TestService; b: TestService }> {
  let target: { url: string; schema?: string };
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'remit-cache-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    target = { url: `sqlite:${join(dir, 'remit.sqlite')}` };
  } else {
    const schema = newSchemaName();
    cleanups.push(() => dropSchema(schema));
    target = { url: PG_URL, schema };
  }
  const a = await startTestService({ org, followers: true, ...target });
  cleanups.push(() => a.close());
  const b = await startTestService({ org, followers: true, idStart: 1_000_000, ...target });
  cleanups.push(() => b.close());
  return { a, b };
}

let posted = 0;
async function postLead(svc: TestService): Promise<{ leadId: string; repId: string; orgHash: string }> {
  const res = await svc.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: auth(svc.tokens.integration),
    payload: serviceLead('cache', posted++),
  });
  expect(res.statusCode).toBe(201);
  const body = res.json() as { leadId: string; decision: { rep: { id: string } | null; ruleSet: { hash: string } } };
  expect(body.decision.rep).not.toBeNull();
  return { leadId: body.leadId, repId: body.decision.rep!.id, orgHash: body.decision.ruleSet.hash };
}

/** The inbox notifications A planned for the lead's `lead.assigned` event, to the people this test made (`usr_<rep>`). */
async function inboxFor(svc: TestService, leadId: string): Promise<string[]> {
  const rows = await svc.store.notifications.list({ limit: 1000 });
  return rows
    .filter((n) => n.channel === 'inbox' && n.eventType === 'lead.assigned' && JSON.parse(n.payloadJson).data.leadId === leadId)
    .map((n) => n.recipient)
    .filter((r) => r.startsWith('usr_'));
}

async function deliveriesFor(svc: TestService, leadId: string): Promise<string[]> {
  const rows = await svc.store.outbox.listDeliveries({ limit: 1000 });
  return rows.filter((d) => JSON.parse(d.payloadJson).data.leadId === leadId).map((d) => d.subscriptionId);
}

describe.each(TARGETS)('cached tables across two instances: $name', ({ name, run }) => {
  if (!run) {
    it.skip('PostgreSQL unreachable', () => {});
    return;
  }
  it("a person, their preferences, a webhook subscription and an org version changed through B are used by A's next lead", async () => {
    const loaded = await loadConfig(writeConfigFile(await bankVariant({ version: 'cache-a', caps: 'none' })));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const org = loaded.value.org;
    const { a, b } = await twoInstances(name, org);
    posted = 0;
    const at = new Date(a.clock.ms).toISOString();

    // The harness's rep keys' people stop standing for a rep: each rep's person is then the one this test makes.
    for (const u of await b.store.users.list()) if (u.repId !== null) await b.store.users.update(u.id, u.version, { repId: null }, at);
    // A routes with everything read (and kept in memory).
    const first = await postLead(a);
    expect(first.orgHash).toBe(org.hash);
    expect(await inboxFor(a, first.leadId)).toEqual([]);
    expect(await deliveriesFor(a, first.leadId)).toEqual([]);

    // Through B: a person for every rep, a subscription to everything.
    for (const rep of org.config.reps)
      await b.store.users.create({
        id: `usr_${rep.id}`,
        name: rep.id,
        email: null,
        status: 'active',
        roles: ['rep'],
        repId: rep.id,
        createdAt: at,
        createdBy: 'test',
      });
    await b.store.outbox.upsertSubscription({
      id: 'sub_all',
      url: 'https://hooks.example/all',
      secret: 'whsec_0123456789abcdef',
      events: ['*'],
      active: true,
      createdAt: at,
    });
    const second = await postLead(a);
    expect(await inboxFor(a, second.leadId)).toEqual([`usr_${second.repId}`]);
    expect(await deliveriesFor(a, second.leadId)).toEqual(['sub_all']);

    // Through B: the inbox switched off for assignments, the subscription paused, a new org version in force.
    for (const rep of org.config.reps) await b.store.notifications.setPreferences(`usr_${rep.id}`, '{"inbox":{"assignment":false}}', at);
    await b.store.outbox.upsertSubscription({
      id: 'sub_all',
      url: 'https://hooks.example/all',
      secret: 'whsec_0123456789abcdef',
      events: ['*'],
      active: false,
      createdAt: at,
    });
    const published = await b.ctx.orgs.publish({ ...org.config, version: 'cache-b' }, 'test');
    if (!published.ok) throw new Error(JSON.stringify(published.error));
    const third = await postLead(a);
    expect(third.orgHash).toBe(published.value.org.hash);
    expect(await inboxFor(a, third.leadId)).toEqual([]);
    expect(await deliveriesFor(a, third.leadId)).toEqual([]);

    // Through B: the preferences back on, but the people have left.
    for (const rep of org.config.reps) await b.store.notifications.setPreferences(`usr_${rep.id}`, '{}', at);
    const fourth = await postLead(a);
    expect(await inboxFor(a, fourth.leadId)).toEqual([`usr_${fourth.repId}`]);
    for (const rep of org.config.reps) {
      const user = (await b.store.users.get(`usr_${rep.id}`))!;
      expect(await b.store.users.update(user.id, user.version, { status: 'left' }, at)).not.toBe('conflict');
    }
    const fifth = await postLead(a);
    expect(await inboxFor(a, fifth.leadId)).toEqual([]);
  });
  it("a key revoked, its person suspended, gone or without the key's role through B: A refuses it at its next request", async () => {
    const loaded = await loadConfig(writeConfigFile(await bankVariant({ version: 'keys-a', caps: 'none' })));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const { a, b } = await twoInstances(name, loaded.value.org);
    posted = 0;
    const admin = auth(b.tokens.admin);
    const intake = (token: string) =>
      a.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(token), payload: serviceLead('keys', posted++) });
    const newKey = async () => {
      const res = await b.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: admin,
        payload: { name: `key ${posted}`, role: 'integration' },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json() as { key: { id: string; userId: string }; token: string };
      // A accepts a key made through B at once, and keeps it in memory before B changes anything.
      expect((await intake(body.token)).statusCode).toBe(201);
      expect((await intake(body.token)).statusCode).toBe(201);
      return body;
    };
    const patchPerson = async (userId: string, patch: Record<string, unknown>) => {
      const { version } = (await b.app.inject({ method: 'GET', url: `/v1/users/${userId}`, headers: admin })).json() as { version: number };
      const res = await b.app.inject({ method: 'PATCH', url: `/v1/users/${userId}`, headers: admin, payload: { version, ...patch } });
      expect(res.statusCode).toBe(200);
    };

    const revoked = await newKey();
    expect((await b.app.inject({ method: 'DELETE', url: `/v1/keys/${revoked.key.id}`, headers: admin })).statusCode).toBe(204);
    expect((await intake(revoked.token)).statusCode).toBe(401);

    const suspended = await newKey();
    await patchPerson(suspended.key.userId, { status: 'suspended', reason: 'test' });
    expect((await intake(suspended.token)).statusCode).toBe(401);

    const gone = await newKey();
    await patchPerson(gone.key.userId, { status: 'left', reason: 'test' });
    expect((await intake(gone.token)).statusCode).toBe(401);

    const otherRole = await newKey();
    await patchPerson(otherRole.key.userId, { roles: ['ops'], reason: 'test' });
    expect((await intake(otherRole.token)).statusCode).toBe(401);
  });
});
