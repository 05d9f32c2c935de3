import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { err, ok, type Result } from '../../domain/shared/result.ts';
import type { WebhookTargetPolicy } from '../webhooks/webhook-target-policy.ts';

/** Limits on fetching a rep's calendar URL: a feed is small, and a slow or huge answer must not hold a request. */
export const CALENDAR_FETCH_LIMITS = { timeoutMs: 10_000, maxBytes: 1024 * 1024 } as const;

/**
 * Fetches an .ics feed with the same SSRF guard as webhook deliveries (loopback, private, link-local and
 * reserved addresses refused unless allowed with --webhook-allow; the connection uses the addresses that
 * were checked). Redirects are not followed; only http(s); the body is cut off at `maxBytes`.
 */
export async function fetchCalendar(
  url: string,
  policy: WebhookTargetPolicy,
  limits: { timeoutMs: number; maxBytes: number } = CALENDAR_FETCH_LIMITS,
): Promise<Result<string, string>> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return err('not a URL');
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return err('only http and https URLs are fetched');
  const refused = policy.literalRefusal(url) ?? (await policy.refusal(url));
  if (refused) return err(refused);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: 'GET',
        headers: { accept: 'text/calendar, */*;q=0.1' },
        lookup: policy.lookupFor(url) as never,
        signal: AbortSignal.timeout(limits.timeoutMs),
        agent: false,
      },
      (res) => {
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) {
          res.resume();
          resolve(err(`HTTP ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBytes) {
            req.destroy();
            resolve(err(`larger than ${limits.maxBytes} bytes`));
          } else chunks.push(chunk);
        });
        res.on('end', () => resolve(ok(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', (e) => resolve(err(e.message)));
      },
    );
    req.on('error', (e) => resolve(err(e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timed out' : e.message)));
    req.end();
  });
}
