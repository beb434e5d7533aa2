import { murmur3_x86_32 } from '@wavegate/core';

/** HyperLogLog precision: 2^10 = 1024 registers, standard error ≈ 1.04 / √1024 ≈ 3.3%. */
export const HLL_PRECISION = 10;
const M = 1 << HLL_PRECISION;
/** Seed of the unit hash (independent of bucketing, which uses seed 0 over `salt/unitKey`). */
export const HLL_SEED = 0x5747;
/** A sparse encoding is sent while fewer than this many registers are set. */
const SPARSE_LIMIT = 128;

/**
 * HyperLogLog registers on the wire: `sparse` is a flat list `[index, rank, index, rank, …]` of the non-zero
 * registers (ascending index); `dense` is base64 of all 2^p registers, one byte each. Exactly one is present.
 */
export interface HllJson {
  p: number;
  sparse?: number[];
  dense?: string;
}

/** Rank of a 32-bit hash: index = top p bits, rank = 1 + leading zeros of the other 22 bits (max 23). */
function registerOf(hash: number): [number, number] {
  const index = hash >>> (32 - HLL_PRECISION);
  const rest = (hash << HLL_PRECISION) >>> 0;
  const rank = rest === 0 ? 32 - HLL_PRECISION + 1 : Math.clz32(rest) + 1;
  return [index, rank];
}

/**
 * A HyperLogLog of unit keys (p = 10): `murmur3_x86_32(UTF-8(unitKey), seed 0x5747)`; merge = max per register.
 * Only hashes of unit keys leave the process, never the keys.
 */
export class HyperLogLog {
  readonly registers = new Uint8Array(M);

  /** Add a unit key. */
  add(unitKey: string): void {
    const [index, rank] = registerOf(murmur3_x86_32(unitKey, HLL_SEED));
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  /** Merge another sketch into this one (max per register). */
  merge(other: HyperLogLog): void {
    for (let i = 0; i < M; i++) if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
  }

  /** The cardinality estimate (with the small-range linear-counting correction). */
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    const raw = (alpha * M * M) / sum;
    if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    return Math.round(raw);
  }

  /** The wire form (sparse while few registers are set). */
  toJSON(): HllJson {
    const sparse: number[] = [];
    for (let i = 0; i < M; i++) {
      const r = this.registers[i]!;
      if (r === 0) continue;
      if (sparse.length >= SPARSE_LIMIT * 2)
        return { p: HLL_PRECISION, dense: Buffer.from(this.registers).toString('base64') };
      sparse.push(i, r);
    }
    return { p: HLL_PRECISION, sparse };
  }

  /** Read the wire form back. */
  static fromJSON(json: HllJson): HyperLogLog {
    const hll = new HyperLogLog();
    if (json.dense !== undefined) hll.registers.set(Buffer.from(json.dense, 'base64').subarray(0, M));
    const sparse = json.sparse ?? [];
    for (let i = 0; i + 1 < sparse.length; i += 2) hll.registers[sparse[i]!] = sparse[i + 1]!;
    return hll;
  }
}

/**
 * Distinct units of one series in one window: a bounded `Set` of unit keys (cheap on the hot path: V8 caches a
 * string's hash) in front of a HyperLogLog. When the set reaches `limit` keys, they are hashed into the HLL and the
 * set is emptied; at window close the rest follows. So memory is bounded and each distinct unit is hashed about
 * once per window.
 */
export class UnitCounter {
  private readonly pending = new Set<string>();
  private hll: HyperLogLog | undefined;

  constructor(private readonly limit = 4096) {}

  /** Note one unit. */
  add(unitKey: string): void {
    this.pending.add(unitKey);
    if (this.pending.size >= this.limit) this.fold();
  }

  /** True when no unit was noted. */
  get empty(): boolean {
    return this.pending.size === 0 && this.hll === undefined;
  }

  /** Everything noted, as one HyperLogLog. */
  toHll(): HyperLogLog {
    this.fold();
    return this.hll ?? new HyperLogLog();
  }

  private fold(): void {
    if (this.pending.size === 0) return;
    const hll = this.hll ?? new HyperLogLog();
    for (const key of this.pending) hll.add(key);
    this.pending.clear();
    this.hll = hll;
  }
}
