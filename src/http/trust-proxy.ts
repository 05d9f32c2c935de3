import type { TrustProxy } from './build-server.ts';

/**
 * `--trust-proxy` / REMIT_TRUST_PROXY as Fastify's trustProxy: "true"/"false", a hop count ("1"), or a
 * comma-separated list of proxy addresses or CIDRs ("10.0.0.1,192.168.0.0/16"). Unset or "" = trust nobody.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
