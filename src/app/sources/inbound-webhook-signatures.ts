import { createHmac, timingSafeEqual } from 'node:crypto';
import { signWebhook } from '../webhooks/outbound-webhook-signature.ts';

/**
 * Inbound webhook signatures (docs/sources.md). Both schemes sign the exact raw body and a
 * timestamp, so a captured request cannot be replayed after the tolerance window.
 */

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const bad = (reason: string): SignatureCheck => ({ ok: false, reason });

function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HubSpot decodes these escapes in the URI before signing (its v3 signature documentation). */
const HUBSPOT_DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
export const hubSpotSignedUri = (uri: string): string =>
  uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => HUBSPOT_DECODED[m.toUpperCase()] ?? m);

/** X-HubSpot-Signature-v3 = base64(HMAC-SHA256(secret, method + uri + body + timestamp)); timestamp in epoch ms. */
export function signHubSpotV3(secret: string, method: string, uri: string, body: string, timestampMs: number): string {
  return createHmac('sha256', secret)
    .update(`${method.toUpperCase()}${hubSpotSignedUri(uri)}${body}${timestampMs}`, 'utf8')
    .digest('base64');
}

export function verifyHubSpotV3(i: {
  secret: string;
  method: string;
  uri: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs: number;
  toleranceSeconds: number;
}): SignatureCheck {
  if (!i.signature) return bad('X-HubSpot-Signature-v3 header is missing');
  if (!i.timestamp || !/^\d{1,16}$/.test(i.timestamp))
    return bad('X-HubSpot-Request-Timestamp header is missing or not epoch milliseconds');
  const ts = Number(i.timestamp);
  if (Math.abs(i.nowMs - ts) > i.toleranceSeconds * 1000)
    return bad(`request timestamp is more than ${i.toleranceSeconds} s away from now (replay protection)`);
  const expected = Buffer.from(signHubSpotV3(i.secret, i.method, i.uri, i.body, ts), 'base64');
  const given = Buffer.from(i.signature.trim(), 'base64');
  return equalBytes(given, expected) ? { ok: true } : bad('signature does not match');
}

/**
 * Remit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")> — the same
 * scheme Remit signs its own outbound webhooks with (src/app/webhooks/outbound-webhook-signature.ts).
 */
export function verifyRemitSignature(i: {
  secret: string;
  body: string;
  header: string | undefined;
  nowMs: number;
  toleranceSeconds: number;
}): SignatureCheck {
  if (!i.header) return bad('Remit-Signature header is missing');
  const parts = new Map(
    i.header.split(',').map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()] as const;
    }),
  );
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/i.test(v1))
    return bad('Remit-Signature must be "t=<unix seconds>,v1=<64 hex digits>"');
  if (Math.abs(i.nowMs / 1000 - Number(t)) > i.toleranceSeconds)
    return bad(`signature timestamp is more than ${i.toleranceSeconds} s away from now (replay protection)`);
  const expected = Buffer.from(signWebhook(i.secret, i.body, Number(t)).split('v1=')[1]!, 'hex');
  return equalBytes(Buffer.from(v1, 'hex'), expected) ? { ok: true } : bad('signature does not match');
}
