import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateDraft } from '../../src/app/routing/simulate.use-case.ts';
import { compileConfigObject } from '../../src/config/load-config.ts';
import type { CompiledOrg } from '../../src/domain/org/compiled-org.ts';
import type { OrgConfig } from '../../src/domain/org/org-config.schema.ts';
import { auth, startTestService, ukLead, type TestService } from '../http/service-harness.ts';
import { remit } from '../import/import-support.ts';

/**
 * Simulation (docs/sources.md): recorded leads replayed against a draft. A draft without the
 * UK investments permission turns every UK ISA lead into a refusal; the published config itself
 * changes nothing; nothing is ever written.
 */

let s: TestService;
let dir = '';
let published: OrgConfig;
const ISA_LEADS = 12;

function draftWithout(licenceId: string): OrgConfig {
  const c = structuredClone(published) as OrgConfig & { version?: string };
  return { ...c, version: 'draft-no-uk-investments', licences: c.licences.filter((l) => l.id !== licenceId) };
}

const compile = (config: unknown): CompiledOrg => {
  const r = compileConfigObject(config, 'draft');
  if (!r.ok) throw new Error(JSON.stringify(r.error.slice(0, 3)));
  return r.value.org;
};

async function everything() {
  return {
    leads: await s.store.leads.list(),
    decisions: await s.store.decisions.list(),
    state: await s.store.routingState.snapshot(),
    versions: await s.store.orgVersions.list(),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'remit-simulate-'));
  s = await startTestService({ url: `sqlite:${join(dir, 'remit.sqlite')}` });
  published = s.ctx.orgs.current.config;
  const post = (body: unknown) =>
    s.app.inject({ method: 'POST', url: '/v1/leads', payload: body as object, headers: auth(s.tokens.integration) });
  for (let i = 0; i < ISA_LEADS; i++) {
    const res = await post(
      ukLead({
        person: {
          firstName: `Isa${i}`,
          lastName: 'Saver',
          email: `isa${i}@example.co.uk`,
          phone: `+44 20 7946 ${String(100 + i).padStart(4, '0')}`,
        },
      }),
    );
    expect(res.json().status).toBe('ASSIGNED');
    s.clock.advance(60_000);
  }
  // A duplicate (never routed), and a lead refused under the published config.
  expect((await post(ukLead({ person: { firstName: 'Isa0', lastName: 'Saver', email: 'isa0@example.co.uk' } }))).json().status).toBe(
    'DUPLICATE',
  );
  s.clock.advance(60_000);
  const br = await post({
    source: 'web_form',
    product: 'eu-ucits-global-equity',
    person: { firstName: 'João', lastName: 'Silva', email: 'joao@example.com.br' },
    address: { country: 'BR' },
  });
  expect(br.json().status).toBe('REFUSED');
});
afterAll(async () => {
  await s.close();
  await rm(dir, { recursive: true, force: true });
});

describe('simulateDraft', () => {
  it('a no-op draft (the published config) produces an empty diff', async () => {
    const before = await everything();
    const diff = await simulateDraft(s.store, compile(published), { limit: 1000 });
    expect(diff.unchanged).toBe(true);
    expect(diff.replayed).toBe(ISA_LEADS + 1);
    expect(diff.skipped).toEqual({ duplicates: 1, undecided: 0 });
    for (const k of [
      'newRefusals',
      'noLongerRefused',
      'newHolds',
      'noLongerHeld',
      'outcomeChanges',
      'teamChanges',
      'repChanges',
      'fairness',
    ] as const)
      expect(diff[k]).toEqual([]);
    expect(diff.outcomes.ASSIGNED).toEqual({ recorded: ISA_LEADS, simulated: ISA_LEADS });
    expect(await everything()).toEqual(before);
  });

  it('a draft that removes the UK investments licence shows every ISA lead as a new refusal, and the fairness shift', async () => {
    const before = await everything();
    const diff = await simulateDraft(s.store, compile(draftWithout('fca-uk-investments')), { limit: 1000 });
    expect(diff.unchanged).toBe(false);
    expect(diff.newRefusals).toHaveLength(ISA_LEADS);
    const first = diff.newRefusals[0]!;
    expect(first).toMatchObject({
      jurisdiction: 'GB',
      product: 'uk-stocks-shares-isa',
      recorded: { outcome: 'ASSIGNED' },
      simulated: { outcome: 'REFUSED', teamId: null, repId: null },
    });
    expect(first.recorded.teamId).not.toBeNull();
    expect(first.simulated.reasonCodes.length).toBeGreaterThan(0);
    expect(diff.noLongerRefused).toEqual([]); // the Brazilian lead stays refused
    expect(diff.outcomes.REFUSED).toEqual({ recorded: 1, simulated: ISA_LEADS + 1 });
    const shifted = diff.fairness.reduce((n, f) => n + f.shift, 0);
    expect(shifted).toBe(-ISA_LEADS);
    expect(diff.fairness.every((f) => f.simulated === 0 && f.recorded > 0)).toBe(true);
    expect(await everything()).toEqual(before);
  });

  it('with known outcomes, evaluates the draft off-policy: the published config recovers the observed rate', async () => {
    const leads = (await s.store.leads.list()).filter((l) => l.status !== 'DUPLICATE');
    // Every other assigned lead won; the refused Brazilian lead has an outcome too, and is left out (never assigned).
    const rewards = new Map(leads.map((l, i) => [l.id, i % 2]));
    const same = await simulateDraft(s.store, compile(published), { limit: 1000, rewards });
    expect(same.evaluation!.leadsWithOutcome).toBe(ISA_LEADS);
    expect(same.evaluation!.lawfulSetViolations).toBe(0);
    const observed = leads.filter((l) => l.status === 'ASSIGNED').reduce((n, l) => n + rewards.get(l.id)!, 0) / ISA_LEADS;
    expect(same.evaluation!.current).toBeCloseTo(observed, 10);
    // Weighted round robin is deterministic and the draft repeats every pick: every weight is 1, IPS = DR = observed.
    expect(same.evaluation!.proposed.ips).toBeCloseTo(observed, 10);
    expect(same.evaluation!.proposed.doublyRobust).toBeCloseTo(observed, 10);

    const learning = structuredClone(published) as OrgConfig & { version?: string };
    const draft = {
      ...learning,
      version: 'draft-outcome-aware',
      rules: learning.rules.map((r) =>
        r.then.kind === 'route'
          ? { ...r, then: { ...r.then, strategy: [{ kind: 'outcome-aware', fairness: { band: 0.5, window: 10 } }] } }
          : r,
      ),
    };
    const diff = await simulateDraft(s.store, compile(draft), { limit: 1000, rewards });
    const e = diff.evaluation!;
    expect(e.lawfulSetViolations).toBe(0);
    expect(e.leadsWithOutcome).toBe(ISA_LEADS);
    // A stochastic draft gives each logged pick a probability below 1: the estimate cannot exceed the observed rate.
    expect(e.proposed.ips).toBeLessThan(observed);
    expect(e.proposed.ips).toBeGreaterThan(0);
    expect(diff.evaluation).toBeDefined();
    expect((await simulateDraft(s.store, compile(draft), { limit: 1000 })).evaluation).toBeUndefined();
  });

  it('a learning draft sees only the outcomes closed before each replayed lead: none of its own, none later', async () => {
    const assigned = (await s.store.leads.list()).filter((l) => l.status === 'ASSIGNED');
    const learning = structuredClone(published) as OrgConfig & { version?: string };
    const draft = compile({
      ...learning,
      version: 'draft-learning',
      rules: learning.rules.map((r) =>
        r.then.kind === 'route'
          ? { ...r, then: { ...r.then, strategy: [{ kind: 'outcome-aware', minOutcomes: 1, fairness: { band: 0.5, window: 10 } }] } }
          : r,
      ),
    });
    const star = assigned[0]!.repId!;
    const teamId = assigned[0]!.teamId!;
    // Forty closed deals: the star won all theirs, everyone else lost theirs.
    const facts = (closedAt: number) =>
      Array.from({ length: 40 }, (_, i) => {
        const repId = i % 2 === 0 ? star : assigned.find((l) => l.repId !== star)!.repId!;
        return {
          leadId: `old-${i}`,
          decisionId: `old-dec-${i}`,
          repId,
          teamId,
          segment: '(none)',
          outcome: repId === star ? 'WON' : 'LOST',
          closedAt,
        } as const;
      });
    const nothingLearned = await simulateDraft(s.store, draft, { limit: 1000 });
    // Closed after every replayed lead: the replay cannot know them, so it is exactly the replay without them.
    const later = await simulateDraft(s.store, draft, { limit: 1000, outcomeFacts: facts(Date.parse('2099-01-01T00:00:00Z')) });
    expect(later).toEqual(nothingLearned);
    // Closed before: the draft learns, and the star gets at least as many leads as without (within the fairness band).
    const earlier = await simulateDraft(s.store, draft, { limit: 1000, outcomeFacts: facts(0) });
    expect(earlier).not.toEqual(nothingLearned);
    const recordedFor = (rep: string) => assigned.filter((l) => l.repId === rep).length;
    const simulatedFor = (d: typeof earlier, rep: string) => d.fairness.find((f) => f.repId === rep)?.simulated ?? recordedFor(rep);
    expect(simulatedFor(earlier, star)).toBeGreaterThanOrEqual(simulatedFor(nothingLearned, star));
  });

  it('--since and --limit bound the replay window', async () => {
    const all = await s.store.leads.list();
    const since = all[5]!.receivedAt;
    const diff = await simulateDraft(s.store, compile(draftWithout('fca-uk-investments')), { since, limit: 3 });
    expect(diff.replayed).toBe(3);
    expect(diff.window.from).toBe(since);
    expect(diff.newRefusals.map((c) => c.leadId)).toEqual(all.slice(5, 8).map((l) => l.id));
  });
});

describe('POST /v1/simulations', () => {
  it('returns the same diff for a draft posted as JSON (admin, ops only), and lists config problems', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/simulations',
      payload: { config: draftWithout('fca-uk-investments'), limit: 100 },
      headers: auth(s.tokens.ops),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().newRefusals).toHaveLength(ISA_LEADS);
    const noop = await s.app.inject({
      method: 'POST',
      url: '/v1/simulations',
      payload: { config: published },
      headers: auth(s.tokens.admin),
    });
    expect(noop.json().unchanged).toBe(true);
    expect(
      (await s.app.inject({ method: 'POST', url: '/v1/simulations', payload: { config: published }, headers: auth(s.tokens.rep) }))
        .statusCode,
    ).toBe(403);
    expect(
      (await s.app.inject({ method: 'POST', url: '/v1/simulations', payload: { config: published }, headers: auth(s.tokens.compliance) }))
        .statusCode,
    ).toBe(403);
    const broken = { ...published, teams: published.teams.map((t, i) => (i === 0 ? { ...t, entity: 'no-such-entity' } : t)) };
    const bad = await s.app.inject({ method: 'POST', url: '/v1/simulations', payload: { config: broken }, headers: auth(s.tokens.admin) });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('CONFIG_INVALID');
    expect(bad.json().details.length).toBeGreaterThan(0);
  });
});

describe('remit simulate', () => {
  it('prints the diff as a table and as JSON, reading the store without writing', async () => {
    const draftDir = join(dir, 'draft');
    const noopDir = join(dir, 'noop');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(draftDir);
    await mkdir(noopDir);
    await writeFile(join(draftDir, 'org.json'), JSON.stringify(draftWithout('fca-uk-investments')));
    await writeFile(join(noopDir, 'org.json'), JSON.stringify(published));
    const db = join(dir, 'remit.sqlite');
    const before = await everything();

    const table = await remit('simulate', '--draft', draftDir, '--db', db);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/New refusals \(12\)/);
    expect(table.stdout).toMatch(/ASSIGNED uk-\S+\s+→\s+REFUSED/);
    expect(table.stdout).toMatch(/Fairness shift/);

    const json = await remit('simulate', '--draft', draftDir, '--db', db, '--json', '--limit', '5');
    expect(JSON.parse(json.stdout)).toMatchObject({ replayed: 5, draft: { version: 'draft-no-uk-investments' } });

    const noop = await remit('simulate', '--draft', noopDir, '--db', db);
    expect(noop.stdout).toMatch(/No change/);
    expect(await everything()).toEqual(before);

    expect((await remit('simulate', '--draft', draftDir, '--db', join(dir, 'missing.sqlite'))).code).toBe(2);
    expect((await remit('simulate', '--draft', draftDir, '--db', db, '--since', 'last tuesday')).code).toBe(2);
    expect((await remit('simulate', '--draft', join(dir, 'nope'), '--db', db)).code).toBe(2);
  });

  it('--policy with --outcomes adds the off-policy evaluation; a bad outcomes file is refused by line', async () => {
    const policyDir = join(dir, 'policy');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(policyDir);
    await writeFile(join(policyDir, 'org.json'), JSON.stringify(published));
    const assigned = (await s.store.leads.list()).filter((l) => l.status === 'ASSIGNED');
    const csv = join(dir, 'outcomes.csv');
    await writeFile(csv, ['leadId,outcome', ...assigned.map((l, i) => `${l.id},${['WON', 'LOST', 'DISQUALIFIED'][i % 3]}`)].join('\n'));
    const db = join(dir, 'remit.sqlite');
    const out = await remit('simulate', '--policy', policyDir, '--outcomes', csv, '--db', db, '--json');
    expect(out.code).toBe(0);
    const e = JSON.parse(out.stdout).evaluation;
    // DISQUALIFIED rows are left out: 8 of the 12 count, 4 of them WON; the published policy repeats every pick.
    expect(e).toMatchObject({ leadsWithOutcome: 8, current: 0.5, lawfulSetViolations: 0, proposed: { ips: 0.5, doublyRobust: 0.5 } });
    const text = await remit('simulate', '--policy', policyDir, '--outcomes', csv, '--db', db);
    expect(text.stdout).toMatch(/Evaluation on 8 assigned lead\(s\)/);
    expect(text.stdout).toMatch(/doubly robust/);

    await writeFile(csv, 'leadId,outcome\nL1,WON\nL2,MAYBE\n');
    const bad = await remit('simulate', '--policy', policyDir, '--outcomes', csv, '--db', db, '--json');
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/line 3/);
  });
});
