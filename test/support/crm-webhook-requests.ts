import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { signWebhook } from '../../src/app/webhooks/outbound-webhook-signature.ts';

/**
 * Signed CRM webhook requests as the senders make them, for the example org's `hubspot-main` and `sfdc-prod` sources
 * (docs/sources.md). The HubSpot signature is recomputed from HubSpot's published recipe, not with the code under
 * test, so a mistake in the recipe would show.
 */
export const HUBSPOT_SECRET = 'hs-client-secret-6b0c1e7e';
export const SALESFORCE_SECRET = 'sf-webhook-secret-93d1';
export const CRM_HOST = 'remit.example-bank.co.uk';

interface Service {
  readonly app: FastifyInstance;
  readonly clock: { now(): number };
}

/** HubSpot v3: base64(HMAC-SHA256(client secret, method + uri + body + timestamp)). */
export const hubspotSignature = (uri: string, body: string, ts: number) =>
  createHmac('sha256', HUBSPOT_SECRET).update(`POST${uri}${body}${ts}`).digest('base64');

export function postHubSpot(
  s: Service,
  body: string,
  opts: { ts?: number; signature?: string; sourceId?: string; headers?: Record<string, string> } = {},
) {
  const url = `/v1/sources/hubspot/${opts.sourceId ?? 'hubspot-main'}`;
  const ts = opts.ts ?? s.clock.now();
  return s.app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: {
      host: CRM_HOST,
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(ts),
      'x-hubspot-signature-v3': opts.signature ?? hubspotSignature(`http://${CRM_HOST}${url}`, body, ts),
      ...opts.headers,
    },
  });
}

export function postSalesforce(s: Service, body: string, opts: { t?: number; signature?: string; sourceId?: string } = {}) {
  const t = opts.t ?? Math.floor(s.clock.now() / 1000);
  return s.app.inject({
    method: 'POST',
    url: `/v1/sources/salesforce/${opts.sourceId ?? 'sfdc-prod'}`,
    payload: body,
    headers: { 'content-type': 'application/json', 'remit-signature': opts.signature ?? signWebhook(SALESFORCE_SECRET, body, t) },
  });
}
