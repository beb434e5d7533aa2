import { murmur3Continue, murmur3Prefix } from '@wavegate/core';

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

const UNIT_HASH_START = murmur3Prefix('', HLL_SEED);
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** `murmur3_x86_32(UTF-8(unitKey), HLL_SEED)`: the hash behind every register, as the server and web SDK take it. */
export function unitHash(unitKey: string): number {
  return murmur3Continue(UNIT_HASH_START, unitKey);
}

/**
 * The register a 32-bit unit hash falls in and the rank it brings, packed as `index << 5 | rank` (15 bits): the
 * top {@link HLL_PRECISION} bits pick the register, the rank is 1 + the leading zeros of the rest.
 */
export function registerOfHash(hash: number): number {
  const rest = hash << HLL_PRECISION;
  const rank = rest === 0 ? 32 - HLL_PRECISION + 1 : Math.clz32(rest) + 1;
  return ((hash >>> (32 - HLL_PRECISION)) << 5) | rank;
}

/**
 * The register and rank (packed as in {@link registerOfHash}) of a unit on a rollout arm, from the core's arm hash
 * (the `lastHash` of `CompiledFlag.armBucketer(result)`: the bucketing murmur3 of `salt/unitKey`, which the
 * evaluation computed anyway). An arm is
 * a range of buckets, so its units share the high bits of that hash: the register index is taken from the LOW
 * {@link HLL_PRECISION} bits, and the rank is 1 + the trailing zeros of the bits above them (bits 10, 11, … upward;
 * 23 when all 22 are zero). Those bits are uniform within any arm wider than 2^22 of the 2^32 hash values (0.1 %).
 */
export function armRegister(armHash: number): number {
  const rest = armHash >>> HLL_PRECISION;
  // 1 + trailing zeros of `rest`: the lowest set bit isolated, counted from the top.
  const rank = rest === 0 ? 32 - HLL_PRECISION + 1 : 32 - Math.clz32(rest & -rest);
  return ((armHash & (M - 1)) << 5) | rank;
}

/**
 * Note a rollout arm's unit in `registers` (a HyperLogLog's) by its arm hash: the register and rank of
 * {@link armRegister}, computed in place. The register takes the larger of its value and the rank with integer
 * arithmetic and an unconditional store: whether a unit raises its register is a coin toss the CPU cannot predict
 * (side by side with a branch, 1–3 % faster on a rollout flag's `isEnabled`).
 */
export function noteArmHash(registers: Uint8Array, armHash: number): void {
  const index = armHash & (M - 1);
  // The bit above the 22 makes the rank 23 when they are all zero, without a branch.
  const rest = (armHash >>> HLL_PRECISION) | (1 << (32 - HLL_PRECISION));
  const rank = 32 - Math.clz32(rest & -rest);
  const current = registers[index]!;
  const d = rank - current;
  registers[index] = current + (d & ~(d >> 31));
}

/**
 * `registerOfHash(unitHash(unitKey))`, with the murmur3 of an ASCII key (its UTF-8 bytes are its char codes)
 * written out here. The result is always a small integer: the 32-bit hash never leaves this function, so it never
 * becomes a heap number, whether or not the caller inlines it (V8 does not: it is past the inlining size limit).
 */
export function unitRegister(unitKey: string): number {
  const n = unitKey.length;
  let h = HLL_SEED;
  // The OR of every char code: past 0x7f, UTF-8 bytes are not char codes and the general path hashes the key.
  let chars = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const c0 = unitKey.charCodeAt(i);
    const c1 = unitKey.charCodeAt(i + 1);
    const c2 = unitKey.charCodeAt(i + 2);
    const c3 = unitKey.charCodeAt(i + 3);
    chars |= c0 | c1 | c2 | c3;
    let k = Math.imul(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    const c0 = unitKey.charCodeAt(i);
    const c1 = i + 1 < n ? unitKey.charCodeAt(i + 1) : 0;
    const c2 = i + 2 < n ? unitKey.charCodeAt(i + 2) : 0;
    chars |= c0 | c1 | c2;
    let k = Math.imul(c0 | (c1 << 8) | (c2 << 16), C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  if (chars >= 0x80) return registerOfHash(unitHash(unitKey));
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const rest = h << HLL_PRECISION;
  const rank = rest === 0 ? 32 - HLL_PRECISION + 1 : Math.clz32(rest) + 1;
  return ((h >>> (32 - HLL_PRECISION)) << 5) | rank;
}

/**
 * A HyperLogLog of unit keys (p = 10): `murmur3_x86_32(UTF-8(unitKey), seed 0x5747)`; merge = max per register.
 * Only hashes of unit keys leave the process, never the keys.
 */
export class HyperLogLog {
  readonly registers = new Uint8Array(M);

  /** Add a unit key. */
  add(unitKey: string): void {
    this.addRegister(unitRegister(unitKey));
  }

  /** Add a 32-bit hash (from {@link unitHash}). */
  addHash(hash: number): void {
    this.addRegister(registerOfHash(hash));
  }

  /** Add a packed register and rank (from {@link unitRegister} or {@link registerOfHash}). */
  addRegister(packed: number): void {
    const index = packed >>> 5;
    const rank = packed & 31;
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

/** Distinct units of one `track()` metric in one window: a HyperLogLog allocated on first use. */
export class UnitCounter {
  private hll: HyperLogLog | undefined;

  /** Note one unit. */
  add(unitKey: string): void {
    if (this.hll === undefined) this.hll = new HyperLogLog();
    this.hll.add(unitKey);
  }

  /** True when no unit was noted. */
  get empty(): boolean {
    return this.hll === undefined;
  }

  /** Everything noted, as one HyperLogLog. */
  toHll(): HyperLogLog {
    return this.hll ?? new HyperLogLog();
  }
}
