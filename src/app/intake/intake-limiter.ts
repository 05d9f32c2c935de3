import { pointer } from '../../domain/errors/detail-path.ts';
import { remitError, type RemitError } from '../../domain/errors/error-catalogue.ts';
import { DEFAULT_INTAKE_LIMITS, type IntakeLimit, type IntakeLimits } from '../../domain/org/intake-limits.schema.ts';
import type { RemitMetrics } from '../observability/remit-metrics.ts';
import type { OrgRegistry } from '../routing/org-registry.ts';
import { TokenBuckets } from '../sources/token-bucket.ts';

/** Who is sending leads: an API key (by key id) or a configured form / CRM source (by source id). */
export type IntakeClient = { readonly kind: 'key'; readonly id: string } | { readonly kind: 'source'; readonly id: string };

/** Admitted: call `release` once the request's leads are taken in (idempotent). Refused: answer 429 with the failure. */
export type IntakeAdmission =
  | { readonly kind: 'admitted'; readonly release: () => void }
  | { readonly kind: 'refused'; readonly failure: RemitError; readonly retryAfterSeconds: number };

/** The check a lead-taking use case runs once the caller is authenticated: `leads` is how many the request carries. */
export type IntakeGate = (leads: number) => IntakeAdmission;

/** Lets every request in (the CLI import and tests of the use cases without an HTTP adapter). */
export const admitAll: IntakeGate = () => ({ kind: 'admitted', release: () => {} });

interface Resolved {
  readonly leadsPerMinute: number | null;
  readonly burst: number;
  readonly concurrent: number | null;
  /** Where each field came from in the org config, for the refusal's detail path. */
  readonly at: { readonly rate: readonly string[]; readonly concurrent: readonly string[] };
}

const SCOPE_FIELDS = { key: ['keys', 'byKey'], source: ['sources', 'bySource'] } as const;

/** The limit for one client: its own entry's fields over the scope's default, field by field (null lifts a default). */
function resolve(limits: IntakeLimits, client: IntakeClient): Resolved {
  const [scope, byId] = SCOPE_FIELDS[client.kind];
  const own: IntakeLimit | undefined = limits[byId][client.id];
  const base = limits[scope];
  const pick = <F extends keyof IntakeLimit>(field: F) =>
    own !== undefined && own[field] !== undefined
      ? { value: own[field], at: ['limits', byId, client.id, field] }
      : { value: base[field], at: ['limits', scope, field] };
  const rate = pick('leadsPerMinute');
  const burst = pick('burst');
  const concurrent = pick('concurrent');
  const perMinute = rate.value ?? null;
  return {
    leadsPerMinute: perMinute,
    burst: burst.value ?? Math.max(1, Math.ceil(perMinute ?? 1)),
    concurrent: concurrent.value ?? null,
    at: { rate: rate.at, concurrent: concurrent.at },
  };
}

const who = (c: IntakeClient) => (c.kind === 'key' ? `API key ${c.id}` : `source ${c.id}`);

/**
 * Per-key and per-source intake limits (org config `limits`, docs/operations.md "Intake limits"): a token bucket of
 * leads per minute and a count of requests in progress, both in memory for this process (several instances each
 * allow the configured figures: documented). The limits are read from the org version in force at each request, so a
 * publication changes them at once; the counters survive it.
 */
export class IntakeLimiter {
  readonly #buckets = new TokenBuckets();
  readonly #inFlight = new Map<string, number>();
  readonly #deps: { readonly orgs: OrgRegistry; readonly now: () => number; readonly metrics: RemitMetrics };

  constructor(deps: { readonly orgs: OrgRegistry; readonly clock: { readonly now: () => number }; readonly metrics: RemitMetrics }) {
    this.#deps = { orgs: deps.orgs, now: deps.clock.now, metrics: deps.metrics };
  }

  /** The batch slicing settings in force. */
  get limits(): IntakeLimits {
    return this.#deps.orgs.current.config.limits ?? DEFAULT_INTAKE_LIMITS;
  }

  /** Requests of `client` admitted and not yet released (tests and diagnostics). */
  inFlight(client: IntakeClient): number {
    return this.#inFlight.get(`${client.kind}:${client.id}`) ?? 0;
  }

  /** The concurrency limit first (a refused request takes no tokens), then the rate. */
  admit(client: IntakeClient, leads: number): IntakeAdmission {
    const limit = resolve(this.limits, client);
    const id = `${client.kind}:${client.id}`;
    const running = this.#inFlight.get(id) ?? 0;
    if (limit.concurrent !== null && running >= limit.concurrent)
      return this.#refuse(client, 'concurrency', 1, limit.at.concurrent, `at most ${limit.concurrent} request(s) at once`);
    if (limit.leadsPerMinute !== null) {
      const bucket = { burst: limit.burst, perMinute: limit.leadsPerMinute };
      const taken = this.#buckets.take(id, bucket, this.#deps.now(), Math.max(1, leads));
      if (!taken.ok)
        return this.#refuse(client, 'rate', taken.retryAfterSeconds, limit.at.rate, `at most ${limit.leadsPerMinute} leads per minute`);
    }
    this.#inFlight.set(id, running + 1);
    let released = false;
    return {
      kind: 'admitted',
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#inFlight.get(id) ?? 1) - 1;
        if (left > 0) this.#inFlight.set(id, left);
        else this.#inFlight.delete(id);
      },
    };
  }

  #refuse(client: IntakeClient, limit: 'rate' | 'concurrency', retryAfterSeconds: number, at: readonly string[], what: string) {
    this.#deps.metrics.intakeLimited.inc({ scope: client.kind, limit });
    const failure = remitError(
      limit === 'rate' ? 'RATE_LIMITED' : 'CONCURRENCY_LIMITED',
      `${who(client)}: ${what}; retry in ${retryAfterSeconds} s`,
      [{ path: pointer(at), message: what }],
      { retryAfterSeconds },
    );
    return { kind: 'refused', failure, retryAfterSeconds } as const;
  }
}
