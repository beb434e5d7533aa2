import { murmur3_x86_32 } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { HLL_SEED, HyperLogLog, unitHash } from './hll.js';
import { newSketch, sketchFromJson, sketchToJson } from './sketch-json.js';

describe('latency sketch JSON', () => {
  it('round-trips and merges like the original sketches', () => {
    const a = newSketch();
    const b = newSketch();
    for (let i = 1; i <= 1000; i++) a.accept(i * 0.7);
    for (let i = 1; i <= 500; i++) b.accept(i * 3);
    a.accept(0);
    const json = JSON.parse(JSON.stringify(sketchToJson(a)));
    const back = sketchFromJson(json);
    expect(back.count).toBe(1001);
    expect(back.zeroCount).toBe(1);
    for (const q of [0.5, 0.9, 0.99]) expect(back.getValueAtQuantile(q)).toBe(a.getValueAtQuantile(q));
    const merged = sketchFromJson(json);
    merged.merge(sketchFromJson(sketchToJson(b)));
    a.merge(b);
    expect(merged.count).toBe(1501);
    expect(merged.getValueAtQuantile(0.95)).toBe(a.getValueAtQuantile(0.95));
    expect(json.positive.counts.reduce((x: number, y: number) => x + y, 0)).toBe(1000);
  });

  it('serialises an empty sketch', () => {
    expect(sketchToJson(newSketch())).toMatchObject({ count: 0, positive: { counts: [] }, min: 0, max: 0 });
  });
});

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
});
