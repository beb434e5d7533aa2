import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, step: (ms: number) => (t += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst of `capacity`, then refuses with a whole-second Retry-After', () => {
    const c = clock();
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 0.5 }, c.now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });

  it('refills with time and never above capacity', () => {
    const c = clock();
    const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 1 }, c.now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    c.step(1000);
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 0 });
    c.step(60_000);
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 1 });
  });

  it('keeps keys apart', () => {
    const c = clock();
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 1 }, c.now);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('denied requests take nothing, and peek takes nothing', () => {
    const c = clock();
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 1 }, c.now);
    limiter.take('a');
    for (let i = 0; i < 5; i++) limiter.take('a');
    c.step(1000);
    expect(limiter.peek('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('sweep drops buckets that are full again', () => {
    const c = clock();
    const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 1 }, c.now);
    limiter.take('a');
    limiter.take('b');
    limiter.take('b');
    c.step(1000);
    limiter.sweep();
    expect(limiter.size).toBe(1);
    c.step(1000);
    limiter.sweep();
    expect(limiter.size).toBe(0);
  });

  it('rejects a policy that could never allow a request', () => {
    expect(() => new RateLimiter({ capacity: 0, refillPerSecond: 1 }, Date.now)).toThrow(RangeError);
  });
});
