import type { CrmTarget } from '../../domain/org/crm-writeback.schema.ts';
import { CRM_DIALECTS } from './crm-dialects.ts';
import { answerOutcome, noAnswer, rejected, type CrmOutcome } from './crm-outcome.ts';
import { environmentSecrets, type SecretLookup } from '../sources/secret-equals.ts';
import { CrmTokens } from './crm-tokens.ts';
import type { CrmUpdate } from './crm-update.ts';

/**
 * Performs one write-back (docs/crm.md): the CRM kind renders the PATCH, a token is taken from the cache (or fetched),
 * and a 401 drops the token and tries once more with a fresh one. Never throws for an answer of the CRM: every
 * outcome is a CrmOutcome with its reason code.
 */
export class CrmClient {
  private readonly tokens: CrmTokens;
  private readonly o: { readonly timeoutMs: number; readonly fallbackRetryMs: number; readonly now: () => number };

  constructor(tokens: CrmTokens, options: { readonly timeoutMs: number; readonly fallbackRetryMs: number; readonly now: () => number }) {
    this.tokens = tokens;
    this.o = options;
  }

  async write(target: CrmTarget, recordId: string, update: CrmUpdate): Promise<CrmOutcome> {
    const dialect = CRM_DIALECTS[target.kind];
    const request = dialect.request(target, recordId, update);
    if (!request) return rejected('CRM_NOTHING_TO_WRITE', `nothing configured to write for status ${update.leadStatus}`);
    const url = `${target.baseUrl.replace(/\/+$/, '')}${request.path}`;
    const first = await this.tokens.token(target);
    if ('failed' in first) return first.failed;
    let res = await this.patch(url, request.body, first.token);
    if ('status' in res && res.status === 401 && this.tokens.refreshable(target)) {
      // One refresh and one retry: the cached token expired or was revoked early.
      this.tokens.forget(target);
      const fresh = await this.tokens.token(target);
      if ('failed' in fresh) return fresh.failed;
      res = await this.patch(url, request.body, fresh.token);
    }
    if ('failed' in res) return res.failed;
    if (res.status >= 200 && res.status < 300)
      return { kind: 'written', reasonCode: 'CRM_WRITTEN', httpStatus: res.status, request: { method: 'PATCH', ...request } };
    const error = dialect.errorMessage(res.body) ?? '';
    return answerOutcome({ status: res.status, retryAfter: res.retryAfter, error }, this.o.now(), this.o.fallbackRetryMs, 'CRM_REJECTED');
  }

  private async patch(
    url: string,
    body: object,
    token: string,
  ): Promise<{ readonly status: number; readonly retryAfter: string | null; readonly body: unknown } | { readonly failed: CrmOutcome }> {
    try {
      const res = await fetch(url, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs),
        redirect: 'manual',
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: parsed };
    } catch (e) {
      return { failed: noAnswer(e) };
    }
  }
}

/** The client `remit serve` uses: secrets from the process environment, 10 s timeouts, 60 s when a 429 names no Retry-After. */
export function defaultCrmClient(now: () => number, secrets: SecretLookup = environmentSecrets): CrmClient {
  const o = { timeoutMs: 10_000, fallbackRetryMs: 60_000, now };
  return new CrmClient(new CrmTokens({ ...o, secrets }), o);
}
