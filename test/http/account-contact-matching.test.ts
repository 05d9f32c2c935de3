import { afterEach, describe, expect, it } from 'vitest';
import { startAuditService, type AuditService } from '../audit/audit-service-fixture.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { auth, ukLead } from './service-harness.ts';

/**
 * Existing-contact and account matching over HTTP (docs/intake.md "Existing contacts", "Account hierarchies"), on
 * SQLite and PostgreSQL: the example org's GB savings rule starts with contact-owner, then account-owner.
 */

type Rule = { id: string; then: { strategy: { kind: string }[] } };
type Ingested = {
  leadId: string;
  status: string;
  account: { id: string; matchedBy: string; score: number } | null;
  decision: { decisionId: string; rep: { id: string } | null; strategy: { chain: { kind: string; result: string; note: string }[] } };
};

function withContactOwner(config: Record<string, unknown>): Record<string, unknown> {
  const rule = (config.rules as Rule[]).find((r) => r.id === 'uk-everyday-banking')!;
  rule.then.strategy = [{ kind: 'contact-owner' }, ...rule.then.strategy];
  return config;
}

let s: AuditService | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const dialects = await bothDialects();

describe.each(dialects)('account and contact matching over HTTP: $factory.name', ({ factory, run: enabled, reason }) => {
  if (!enabled) return declareUnreachable(reason);
  const post = (url: string, body: unknown, token: string) =>
    s!.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
  const ingest = async (person: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await post(
      '/v1/leads',
      ukLead({ person: { firstName: 'Jo', lastName: 'Match', ...person }, ...extra }),
      s!.tokens.integration,
    );
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Ingested;
  };

  it('a subsidiary without an owner routes to its nearest owned ancestor; unknown parents and loops are refused', async () => {
    s = await startAuditService(factory, { configure: withContactOwner });
    const imported = await post(
      '/v1/accounts:import',
      {
        accounts: [
          { id: 'grp', name: 'Globex Group', domains: ['globex.com'], ownerRep: 'oliver-bennett' },
          { id: 'emea', name: 'Globex EMEA', ownerRep: 'priya-shah', parentId: 'grp' },
          { id: 'uk', name: 'Globex UK', domains: ['globex.co.uk'], parentId: 'emea' },
        ],
      },
      s.tokens.ops,
    );
    expect(imported.statusCode, imported.body).toBe(200);
    const lead = await ingest({ email: 'jo@globex.co.uk' });
    expect(lead.account).toEqual({ id: 'uk', matchedBy: 'domain', score: 1 });
    expect(lead.decision.rep?.id).toBe('priya-shah');
    expect(lead.decision.strategy.chain.find((c) => c.kind === 'account-owner')).toMatchObject({
      result: 'picked',
      note: 'account owner priya-shah (owner of parent account emea) is eligible',
    });
    const stored = JSON.parse((await s.h.store.leads.get(lead.leadId))!.leadJson);
    expect(stored.account).toMatchObject({ id: 'uk', ownerRep: 'priya-shah', ownerFrom: 'emea', matchedBy: 'domain', matchScore: 1 });

    const before = await s.h.store.accounts.list();
    const bad = await post(
      '/v1/accounts:import',
      {
        accounts: [
          { id: 'a', name: 'A', parentId: 'nope' },
          { id: 'grp', name: 'Globex Group', parentId: 'uk' },
        ],
      },
      s.tokens.ops,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({
      code: 'ACCOUNTS_INVALID',
      details: [
        { path: '/body/accounts/0/parentId', message: 'unknown parent account "nope"' },
        { path: '/body/accounts/1/parentId', message: 'parent "uk" leads back to "grp": accounts may not form a loop' },
      ],
    });
    expect(await s.h.store.accounts.list()).toEqual(before);
  });

  it("a returning person (same email, earlier lead closed) goes back to the earlier lead's rep; the match is in the decision", async () => {
    s = await startAuditService(factory, { configure: withContactOwner });
    const first = await ingest({ email: 'Returning.Person@example.co.uk' });
    const earlierRep = first.decision.rep!.id;
    expect(first.decision.strategy.chain[0]).toMatchObject({
      kind: 'contact-owner',
      result: 'passed',
      note: 'no earlier lead of this person',
    });
    // The earlier lead is closed (lost): the person is not a duplicate any more, but a known contact.
    const row = (await s.h.store.leads.get(first.leadId))!;
    await s.h.store.leads.update(first.leadId, {
      status: 'CLOSED',
      teamId: row.teamId,
      repId: row.repId,
      orgHash: row.orgHash,
      updatedAt: new Date(s.clock.now()).toISOString(),
    });
    // Rotation would now pick someone else; the contact owner step keeps the relationship.
    const again = await ingest({ email: 'returning.person@EXAMPLE.co.uk', phone: '+44 20 7946 0999' });
    expect(again.status).toBe('ASSIGNED');
    expect(again.decision.rep?.id).toBe(earlierRep);
    expect(again.decision.strategy.chain[0]).toMatchObject({
      kind: 'contact-owner',
      result: 'picked',
      note: `existing contact owner ${earlierRep} (email match, score 1, lead ${first.leadId}) is eligible`,
    });
    expect(JSON.parse((await s.h.store.leads.get(again.leadId))!.leadJson).contact).toEqual({
      leadId: first.leadId,
      matchedBy: 'email',
      score: 1,
      ownerRep: earlierRep,
    });
  });
});
