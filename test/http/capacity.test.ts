import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestService, ukLead, type TestService } from './service-harness.ts';

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
});
afterAll(async () => s.close());

const post = (url: string, body: unknown, token: string) =>
  s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });
const openLoad = async (repId: string) => (await s.store.routingState.snapshot()).loads[repId]?.open ?? 0;

describe("a rep's open-lead capacity", () => {
  it('is freed when a lead being worked (ACCEPTED) is reassigned by an approved exception', async () => {
    const lead = (
      await post(
        '/v1/leads',
        ukLead({ person: { firstName: 'Cap', lastName: 'Acity', email: 'cap.acity@example.co.uk' } }),
        s.tokens.integration,
      )
    ).json();
    expect(lead.status).toBe('ASSIGNED');
    const first = lead.decision.rep.id as string;
    expect(await openLoad(first)).toBe(1);
    const accepted = await post(`/v1/leads/${lead.leadId}/transitions`, { to: 'ACCEPTED' }, s.tokens.ops);
    expect(accepted.statusCode, accepted.body).toBe(200);

    const team = s.ctx.orgs.current.teamsById.get(lead.decision.team.id)!;
    const other = team.reps.find(
      (r) =>
        r.id !== first &&
        lead.decision.candidates
          .find((t: { id: string }) => t.id === team.id)
          .reps.find((v: { id: string; eligible: boolean }) => v.id === r.id)?.eligible,
    )!;
    const review = (
      await post(`/v1/leads/${lead.leadId}/exceptions`, { reason: 'Client asked for a Welsh-speaking adviser' }, s.tokens.ops)
    ).json().review;
    const approved = await post(`/v1/review/${review.id}/approve`, { teamId: team.id, repId: other.id }, s.tokens.compliance);
    expect(approved.statusCode, approved.body).toBe(200);
    // An eligible rep: a plain approval, not an override.
    expect(approved.json()).toMatchObject({ override: false, eligibility: { eligible: true } });
    expect(await openLoad(first)).toBe(0);
    expect(await openLoad(other.id)).toBe(1);
  });
});
