import { describe, expect, it } from 'vitest';
import { decodeHll, estimateHll, HLL_REGISTERS, mergeHll } from './hll.js';

function sparseOf(registers: Uint8Array): number[] {
  const out: number[] = [];
  registers.forEach((rank, index) => {
    if (rank > 0) out.push(index, rank);
  });
  return out;
}

function decoded(sparse: number[]): Uint8Array {
  const registers = decodeHll({ p: 10, sparse });
  if (typeof registers === 'string') throw new Error(registers);
  return registers;
}

describe('HyperLogLog registers', () => {
  it('decodes many register sets that stay independent of one another (they share backing slabs)', () => {
    const sets = Array.from({ length: 200 }, (_, n) => decoded([n, 1 + (n % 23), 1000, 2]));
    mergeHll(sets[0]!, decoded([5, 20, 1023, 23]));
    expect(sparseOf(sets[0]!)).toEqual([0, 1, 5, 20, 1000, 2, 1023, 23]);
    sets.slice(1).forEach((registers, i) => {
      expect(registers.length).toBe(HLL_REGISTERS);
      expect(sparseOf(registers)).toEqual([i + 1, 1 + ((i + 1) % 23), 1000, 2]);
    });
  });

  it('merges the maximum per register, from aligned and unaligned arrays alike', () => {
    const from = decoded([0, 3, 1, 7, 2, 1, 511, 9, 1023, 4]);
    const unaligned = new Uint8Array(new ArrayBuffer(HLL_REGISTERS + 1), 1, HLL_REGISTERS);
    unaligned.set(from);
    for (const source of [from, unaligned]) {
      const into = decoded([0, 5, 1, 2, 700, 6]);
      mergeHll(into, source);
      expect(sparseOf(into)).toEqual([0, 5, 1, 7, 2, 1, 511, 9, 700, 6, 1023, 4]);
      expect(sparseOf(source)).toEqual([0, 3, 1, 7, 2, 1, 511, 9, 1023, 4]);
    }
  });

  it('estimates a dense set decoded from base64 as from the same registers sent sparse', () => {
    const sparse: number[] = [];
    for (let i = 0; i < 300; i++) sparse.push(i * 3, 1 + (i % 5));
    const registers = decoded(sparse);
    const dense = decodeHll({ p: 10, dense: Buffer.from(registers).toString('base64') });
    expect(dense).toEqual(registers);
    expect(estimateHll(dense as Uint8Array)).toBe(estimateHll(registers));
    expect(decodeHll({ p: 10, sparse: [3, 1, 2, 1] })).toBe('sparse indexes must be ascending integers below 1024');
  });
});
