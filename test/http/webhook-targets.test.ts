import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDispatcher } from '../../src/app/webhooks/webhook-dispatcher.ts';
import { WebhookTargetPolicy } from '../../src/app/webhooks/webhook-target-policy.ts';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

/** W15: webhook targets may not reach loopback, private, link-local or metadata addresses unless allowed. */

/** A receiver on 127.0.0.1 that counts posts and answers `status` (with a Location when redirecting). */
class Receiver {
  hits = 0;
  status = 204;
  location = '';
  private server: Server | null = null;
  port = 0;
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.hits += 1;
        res.writeHead(this.status, this.location ? { location: this.location } : {}).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const open: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.stop();
});
const started = async (opts: Parameters<typeof startTestService>[0]) => {
  const s = await startTestService(opts);
  open.push({ stop: () => s.close() });
  return s;
};
const receiver = async () => {
  const rx = await new Receiver().start();
  open.push(rx);
  return rx;
};
const subscribe = (s: TestService, url: string, token = s.tokens.admin) =>
  s.app.inject({ method: 'POST', url: '/v1/webhooks', payload: { url, events: ['*'] }, headers: auth(token) });
const postLead = (s: TestService, tag: string) =>
  s.app.inject({
    method: 'POST',
    url: '/v1/leads',
    payload: ukLead({ person: { firstName: 'Web', lastName: tag, email: `${tag}@example.org` } }),
    headers: auth(s.tokens.integration),
  });

/** A DNS stand-in: each name answers what the test says now. */
const fakeDns =
  (answers: Record<string, string>) =>
  async (host: string): Promise<LookupAddress[]> => {
    const address = answers[host];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };

describe('webhook target policy', () => {
  const policy = new WebhookTargetPolicy();
  it.each([
    'http://127.0.0.1/x',
    'http://127.9.9.9/x',
    'http://10.1.2.3/x',
    'http://172.16.0.1/x',
    'http://172.31.255.255/x',
    'http://192.168.1.1/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.100.100.200/x',
    'http://0.0.0.0/x',
    'http://[::]/x',
    'http://[::1]/x',
    'http://[fe80::1]/x',
    'http://[fc00::1]/x',
    'http://[fd00:ec2::254]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://[::ffff:a9fe:a9fe]/x',
  ])('refuses %s', async (url) => {
    expect(await policy.refusal(url)).toMatch(/address/);
    expect(policy.literalRefusal(url)).toMatch(/not an allowed address/);
  });

  it.each(['http://93.184.216.34/x', 'https://[2606:4700::1111]/x', 'http://172.32.0.1/x', 'http://11.0.0.1/x'])(
    'accepts the public address %s',
    async (url) => {
      expect(await policy.refusal(url)).toBeNull();
    },
  );

  it('resolves names: one private address refuses the name; the allow-list takes hosts, addresses and CIDRs', async () => {
    const dns = fakeDns({ 'hooks.example.com': '93.184.216.34', 'internal.example.com': '10.0.0.7', 'localhost.example': '127.0.0.1' });
    expect(await new WebhookTargetPolicy([], dns).refusal('https://hooks.example.com/x')).toBeNull();
    expect(await new WebhookTargetPolicy([], dns).refusal('https://internal.example.com/x')).toMatch(/resolves to 10\.0\.0\.7/);
    expect(await new WebhookTargetPolicy(['internal.example.com'], dns).refusal('https://internal.example.com/x')).toBeNull();
    expect(await new WebhookTargetPolicy(['10.0.0.0/8'], dns).refusal('https://internal.example.com/x')).toBeNull();
    expect(await new WebhookTargetPolicy(['10.0.0.8'], dns).refusal('https://internal.example.com/x')).toMatch(/10\.0\.0\.7/);
    expect(await new WebhookTargetPolicy(['127.0.0.1'], dns).refusal('http://127.0.0.1:9/x')).toBeNull();
  });
});

describe('POST /v1/webhooks and delivery', () => {
  it('refuses a metadata, loopback or private URL (400 at /body/url) and stores nothing', async () => {
    const s = await started({ webhookTargets: new WebhookTargetPolicy([], fakeDns({ 'localhost.example': '127.0.0.1' })) });
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:8080/',
      'http://[::1]/',
      'http://10.0.0.1/',
      'http://localhost.example/hook',
    ]) {
      const res = await subscribe(s, url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ARGUMENT_INVALID', details: [{ path: '/body/url' }] });
    }
    expect(await s.store.outbox.listSubscriptions()).toEqual([]);
  });

  it('checks again at delivery, on the DNS answer of that moment (rebinding), and connects only to the checked address', async () => {
    const rx = await receiver();
    const answers: Record<string, string> = { 'rebind.example': '93.184.216.34' };
    const s = await started({ webhookTargets: new WebhookTargetPolicy([], fakeDns(answers)) });
    expect((await subscribe(s, `http://rebind.example:${rx.port}/hook`)).statusCode).toBe(201);
    answers['rebind.example'] = '127.0.0.1';
    await postLead(s, 'rebind');
    const details: string[] = [];
    const dispatcher = new WebhookDispatcher(s.ctx, { baseDelayMs: 1_000, onFailure: (d) => details.push(d.error) });
    expect(await dispatcher.tick()).toBe(1);
    expect(rx.hits).toBe(0);
    const [d] = await s.store.outbox.listDeliveries({ limit: 10 });
    expect(d!.lastError).toBe('attempt 1: target address not allowed (see --webhook-allow)');
    expect(details[0]).toMatch(/rebind\.example resolves to an address that is not allowed/);

    // Allowed by name, the same delivery goes through, to the address the policy's lookup gave
    // (rebind.example exists only in the fake DNS, so the socket cannot have used another).
    const allowed = await started({ webhookTargets: new WebhookTargetPolicy(['rebind.example'], fakeDns(answers)) });
    expect((await subscribe(allowed, `http://rebind.example:${rx.port}/hook`)).statusCode).toBe(201);
    await postLead(allowed, 'rebind-allowed');
    expect(await new WebhookDispatcher(allowed.ctx).tick()).toBe(1);
    expect(rx.hits).toBe(1);
  });

  it('does not follow redirects, and lastError does not tell a closed port from another failure', async () => {
    const rx = await receiver();
    const target = await receiver();
    rx.status = 307;
    rx.location = `http://127.0.0.1:${target.port}/elsewhere`;
    const s = await started({ webhookAllow: ['127.0.0.1'] });
    expect((await subscribe(s, `http://127.0.0.1:${rx.port}/hook`)).statusCode).toBe(201);
    await postLead(s, 'redirect');
    expect(await new WebhookDispatcher(s.ctx, { baseDelayMs: 1_000 }).tick()).toBe(1);
    expect(rx.hits).toBe(1);
    expect(target.hits).toBe(0);
    expect((await s.store.outbox.listDeliveries({ limit: 10 }))[0]!.lastError).toBe('attempt 1: HTTP 307');

    const closed = await receiver();
    await closed.stop();
    const t = await started({ webhookAllow: ['127.0.0.1'] });
    expect((await subscribe(t, `http://127.0.0.1:${closed.port}/hook`)).statusCode).toBe(201);
    await postLead(t, 'closed');
    const details: string[] = [];
    expect(await new WebhookDispatcher(t.ctx, { baseDelayMs: 1_000, onFailure: (d) => details.push(d.error) }).tick()).toBe(1);
    expect((await t.store.outbox.listDeliveries({ limit: 10 }))[0]!.lastError).toBe(
      'attempt 1: no HTTP answer (connection failed or timed out)',
    );
    expect(details[0]).toMatch(/ECONNREFUSED/);
  });
});

describe('DELETE /v1/webhooks/:id', () => {
  it('removes a subscription (admin only, audited): nothing more is queued or sent to it', async () => {
    const rx = await receiver();
    const s = await started({ webhookAllow: ['127.0.0.1'] });
    const sub = (await subscribe(s, `http://127.0.0.1:${rx.port}/hook`)).json().subscription;
    const del = (token: string, id = sub.id) => s.app.inject({ method: 'DELETE', url: `/v1/webhooks/${id}`, headers: auth(token) });
    expect((await del(s.tokens.ops)).statusCode).toBe(403);
    const auditBefore = await s.store.audit.pendingCount();
    const removed = await del(s.tokens.admin);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().subscription).toMatchObject({ id: sub.id, active: false });
    expect(removed.json().subscription.secret).toBeUndefined();
    expect(await s.store.audit.pendingCount()).toBe(auditBefore + 1);
    const last = (await s.store.audit.pending(1_000)).at(-1)!;
    expect(last.event).toMatchObject({ kind: 'access', subject: `webhook:${sub.id}`, payload: { action: 'webhook.removed', id: sub.id } });
    expect((await del(s.tokens.admin)).statusCode).toBe(404);
    expect((await del(s.tokens.admin, 'whk_nope')).statusCode).toBe(404);
    await postLead(s, 'after-removal');
    expect(await s.store.outbox.listDeliveries({ limit: 10 })).toEqual([]);
    expect(await new WebhookDispatcher(s.ctx).tick()).toBe(0);
    expect(rx.hits).toBe(0);
  });
});
