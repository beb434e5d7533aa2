import { murmur3_x86_32 } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { HLL_SEED, HyperLogLog, unitHash } from './hll.js';

describe('HyperLogLog', () => {
  it('estimates distinct units within a few percent and merges by register max', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 20_000; i++) a.add(`user-${i}`);
    for (let i = 10_000; i < 30_000; i++) b.add(`user-${i}`);
    expect(Math.abs(a.estimate() - 20_000) / 20_000).toBeLessThan(0.1);
    a.merge(b);
    expect(Math.abs(a.estimate() - 30_000) / 30_000).toBeLessThan(0.1);
  });

  it('is exact-ish for small counts and round-trips sparse and dense forms', () => {
    const small = new HyperLogLog();
    for (let i = 0; i < 37; i++) small.add(`u${i}`);
    small.add('u1');
    expect(small.estimate()).toBeGreaterThanOrEqual(35);
    expect(small.estimate()).toBeLessThanOrEqual(39);
    const sparse = small.toJSON();
    expect(sparse.sparse).toBeDefined();
    expect(HyperLogLog.fromJSON(sparse).registers).toEqual(small.registers);
    const big = new HyperLogLog();
    for (let i = 0; i < 5000; i++) big.add(`k${i}`);
    const dense = big.toJSON();
    expect(dense.dense).toBeDefined();
    expect(HyperLogLog.fromJSON(dense).registers).toEqual(big.registers);
  });

  it('hashes unit keys exactly as the core murmur3 with the HLL seed (non-ASCII and lone surrogates too)', () => {
    const keys = ['', 'a', 'user-1', 'user-12345678', 'é', 'người dùng', '😀x', '\ud800', 'a\udc00b', 'x'.repeat(37)];
    for (const key of keys) {
      expect(unitHash(key)).toBe(murmur3_x86_32(key, HLL_SEED));
      expect(unitHash(key)).toBe(murmur3_x86_32(key, HLL_SEED));
    }
  });

  it('agrees with the core murmur3 on every ASCII length 0–40 and char, and falls back past ASCII', () => {
    for (let len = 0; len <= 40; len++) {
      for (let c = 0; c < 128; c += 7) {
        const key = Array.from({ length: len }, (_, i) => String.fromCharCode((c + i * 31) % 128)).join('');
        expect(unitHash(key)).toBe(murmur3_x86_32(key, HLL_SEED));
        const mixed = `${key}\u00e9${key}`;
        expect(unitHash(mixed)).toBe(murmur3_x86_32(mixed, HLL_SEED));
      }
    }
  });
});
