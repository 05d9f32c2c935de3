import type { FormSourceConfig } from '../../domain/org/sources.schema.ts';
import { environmentSecrets, type SecretLookup } from './secret-equals.ts';
import { TokenBuckets, type TakeResult } from './token-bucket.ts';

export type FormCounter = 'received' | 'stored' | 'duplicates' | 'invalid' | 'honeypot' | 'forbidden' | 'rateLimited' | 'tooLarge';
export type FormCounters = Readonly<Record<FormCounter, number>>;

const ZERO: FormCounters = { received: 0, stored: 0, duplicates: 0, invalid: 0, honeypot: 0, forbidden: 0, rateLimited: 0, tooLarge: 0 };

/**
 * Per-process abuse protection state of the public form endpoint: a token bucket per form × client
 * IP, and counters per form (honeypot hits, refusals …) for operations. Lives as long as the
 * HTTP adapter; a restart forgets it (documented: rate limits are per process).
 */
export class FormGuard {
  private readonly buckets = new TokenBuckets();
  private readonly counters = new Map<string, Record<FormCounter, number>>();
  readonly secrets: SecretLookup;

  constructor(opts: { secrets?: SecretLookup } = {}) {
    this.secrets = opts.secrets ?? environmentSecrets;
  }

  admit(form: FormSourceConfig, ip: string, nowMs: number): TakeResult {
    const result = this.buckets.take(`${form.id}\u0000${ip}`, form.rateLimit, nowMs);
    if (!result.ok) this.count(form.id, 'rateLimited');
    return result;
  }

  count(formId: string, counter: FormCounter): void {
    const c = this.counters.get(formId) ?? { ...ZERO };
    c[counter] += 1;
    this.counters.set(formId, c);
  }

  stats(formId: string): FormCounters {
    return { ...(this.counters.get(formId) ?? ZERO) };
  }
}
