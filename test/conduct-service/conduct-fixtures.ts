import { expect } from 'vitest';
import { auth, startTestService, type TestService } from '../http/service-harness.ts';

/** Tue 24 Nov 2026, 10:00 in New York and Miami (EST, UTC−5): US reps are at work. */
export const US_MORNING = '2026-11-24T15:00:00Z';
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const startUsService = (repId: string, at = US_MORNING): Promise<TestService> => startTestService({ at, repId });

/** A Florida term-life lead (the us-fl-life team, Brandon Lee). */
export function flLead(tag: string, phone = '+1 305 555 0123', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: 'web_form',
    product: 'us-term-life-20',
    person: { firstName: 'Rosa', lastName: `Diaz-${tag}`, email: `rosa.${tag}@example.com`, phone },
    address: { country: 'US', subdivision: 'FL', postalCode: '33101' },
    ...extra,
  };
}

/** A New York term-life lead (us-ny-life: Michael O'Connor, Danielle Rivera, Kevin Zhang). */
export function nyLead(tag: string, phone: string): Record<string, unknown> {
  return {
    source: 'web_form',
    product: 'us-term-life-20',
    person: { firstName: 'Sam', lastName: `Cole-${tag}`, email: `sam.${tag}@example.com`, phone },
    address: { country: 'US', subdivision: 'NY', postalCode: '10001' },
  };
}

export async function ingest(
  s: TestService,
  payload: Record<string, unknown>,
): Promise<{ leadId: string; status: string; repId: string | null; body: Record<string, any> }> {
  const res = await s.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(s.tokens.integration), payload });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  return { leadId: body.leadId, status: body.status, repId: body.decision?.rep?.id ?? null, body };
}

export async function post(s: TestService, token: string, url: string, payload: unknown) {
  const res = await s.app.inject({ method: 'POST', url, headers: auth(token), payload: payload as Record<string, unknown> });
  return { status: res.statusCode, body: res.json() as Record<string, any> };
}

export async function get(s: TestService, token: string, url: string) {
  const res = await s.app.inject({ method: 'GET', url, headers: auth(token) });
  return { status: res.statusCode, body: res.json() as Record<string, any> };
}

/** A scrub of the firm's numbers against the US national DNC registry, `ageDays` before the service clock. */
export async function usScrub(s: TestService, ageDays: number, listed: string[] = []) {
  const res = await post(s, s.tokens.compliance, '/v1/conduct/registry-scrubs', {
    registry: 'US_NATIONAL_DNC',
    scrubbedAt: new Date(s.clock.ms - ageDays * DAY).toISOString(),
    listed,
    source: 'test scrub',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

export const rule = (decision: { rules: { id: string }[] }, id: string) => {
  const r = decision.rules.find((x) => x.id === id);
  if (!r) throw new Error(`rule ${id} not in ${decision.rules.map((x) => x.id).join(', ')}`);
  return r as { id: string; result: string; reasonCode: string; detail: string; source: { citation: string } };
};
