import { afterEach, describe, expect, it } from 'vitest';
import { defaultCrmClient } from '../../src/app/crm/crm-client.ts';
import type { CrmUpdate } from '../../src/app/crm/crm-update.ts';
import { CrmTargetSchema } from '../../src/domain/org/crm-writeback.schema.ts';
import { startCrmApiServer, type CrmApiServer } from '../support/crm-api-server.ts';

/**
 * The stand-ins are only worth their name if a request that breaks the vendor's description fails: these requests are
 * wrong in one way each and must be refused (400, recorded in `invalid`), and a write-back whose config produces a
 * request the description forbids ends as a rejection carrying the stand-in's reasons, not as a success.
 */

const CREDENTIALS = { clientId: 'client-1', clientSecret: 'secret-1', refreshToken: 'refresh-1' };
/** What a decision would write: amelia-hughes is owner 77001 in both owner maps below. */
const update: CrmUpdate = {
  cause: 'lead.assigned',
  repId: 'amelia-hughes',
  ownerId: '77001',
  leadStatus: 'ASSIGNED',
  crmStatus: null,
  decisionId: 'dec-1',
  storyUrl: null,
};
let crm: CrmApiServer | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

async function token(server: CrmApiServer, path: string, form: Record<string, string>) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string } };
}

const patch = (server: CrmApiServer, path: string, body: string, headers: Record<string, string>) =>
  fetch(`${server.url}${path}`, { method: 'PATCH', headers, body });

describe('HubSpot stand-in', () => {
  it('accepts a request that matches the description and refuses each kind of mismatch', async () => {
    crm = await startCrmApiServer('hubspot', CREDENTIALS);
    const issued = await token(crm, '/oauth/v1/token', {
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: 'secret-1',
    });
    expect(issued.status).toBe(200);
    const bearer = { authorization: `Bearer ${issued.body.access_token!}`, 'content-type': 'application/json' };
    const ok = await patch(crm, '/crm/v3/objects/contacts/501', JSON.stringify({ properties: { hubspot_owner_id: '77' } }), bearer);
    expect(ok.status).toBe(200);
    expect(crm.invalid).toEqual([]);

    const wrong = [
      patch(crm, '/crm/v3/objects/contacts/501', JSON.stringify({ properties: { hubspot_owner_id: 77 } }), bearer),
      patch(crm, '/crm/v3/objects/contacts/501', JSON.stringify({ hubspot_owner_id: '77' }), bearer),
      patch(crm, '/crm/v3/objects/contacts/501', JSON.stringify({ properties: {} }), { 'content-type': 'application/json' }),
      patch(crm, '/crm/v3/objects/contacts/501', 'properties=x', { ...bearer, 'content-type': 'text/plain' }),
    ];
    expect((await Promise.all(wrong)).map((r) => r.status)).toEqual([400, 400, 400, 400]);
    const grantless = await token(crm, '/oauth/v1/token', { grant_type: 'password', client_id: 'client-1', client_secret: 'secret-1' });
    expect(grantless.status).toBe(400);
    const unknown = await patch(crm, '/crm/v3/objects/companies/1', '{}', bearer);
    expect(unknown.status).toBe(404);
    expect(crm.invalid.map((i) => i.errors.join(' | '))).toEqual([
      expect.stringContaining('must be string'),
      expect.stringContaining("must have required property 'properties'"),
      expect.stringContaining('Bearer token is required'),
      expect.stringContaining('content-type text/plain'),
      expect.stringContaining('must be equal to one of the allowed values'),
      'no such operation in the description',
    ]);
  });
});

describe('Salesforce stand-in', () => {
  it('refuses an unknown field, a malformed OwnerId or Lead id, and a token request without its secret', async () => {
    crm = await startCrmApiServer('salesforce', CREDENTIALS);
    const issued = await token(crm, '/services/oauth2/token', {
      grant_type: 'refresh_token',
      client_id: 'client-1',
      client_secret: 'secret-1',
      refresh_token: 'refresh-1',
    });
    expect(issued.status).toBe(200);
    const bearer = { authorization: `Bearer ${issued.body.access_token!}`, 'content-type': 'application/json' };
    const lead = '/services/data/v62.0/sobjects/Lead/00Q5g00000AbCdEFGH';
    expect((await patch(crm, lead, JSON.stringify({ OwnerId: '005000000000001AAA', Remit_Story_Url__c: 'x' }), bearer)).status).toBe(204);
    const wrong = [
      patch(crm, lead, JSON.stringify({ Owner: '005000000000001AAA' }), bearer),
      patch(crm, lead, JSON.stringify({ OwnerId: '77001' }), bearer),
      patch(crm, '/services/data/v62.0/sobjects/Lead/001000000000001AAA', JSON.stringify({ Status: 'Open' }), bearer),
    ];
    expect((await Promise.all(wrong)).map((r) => r.status)).toEqual([400, 400, 400]);
    expect((await token(crm, '/services/oauth2/token', { grant_type: 'client_credentials', client_id: 'client-1' })).status).toBe(400);
    expect(crm.invalid).toHaveLength(4);
  });

  it('a write-back whose owner map holds a non-Salesforce id is rejected with the reasons, never counted as written', async () => {
    crm = await startCrmApiServer('salesforce', CREDENTIALS);
    const target = CrmTargetSchema.parse({
      id: 'sfdc',
      kind: 'salesforce',
      leadSource: 'salesforce',
      recordIdField: 'sfLeadId',
      baseUrl: crm.url,
      auth: { kind: 'client_credentials', clientIdEnv: 'SF_ID', clientSecretEnv: 'SF_SECRET' },
      owners: { 'amelia-hughes': '77001' },
    });
    const env: Record<string, string> = { SF_ID: 'client-1', SF_SECRET: 'secret-1' };
    const client = defaultCrmClient(Date.now, (name) => env[name]);
    const outcome = await client.write(target, '00Q5g00000AbCdEFGH', update);
    expect(outcome).toMatchObject({ kind: 'rejected', reasonCode: 'CRM_REJECTED' });
    expect(outcome.kind === 'rejected' && outcome.error).toContain('INVALID_FIELD: request does not match the description');
    expect(crm.invalid).toHaveLength(1);
    expect(crm.invalid[0]!.errors.join(' ')).toContain('/OwnerId must match pattern');
    // Without the secrets in the environment nothing is sent at all.
    const unconfigured = await defaultCrmClient(Date.now, () => undefined).write(target, '00Q5g00000AbCdEFGH', update);
    expect(unconfigured).toMatchObject({
      kind: 'rejected',
      reasonCode: 'CRM_SECRET_MISSING',
      error: 'environment variable SF_ID is not set',
    });
  });
});

describe('CRM client edge cases', () => {
  const hubspot = (baseUrl: string, auth: object) =>
    CrmTargetSchema.parse({
      id: 'hs',
      kind: 'hubspot',
      leadSource: 'hubspot',
      recordIdField: 'hubspotContactId',
      baseUrl,
      auth,
      owners: { 'amelia-hughes': '77001' },
    });

  it('a static token answered 401 is not refreshed: one PATCH, then CRM_UNAUTHORIZED', async () => {
    crm = await startCrmApiServer('hubspot', CREDENTIALS);
    const client = defaultCrmClient(Date.now, () => 'pat-not-issued-by-this-server');
    const outcome = await client.write(hubspot(crm.url, { kind: 'access_token', tokenEnv: 'HS_TOKEN' }), '501', update);
    expect(outcome).toMatchObject({ kind: 'rejected', reasonCode: 'CRM_UNAUTHORIZED' });
    expect(outcome.kind === 'rejected' && outcome.error).toContain('INVALID_AUTHENTICATION: Authentication credentials not found.');
    expect(crm.received.map((r) => r.operation)).toEqual(['PATCH /crm/v3/objects/contacts/{contactId}']);
    expect(crm.invalid).toEqual([]);
  });

  it('no answer (nothing listening) is CRM_UNAVAILABLE naming the cause; wrong client credentials are CRM_TOKEN_REFUSED', async () => {
    crm = await startCrmApiServer('hubspot', CREDENTIALS);
    const closed = crm.url;
    await crm.close();
    const env: Record<string, string> = { ID: 'client-1', SECRET: 'wrong' };
    const auth = { kind: 'client_credentials', clientIdEnv: 'ID', clientSecretEnv: 'SECRET' };
    const down = await defaultCrmClient(Date.now, (n) => env[n]).write(hubspot(closed, auth), '501', update);
    expect(down).toMatchObject({ kind: 'unavailable', reasonCode: 'CRM_UNAVAILABLE' });
    expect(down.kind === 'unavailable' && down.error).toMatch(/^token endpoint: fetch failed \(ECONNREFUSED\)$/);
    crm = await startCrmApiServer('hubspot', CREDENTIALS);
    const refused = await defaultCrmClient(Date.now, (n) => env[n]).write(hubspot(crm.url, auth), '501', update);
    expect(refused).toMatchObject({ kind: 'rejected', reasonCode: 'CRM_TOKEN_REFUSED' });
    expect(refused.kind === 'rejected' && refused.error).toContain('VALIDATION_ERROR: missing or unknown client id');
    expect(crm.updates()).toEqual([]);
  });

  it('a token is cached until a minute before expires_in, then fetched again', async () => {
    crm = await startCrmApiServer('hubspot', { ...CREDENTIALS, expiresIn: 120 });
    let now = Date.parse('2026-12-05T10:00:00Z');
    const env: Record<string, string> = { ID: 'client-1', SECRET: 'secret-1' };
    const client = defaultCrmClient(
      () => now,
      (n) => env[n],
    );
    const target = hubspot(crm.url, { kind: 'client_credentials', clientIdEnv: 'ID', clientSecretEnv: 'SECRET' });
    const tokenRequests = () => crm!.received.filter((r) => r.operation === 'POST /oauth/v1/token').length;
    expect(await client.write(target, '501', update)).toMatchObject({ kind: 'written' });
    now += 59_000;
    expect(await client.write(target, '501', update)).toMatchObject({ kind: 'written' });
    expect(tokenRequests()).toBe(1);
    now += 2_000;
    expect(await client.write(target, '501', update)).toMatchObject({ kind: 'written' });
    expect(tokenRequests()).toBe(2);
    expect(crm.updates().map((u) => u.authorization)).toEqual([
      'Bearer hubspot-token-1',
      'Bearer hubspot-token-1',
      'Bearer hubspot-token-2',
    ]);
    expect(crm.invalid).toEqual([]);
  });

  it('object: deals writes owner and dealstage to the deals endpoint of the published description', async () => {
    crm = await startCrmApiServer('hubspot', CREDENTIALS);
    const env: Record<string, string> = { ID: 'client-1', SECRET: 'secret-1' };
    const target = CrmTargetSchema.parse({
      ...hubspot(crm.url, { kind: 'client_credentials', clientIdEnv: 'ID', clientSecretEnv: 'SECRET' }),
      object: 'deals',
      statuses: { ASSIGNED: 'appointmentscheduled' },
    });
    expect(
      await defaultCrmClient(Date.now, (n) => env[n]).write(target, '9001', { ...update, crmStatus: 'appointmentscheduled' }),
    ).toMatchObject({
      kind: 'written',
    });
    expect(crm.updates()).toMatchObject([
      {
        operation: 'PATCH /crm/v3/objects/0-3/{dealId}',
        path: '/crm/v3/objects/0-3/9001',
        body: { properties: { hubspot_owner_id: '77001', dealstage: 'appointmentscheduled' } },
      },
    ]);
    expect(crm.invalid).toEqual([]);
  });
});
