/**
 * HyperLogLog registers as the SDKs send them ("Metrics batch v1" in docs/sdk-node.md): p = 10, one byte per
 * register, merge = maximum per register. The server never sees unit keys, only these registers.
 */
export const HLL_PRECISION = 10;
export const HLL_REGISTERS = 1 << HLL_PRECISION;
// rank = 1 + leading zeros of the remaining 32 − p bits, so at most 23 for p = 10.
const MAX_RANK = 32 - HLL_PRECISION + 1;

// Decoded registers are views into shared slabs: a batch carries several register sets, and one backing store
// (an off-heap allocation the garbage collector tracks one by one) per set made ingestion GC-bound. A slab is freed
// once no view of it is left (its batches committed); a view never grows, and copies (merges) are new arrays.
const SLAB_SETS = 64;
let slab = new ArrayBuffer(0);
let slabNext = 0;

function freshRegisters(): Uint8Array {
  if (slabNext === SLAB_SETS || slab.byteLength === 0) {
    slab = new ArrayBuffer(SLAB_SETS * HLL_REGISTERS);
    slabNext = 0;
  }
  return new Uint8Array(slab, HLL_REGISTERS * slabNext++, HLL_REGISTERS);
}

/** Registers from `{p, sparse}` or `{p, dense}`, or a reason when they are not well formed. */
export function decodeHll(json: { p: number; sparse?: number[]; dense?: string }): Uint8Array | string {
  if (json.p !== HLL_PRECISION) return `p must be ${HLL_PRECISION}`;
  if ((json.sparse === undefined) === (json.dense === undefined)) return 'exactly one of sparse or dense is required';
  if (json.dense !== undefined) {
    const bytes = Buffer.from(json.dense, 'base64');
    if (bytes.length !== HLL_REGISTERS) return `dense must be base64 of ${HLL_REGISTERS} bytes`;
    const registers = freshRegisters();
    for (let i = 0; i < HLL_REGISTERS; i++) {
      if (bytes[i]! > MAX_RANK) return `register ${i} exceeds ${MAX_RANK}`;
      registers[i] = bytes[i]!;
    }
    return registers;
  }
  const sparse = json.sparse!;
  if (sparse.length % 2 !== 0) return 'sparse must be [index, rank, …] pairs';
  const registers = freshRegisters();
  let previous = -1;
  for (let k = 0; k < sparse.length; k += 2) {
    const index = sparse[k]!;
    const rank = sparse[k + 1]!;
    if (!Number.isInteger(index) || index <= previous || index >= HLL_REGISTERS) {
      return 'sparse indexes must be ascending integers below 1024';
    }
    if (!Number.isInteger(rank) || rank < 1 || rank > MAX_RANK) return `sparse ranks must be integers in 1…${MAX_RANK}`;
    registers[index] = rank;
    previous = index;
  }
  return registers;
}

/** Merges `from` into `into` (maximum per register). */
export function mergeHll(into: Uint8Array, from: Uint8Array): void {
  if (from.byteOffset % 4 !== 0) {
    for (let i = 0; i < HLL_REGISTERS; i++) if (from[i]! > into[i]!) into[i] = from[i]!;
    return;
  }
  // SDKs send a few dozen set registers (sparse): four at a time, all-zero words skipped.
  const words = new Uint32Array(from.buffer, from.byteOffset, HLL_REGISTERS / 4);
  for (let w = 0; w < HLL_REGISTERS / 4; w++) {
    if (words[w] === 0) continue;
    for (let i = w * 4; i < w * 4 + 4; i++) if (from[i]! > into[i]!) into[i] = from[i]!;
  }
}

/** The cardinality estimate, with the small-range linear-counting correction (same formula as the SDK's). */
export function estimateHll(registers: Uint8Array): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const r = registers[i]!;
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const m = HLL_REGISTERS;
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
  return Math.round(raw);
}
