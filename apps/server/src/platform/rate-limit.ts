/** Token-bucket settings: `capacity` requests in a burst, refilled at `refillPerSecond`. */
export interface RateLimitPolicy {
  capacity: number;
  refillPerSecond: number;
}

/** The outcome of taking one request's token from a bucket. */
export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** Milliseconds since epoch of the last refill. */
  at: number;
}

/**
 * One token bucket per key (a token id, or `ip:<address>` for failed authentication, the address being Fastify's
 * `request.ip`: the connection's peer, or with `--trust-proxy` the client a trusted proxy names), in memory, per
 * process.
 * Time comes from `now()` so tests step a clock instead of sleeping. Buckets that have refilled completely are
 * dropped by `sweep()` (called on each `take` every `sweepEvery` calls), so the map stays bounded by the number
 * of keys active in the last `capacity / refillPerSecond` seconds.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private calls = 0;

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly now: () => number,
    private readonly sweepEvery = 10_000,
  ) {
    if (!(policy.capacity >= 1) || !(policy.refillPerSecond > 0)) {
      throw new RangeError('rate limit needs capacity >= 1 and refillPerSecond > 0');
    }
  }

  /** Takes one token for `key`. Denied requests take nothing, so a client that backs off recovers. */
  take(key: string): RateLimitDecision {
    if (++this.calls % this.sweepEvery === 0) this.sweep();
    const now = this.now();
    const bucket = this.refill(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const wait = (1 - bucket.tokens) / this.policy.refillPerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }

  /** Whether `key` would be allowed now, without taking a token (used to refuse before work is done). */
  peek(key: string): RateLimitDecision {
    const bucket = this.buckets.get(key);
    if (!bucket) return { allowed: true, remaining: this.policy.capacity };
    const tokens = this.levelAt(bucket, this.now());
    if (tokens >= 1) return { allowed: true, remaining: Math.floor(tokens) };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.policy.refillPerSecond)) };
  }

  /** Drops buckets that are full again; they hold no information a fresh bucket would not. */
  sweep(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) {
      if (this.levelAt(bucket, now) >= this.policy.capacity) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.policy.capacity, at: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = this.levelAt(bucket, now);
    bucket.at = Math.max(bucket.at, now);
    return bucket;
  }

  private levelAt(bucket: Bucket, now: number): number {
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    return Math.min(this.policy.capacity, bucket.tokens + elapsed * this.policy.refillPerSecond);
  }
}
