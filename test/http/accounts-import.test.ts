import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestService, type TestService } from './service-harness.ts';

/** Finding W14 (docs/intake.md): an account owner must be a rep of the org in force, as the CSV import already required. */

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
});
afterAll(async () => s.close());

const importAccounts = (accounts: unknown[]) =>
  s.app.inject({ method: 'POST', url: '/v1/accounts:import', payload: { accounts }, headers: auth(s.tokens.ops) });

describe('POST /v1/accounts:import — owners', () => {
  it('refuses an owner that is not a rep of the org in force with 422, naming the item, and imports nothing', async () => {
    const rep = [...s.ctx.orgs.current.repsById.keys()][0]!;
    const before = await s.store.accounts.list();
    const auditBefore = await s.store.audit.pendingCount();
    const res = await importAccounts([
      { id: 'acc-good', name: 'Good Ltd', domains: ['good.co.uk'], ownerRep: rep },
      { id: 'acc-1', name: 'Acme', domains: ['acme.com'], ownerRep: 'nobody' },
      { id: 'acc-2', name: 'Initech', ownerRep: null },
      { id: 'acc-3', name: 'Umbrella', ownerRep: 'ghost' },
    ]);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'ACCOUNTS_INVALID',
      details: [
        { path: '/body/accounts/1/ownerRep', message: expect.stringContaining('"nobody"') },
        { path: '/body/accounts/3/ownerRep', message: expect.stringContaining('"ghost"') },
      ],
    });
    expect(res.json().details).toHaveLength(2);
    expect(await s.store.accounts.list()).toEqual(before);
    expect(await s.store.audit.pendingCount()).toBe(auditBefore);
  });

  it('imports accounts whose owners are reps of the org, or that have no owner', async () => {
    const rep = [...s.ctx.orgs.current.repsById.keys()][1]!;
    const res = await importAccounts([
      { id: 'acc-ok', name: 'Okay Ltd', ownerRep: rep },
      { id: 'acc-none', name: 'Nobody Owns Ltd' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ imported: 2 });
    expect((await s.store.accounts.list()).map((a) => [a.id, a.ownerRep])).toEqual(
      expect.arrayContaining([
        ['acc-ok', rep],
        ['acc-none', null],
      ]),
    );
  });
});
