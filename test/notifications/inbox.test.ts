import { afterEach, describe, expect, it } from 'vitest';
import { NotificationWorker } from '../../src/app/notifications/notification-worker.ts';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { auth } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { ingestLead } from './ingest-lead.ts';

/**
 * The console inbox over HTTP, on SQLite and PostgreSQL: every person with an account gets inbox messages unless they
 * turn the inbox off; GET /v1/me/inbox lists only one's own, newest first, with the unread count and keyset pages;
 * only the owner marks them read (404 for anyone else).
 */
let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

interface InboxBody {
  items: { id: string; eventType: string; leadId: string; title: string; text: string; link: string; readAt: string | null }[];
  unread: number;
  nextCursor: string | null;
}

const PEOPLE = [
  { firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@example.co.uk', phone: '+44 20 7946 0018' },
  { firstName: 'Bo', lastName: 'Ng', email: 'bo.ng@example.co.uk', phone: '+44 20 7946 0999' },
  { firstName: 'Cy', lastName: 'Orr', email: 'cy.orr@example.co.uk', phone: '+44 20 7946 0777' },
];

/** Round robin spreads leads over the team: ingests fresh prospects until one is assigned to amelia-hughes. */
let seq = 0;
async function ingestUntilAmelia(svc: AuditService, tag: string): Promise<string> {
  for (let n = 0; n < 8; n++) {
    seq++;
    const person = {
      firstName: `Pat${tag}${'abcdefgh'[n]}`,
      lastName: 'Doe',
      email: `pat.${seq}@example.co.uk`,
      phone: `+44 20 7946 0${100 + seq}`,
    };
    const lead = await ingestLead(svc, person);
    if (lead.decision?.rep?.id === 'amelia-hughes') return lead.leadId;
  }
  throw new Error('no lead went to amelia-hughes');
}

const dialects = await bothDialects();

describe.each(dialects)('console inbox: $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);

  it('lists my own messages newest first with the unread count; pages; read one, read all; nobody else’s', async () => {
    s = await startAuditService(factory, { notify: ['inbox'] });
    const svc = s;
    const get = (token: string, query = '') => svc.app.inject({ method: 'GET', url: `/v1/me/inbox${query}`, headers: auth(token) });
    const post = (token: string, url: string) => svc.app.inject({ method: 'POST', url, headers: auth(token) });
    const leads: string[] = [];
    leads.push(await ingestUntilAmelia(svc, 'a'), await ingestUntilAmelia(svc, 'z'));
    expect(leads).toHaveLength(2);
    // "Sent" at once by the worker: the row is the message.
    expect(await new NotificationWorker(svc.ctx, null, { consoleUrl: '' }).tick()).toBeGreaterThan(0);

    const mine = await get(svc.tokens.rep);
    expect(mine.statusCode, mine.body).toBe(200);
    const page = mine.json() as InboxBody;
    expect(page.unread).toBe(leads.length);
    expect(page.items.map((i) => i.leadId)).toEqual([...leads].reverse());
    expect(page.items[0]).toMatchObject({
      eventType: 'lead.assigned',
      title: `New lead assigned to you: ${leads.at(-1)}`,
      link: `/leads/${leads.at(-1)}`,
      readAt: null,
    });
    expect(mine.body).not.toMatch(/Pat|Doe|example\.co\.uk/);
    expect(((await get(svc.tokens.ops)).json() as InboxBody).items.every((i) => i.eventType !== 'lead.assigned')).toBe(true);

    const first = (await get(svc.tokens.rep, '?limit=1')).json() as InboxBody;
    expect(first.items.map((i) => i.leadId)).toEqual([leads[1]]);
    const second = (await get(svc.tokens.rep, `?limit=1&cursor=${first.nextCursor}`)).json() as InboxBody;
    expect(second.items.map((i) => i.leadId)).toEqual([leads[0]]);
    expect(second.nextCursor).toBeNull();
    const someone = page.items[0]!.id;
    expect((await get(svc.tokens.ops, `?cursor=${someone}`)).statusCode).toBe(400);
    expect((await post(svc.tokens.ops, `/v1/me/inbox/${someone}/read`)).statusCode).toBe(404);
    expect((await post(svc.tokens.rep, '/v1/me/inbox/ntf-nope/read')).statusCode).toBe(404);
    const read = await post(svc.tokens.rep, `/v1/me/inbox/${someone}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual({ id: someone, unread: leads.length - 1 });
    const after = (await get(svc.tokens.rep)).json() as InboxBody;
    expect(after.items.find((i) => i.id === someone)!.readAt).not.toBeNull();
    const all = await post(svc.tokens.rep, '/v1/me/inbox/read-all');
    expect(all.json()).toEqual({ marked: leads.length - 1, unread: 0 });
    expect(((await get(svc.tokens.rep)).json() as InboxBody).unread).toBe(0);
  });

  it('a person who turns the inbox (or one event) off gets no inbox rows; e-mail switches stay as they were', async () => {
    s = await startAuditService(factory, { notify: ['inbox'] });
    const svc = s;
    const put = await svc.app.inject({
      method: 'PUT',
      url: '/v1/me/notifications',
      headers: auth(svc.tokens.rep),
      payload: { email: { assignment: false }, inbox: { enabled: false } },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await svc.app.inject({ method: 'GET', url: '/v1/me/notifications', headers: auth(svc.tokens.rep) })).json()).toEqual({
      email: { assignment: false },
      inbox: { enabled: false },
    });
    expect((await ingestLead(svc, PEOPLE[0]!)).decision.rep?.id).toBe('amelia-hughes');
    expect(await svc.h.store.notifications.list({ limit: 10 })).toEqual([]);
    // Control: with the inbox on again (assignments only off), still nothing; with everything on, one row.
    await svc.app.inject({
      method: 'PUT',
      url: '/v1/me/notifications',
      headers: auth(svc.tokens.rep),
      payload: { inbox: { assignment: false } },
    });
    await ingestUntilAmelia(svc, 'b');
    const rows = await svc.h.store.notifications.list({ limit: 10 });
    expect(rows.filter((r) => r.channel === 'inbox')).toHaveLength(0);
    await svc.app.inject({ method: 'PUT', url: '/v1/me/notifications', headers: auth(svc.tokens.rep), payload: {} });
    await ingestUntilAmelia(svc, 'c');
    expect((await svc.h.store.notifications.list({ limit: 10 })).filter((r) => r.channel === 'inbox')).toHaveLength(1);
  });
});
