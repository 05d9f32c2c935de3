/**
 * A token bucket per key (e.g. form × client IP), in memory, for one process: `burst` requests at
 * once, refilled at `perMinute`. Time comes from the caller (the service clock), so tests control it.
 * Idle keys whose bucket is full again are swept, so memory stays bounded by the active clients.
 */
export interface BucketLimits {
  readonly burst: number;
  readonly perMinute: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(opts: { maxKeys?: number } = {}) {
    this.maxKeys = opts.maxKeys ?? 50_000;
  }

  /**
   * Takes `cost` tokens (a batch of leads costs one per lead). A cost above the burst needs a full bucket and leaves it in
   * debt, so a large batch is never refused for ever and the sustained rate still holds (later requests wait the debt off).
   */
  take(key: string, limits: BucketLimits, nowMs: number, cost = 1): TakeResult {
    const ratePerMs = limits.perMinute / 60_000;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.sweep(limits, nowMs);
      b = { tokens: limits.burst, at: nowMs };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(limits.burst, b.tokens + Math.max(0, nowMs - b.at) * ratePerMs);
    b.at = nowMs;
    const needed = Math.min(cost, limits.burst);
    if (b.tokens >= needed) {
      b.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - b.tokens) / ratePerMs / 1000)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets that would be full by now (their clients are idle); the oldest half if none are. */
  private sweep(limits: BucketLimits, nowMs: number): void {
    const ratePerMs = limits.perMinute / 60_000;
    for (const [k, b] of this.buckets) if (b.tokens + (nowMs - b.at) * ratePerMs >= limits.burst) this.buckets.delete(k);
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.floor(this.buckets.size / 2);
      for (const k of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}
