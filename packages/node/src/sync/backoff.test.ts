import { describe, expect, it } from 'vitest';
import { Backoff, parseRetryAfter } from './backoff.js';

describe('Backoff', () => {
  it('doubles the cap per attempt up to the bound, with full jitter, and resets', () => {
    const caps: number[] = [];
    const b = new Backoff({ initialDelayMs: 500, maxDelayMs: 30_000 }, () => 0.999999);
    for (let i = 0; i < 9; i++) caps.push(b.next());
    expect(caps).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]);
    b.reset();
    expect(b.next()).toBe(499);
    const low = new Backoff({ initialDelayMs: 500, maxDelayMs: 30_000 }, () => 0);
    expect(low.next()).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 22, 4, 0, 0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(new Date(now + 12_000).toUTCString(), now)).toBe(12_000);
    expect(parseRetryAfter(new Date(now - 12_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
