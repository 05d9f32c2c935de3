import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Lookup } from './webhook-target-policy.ts';

/**
 * One webhook POST with node:http(s), so that the connection uses the checked DNS answer (`lookup`)
 * and redirects are never followed (a 3xx is an answer like any other non-2xx). Resolves with the
 * HTTP status; rejects when there is no answer (refused, reset, timeout, address not allowed).
 */
export function postWebhook(
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number; lookup: Lookup },
): Promise<number> {
  const send = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
        lookup: init.lookup as never,
        signal: AbortSignal.timeout(init.timeoutMs),
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
