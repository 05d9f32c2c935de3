import type { OrgConfig } from '../../src/domain/org/org-config.schema.ts';
import { auth, ukLead, type TestService } from './service-harness.ts';

let n = 0;

/**
 * The start of a routing property run: the original org published again, the clock at `hour` o'clock on 24 Nov 2026,
 * and `count` UK leads posted (each a new person). Returns the lead ids and what intake answered for each.
 */
export async function postPropertyLeads(
  s: TestService,
  original: OrgConfig,
  hour: number,
  count: number,
): Promise<readonly { readonly leadId: string; readonly status: string }[]> {
  if (!(await s.ctx.orgs.publish(original, 'test')).ok) throw new Error('the original org could not be published again');
  s.clock.ms = Date.parse('2026-11-24T00:00:00Z') + hour * 3_600_000;
  const posted: { leadId: string; status: string }[] = [];
  for (let i = 0; i < count; i++) {
    n++;
    const person = { firstName: 'Prop', lastName: `Erty${n}`, email: `prop.erty${n}@example.co.uk` };
    const res = await s.app.inject({ method: 'POST', url: '/v1/leads', payload: ukLead({ person }), headers: auth(s.tokens.integration) });
    posted.push({ leadId: res.json().leadId as string, status: res.json().status as string });
  }
  return posted;
}
