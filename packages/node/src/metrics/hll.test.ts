import { bucket, murmur3_x86_32 } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { armRegister, HLL_SEED, HyperLogLog, registerOfHash, unitHash, unitRegister } from './hll.js';

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

  it('packs the register index (top 10 bits) and rank (1 + leading zeros of the rest) of a hash', () => {
    expect(registerOfHash(0)).toBe((0 << 5) | 23);
    expect(registerOfHash(0xffffffff)).toBe((1023 << 5) | 1);
    expect(registerOfHash(0x00200000)).toBe((0 << 5) | 1);
    expect(registerOfHash(0x00100000)).toBe((0 << 5) | 2);
    expect(registerOfHash(0x80000001)).toBe((512 << 5) | 22);
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 3000; i++) {
      a.add(`u-${i}`);
      b.addHash(murmur3_x86_32(`u-${i}`, HLL_SEED));
    }
    expect(a.registers).toEqual(b.registers);
  });

  it('hashes unit keys exactly as the core murmur3 with the HLL seed (non-ASCII and lone surrogates too)', () => {
    const keys = ['', 'a', 'user-1', 'user-12345678', 'é', 'người dùng', '😀x', '\ud800', 'a\udc00b', 'x'.repeat(37)];
    for (const key of keys) {
      expect(unitHash(key)).toBe(murmur3_x86_32(key, HLL_SEED));
      expect(unitRegister(key)).toBe(registerOfHash(murmur3_x86_32(key, HLL_SEED)));
      expect(unitRegister(key)).toBe(registerOfHash(murmur3_x86_32(key, HLL_SEED)));
    }
  });

  it('gives the register and rank of the core murmur3 on every ASCII length 0–40 and char, and past ASCII', () => {
    for (let len = 0; len <= 40; len++) {
      for (let c = 0; c < 128; c += 7) {
        const key = Array.from({ length: len }, (_, i) => String.fromCharCode((c + i * 31) % 128)).join('');
        expect(unitRegister(key)).toBe(registerOfHash(murmur3_x86_32(key, HLL_SEED)));
        // A char past ASCII in each position of a block and of the tail, and one past 0xff (no bit 7 set).
        for (const wide of ['\u00e9', '\u0100', '\u4e00', '\ud83d\ude00', '\udc00']) {
          const mixed = `${key.slice(0, len >> 1)}${wide}${key.slice(len >> 1)}`;
          expect(unitRegister(mixed)).toBe(registerOfHash(murmur3_x86_32(mixed, HLL_SEED)));
        }
      }
    }
  });

  it("registers a rollout arm's unit from the bucketing hash, remixed by murmur3's finalizer with the HLL seed", () => {
    // murmur3 of no bytes under seed s is the finalizer of s: the remix, taken from the core's murmur3.
    const finalizer = (x: number) => murmur3_x86_32(new Uint8Array(0), x >>> 0);
    for (const h of [0, 1, -1, 0x5747, 0x7fffffff, -0x80000000, 123456789, -987654321]) {
      expect(armRegister(h)).toBe(registerOfHash(finalizer(h ^ HLL_SEED)));
    }
  });

  it('estimates the distinct units of a narrow arm: the bucket range does not bias the registers', () => {
    // Units of a 1 % treatment arm and of a 25 % control slice: their bucketing hashes share their high bits.
    const narrow = new HyperLogLog();
    const wide = new HyperLogLog();
    let inNarrow = 0;
    let inWide = 0;
    for (let i = 0; inNarrow < 8000; i++) {
      const unit = `user-${i}`;
      const hash = murmur3_x86_32(`checkout-v2/${unit}`, 0) | 0;
      const b = bucket('checkout-v2', unit);
      if (b < 1000) {
        narrow.addRegister(armRegister(hash));
        inNarrow++;
      } else if (b >= 75_000 && inWide < 30_000) {
        wide.addRegister(armRegister(hash));
        inWide++;
      }
    }
    // p = 10: standard error ≈ 3.25 %; three standard errors.
    expect(Math.abs(narrow.estimate() - inNarrow) / inNarrow).toBeLessThan(0.0975);
    expect(Math.abs(wide.estimate() - inWide) / inWide).toBeLessThan(0.0975);
    // Without the remix, the top bits of a 1 % arm are all zero: every unit would fall in register 0–10.
    const raw = new HyperLogLog();
    for (let i = 0, n = 0; n < 2000; i++) {
      if (bucket('checkout-v2', `user-${i}`) >= 1000) continue;
      raw.addHash(murmur3_x86_32(`checkout-v2/user-${i}`, 0));
      n++;
    }
    expect(raw.registers.filter((r) => r > 0).length).toBeLessThanOrEqual(11);
  });
});
