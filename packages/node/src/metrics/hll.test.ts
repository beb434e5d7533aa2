import { bucket, murmur3_x86_32, murmur3Continue, murmur3Prefix } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { armRegister, HLL_SEED, HyperLogLog, noteArmHash, registerOfHash, unitHash, unitRegister } from './hll.js';

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

  it("registers a rollout arm's unit by the low bits of the bucketing hash: index, then trailing zeros", () => {
    const bits = (h: number) => (h >>> 0).toString(2).padStart(32, '0');
    for (const h of [0, 1, -1, 0x5747, 0x400, 0x7fffffff, -0x80000000, 123456789, -987654321, 0x00100c00]) {
      const b = bits(h);
      const index = Number.parseInt(b.slice(22), 2);
      const above = b.slice(0, 22);
      const rank = above.includes('1') ? above.length - above.lastIndexOf('1') : 23;
      expect(armRegister(h)).toBe((index << 5) | rank);
    }
  });

  it('noteArmHash raises a register to the rank of armRegister, never lowers it', () => {
    // Every rank 1–23 into one register, in rising, falling and mixed order; then pseudo-random hashes everywhere.
    const ranks = Array.from({ length: 23 }, (_, k) => (k === 22 ? 5 : 5 | (1 << (10 + k))));
    const mixed = ranks.map((_, k) => ranks[(k * 7) % 23]!);
    const noted = new Uint8Array(1024);
    const byMax = new Uint8Array(1024);
    let state = 0x2545f491;
    const random = Array.from({ length: 20_000 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) | 0;
      return state;
    });
    for (const h of [...ranks, ...[...ranks].reverse(), ...mixed, ...random]) {
      noteArmHash(noted, h);
      const packed = armRegister(h);
      byMax[packed >>> 5] = Math.max(byMax[packed >>> 5]!, packed & 31);
      expect(noted[packed >>> 5]).toBe(byMax[packed >>> 5]);
    }
    expect(noted[5]).toBe(23);
    expect(noted).toEqual(byMax);
  });

  it('estimates the distinct units of narrow and wide arms: the bucket range does not bias the registers', () => {
    // Units of a 0.1 % and a 1 % treatment arm and of a 25 % control slice: their bucketing hashes share high bits.
    const prefix = murmur3Prefix('checkout-v2/', 0);
    const arms = [
      { from: 0, to: 100, want: 3000 },
      { from: 0, to: 1000, want: 8000 },
      { from: 75_000, to: 100_000, want: 30_000 },
    ].map((a) => ({ ...a, hll: new HyperLogLog(), seen: 0 }));
    for (let i = 0; arms.some((a) => a.seen < a.want); i++) {
      const unit = `user-${i}`;
      const hash = murmur3Continue(prefix, unit);
      const b = Math.floor((hash * 100_000) / 4294967296);
      if (i < 100) expect(b).toBe(bucket('checkout-v2', unit));
      for (const a of arms) {
        if (b < a.from || b >= a.to || a.seen >= a.want) continue;
        a.hll.addRegister(armRegister(hash | 0));
        a.seen++;
      }
    }
    // p = 10: standard error ≈ 3.25 %; three standard errors.
    for (const a of arms) expect(Math.abs(a.hll.estimate() - a.seen) / a.seen).toBeLessThan(0.0975);
    // The top bits, which the unit-key hash uses, are all zero in a 1 % arm: every unit would fall in register 0–10.
    const raw = new HyperLogLog();
    for (let i = 0, n = 0; n < 2000; i++) {
      if (bucket('checkout-v2', `user-${i}`) >= 1000) continue;
      raw.addHash(murmur3_x86_32(`checkout-v2/user-${i}`, 0));
      n++;
    }
    expect(raw.registers.filter((r) => r > 0).length).toBeLessThanOrEqual(11);
  });
});
