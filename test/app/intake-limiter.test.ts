import { describe, expect, it } from 'vitest';
import { IntakeLimiter } from '../../src/app/intake/intake-limiter.ts';
import { RemitMetrics } from '../../src/app/observability/remit-metrics.ts';
import type { OrgRegistry } from '../../src/app/routing/org-registry.ts';
import { IntakeLimitsSchema } from '../../src/domain/org/intake-limits.schema.ts';

/** The limiter against an org whose `limits` section is `limits` (parsed like a published config), at a settable time. */
function limiterWith(limits: unknown) {
  const clock = { ms: 0, now: () => clock.ms };
  const orgs = { current: { config: { limits: IntakeLimitsSchema.parse(limits) } } } as unknown as OrgRegistry;
  const metrics = new RemitMetrics({ processMetrics: false });
  return { limiter: new IntakeLimiter({ orgs, clock, metrics }), clock, metrics };
}

const key = (id: string) => ({ kind: 'key', id }) as const;
const source = (id: string) => ({ kind: 'source', id }) as const;

describe('intake limiter (org config limits)', () => {
  it('without limits admits everything (the default)', () => {
    const { limiter } = limiterWith({});
    for (let i = 0; i < 1000; i++) expect(limiter.admit(key('k'), 500).kind).toBe('admitted');
    expect(limiter.inFlight(key('k'))).toBe(1000);
  });

  it('a per-key override replaces the default field by field; null lifts a default', () => {
    const { limiter } = limiterWith({
      keys: { leadsPerMinute: 1, concurrent: 1 },
      byKey: { bulk: { leadsPerMinute: null }, fast: { leadsPerMinute: 600, burst: 3 } },
    });
    // bulk: no rate limit, but still one request at once (the default's concurrent).
    const first = limiter.admit(key('bulk'), 500);
    expect(first.kind).toBe('admitted');
    const second = limiter.admit(key('bulk'), 1);
    expect(second).toMatchObject({
      kind: 'refused',
      failure: { code: 'CONCURRENCY_LIMITED', details: [{ path: '/limits/keys/concurrent' }] },
    });
    if (first.kind === 'admitted') first.release();
    expect(limiter.admit(key('bulk'), 500).kind).toBe('admitted');
    // fast: its own rate and burst.
    for (let i = 0; i < 3; i++) {
      const a = limiter.admit(key('fast'), 1);
      expect(a.kind).toBe('admitted');
      if (a.kind === 'admitted') a.release();
    }
    expect(limiter.admit(key('fast'), 1)).toMatchObject({
      kind: 'refused',
      retryAfterSeconds: 1,
      failure: { code: 'RATE_LIMITED', details: [{ path: '/limits/byKey/fast/leadsPerMinute', message: 'at most 600 leads per minute' }] },
    });
  });

  it('keys and sources are separate scopes; each refusal is counted in remit_intake_limited_total', async () => {
    const { limiter, metrics } = limiterWith({ sources: { leadsPerMinute: 1 }, bySource: { 'uk-isa-enquiry': { concurrent: 1 } } });
    expect(limiter.admit(key('uk-isa-enquiry'), 10).kind).toBe('admitted');
    expect(limiter.admit(source('uk-isa-enquiry'), 1).kind).toBe('admitted');
    expect(limiter.admit(source('uk-isa-enquiry'), 1)).toMatchObject({ failure: { code: 'CONCURRENCY_LIMITED' } });
    expect(limiter.admit(source('other-form'), 1).kind).toBe('admitted');
    expect(limiter.admit(source('other-form'), 1)).toMatchObject({
      failure: { code: 'RATE_LIMITED', details: [{ path: '/limits/sources/leadsPerMinute' }] },
      retryAfterSeconds: 60,
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('remit_intake_limited_total{scope="source",limit="concurrency"} 1');
    expect(text).toContain('remit_intake_limited_total{scope="source",limit="rate"} 1');
  });

  it('a refused request takes no tokens, and release is counted once', () => {
    const { limiter, clock } = limiterWith({ keys: { leadsPerMinute: 60, burst: 2, concurrent: 1 } });
    const a = limiter.admit(key('k'), 1);
    // Refused for concurrency: the bucket keeps its token.
    expect(limiter.admit(key('k'), 1)).toMatchObject({ failure: { code: 'CONCURRENCY_LIMITED' } });
    if (a.kind !== 'admitted') throw new Error('expected admitted');
    a.release();
    a.release();
    expect(limiter.inFlight(key('k'))).toBe(0);
    const b = limiter.admit(key('k'), 1);
    expect(b.kind).toBe('admitted');
    if (b.kind === 'admitted') b.release();
    expect(limiter.admit(key('k'), 1)).toMatchObject({ failure: { code: 'RATE_LIMITED' }, retryAfterSeconds: 1 });
    clock.ms += 1000;
    expect(limiter.admit(key('k'), 1).kind).toBe('admitted');
  });

  it('the schema refuses figures that are not positive and unknown fields', () => {
    expect(IntakeLimitsSchema.safeParse({ keys: { concurrent: 0 } }).success).toBe(false);
    expect(IntakeLimitsSchema.safeParse({ keys: { leadsPerMinute: -1 } }).success).toBe(false);
    expect(IntakeLimitsSchema.safeParse({ batchSlice: 0 }).success).toBe(false);
    expect(IntakeLimitsSchema.safeParse({ keys: { perMinute: 10 } }).success).toBe(false);
    expect(IntakeLimitsSchema.parse({})).toMatchObject({ batchSlice: 10, batchSliceMs: 25, batchTurnsAtOnce: 1 });
  });
});
