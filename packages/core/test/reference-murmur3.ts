/**
 * An independent, deliberately plain MurmurHash3 x86_32 (byte array in, `TextEncoder` for UTF-8, BigInt-free
 * but written from the reference C code step by step) used to check the production implementation and to
 * compute the conformance vectors. It shares no code with `src/`.
 */

function rotl32(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function mul32(a: number, b: number): number {
  // 32-bit multiply from 16-bit halves, without Math.imul.
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  return ((aLo * b + (((aHi * b) & 0xffff) << 16)) >>> 0) >>> 0;
}

/** MurmurHash3_x86_32 of raw bytes. */
export function referenceMurmur3(data: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h1 = seed >>> 0;
  const nblocks = Math.floor(data.length / 4);
  for (let i = 0; i < nblocks; i++) {
    let k1 = (data[i * 4]! | (data[i * 4 + 1]! << 8) | (data[i * 4 + 2]! << 16) | (data[i * 4 + 3]! << 24)) >>> 0;
    k1 = mul32(k1, c1);
    k1 = rotl32(k1, 15);
    k1 = mul32(k1, c2);
    h1 = (h1 ^ k1) >>> 0;
    h1 = rotl32(h1, 13);
    h1 = (mul32(h1, 5) + 0xe6546b64) >>> 0;
  }
  const tail = nblocks * 4;
  let k1 = 0;
  const rest = data.length & 3;
  if (rest >= 3) k1 ^= data[tail + 2]! << 16;
  if (rest >= 2) k1 ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    k1 ^= data[tail]!;
    k1 = mul32(k1 >>> 0, c1);
    k1 = rotl32(k1, 15);
    k1 = mul32(k1, c2);
    h1 = (h1 ^ k1) >>> 0;
  }
  h1 = (h1 ^ data.length) >>> 0;
  h1 = (h1 ^ (h1 >>> 16)) >>> 0;
  h1 = mul32(h1, 0x85ebca6b);
  h1 = (h1 ^ (h1 >>> 13)) >>> 0;
  h1 = mul32(h1, 0xc2b2ae35);
  h1 = (h1 ^ (h1 >>> 16)) >>> 0;
  return h1;
}

/** MurmurHash3_x86_32 of a string's UTF-8 bytes (via `TextEncoder`). */
export function referenceMurmur3String(text: string, seed = 0): number {
  return referenceMurmur3(new TextEncoder().encode(text), seed);
}

/** The bucket per the spec, computed with BigInt arithmetic: floor(h * 100000 / 2^32). */
export function referenceBucket(salt: string, unitKey: string): number {
  const h = referenceMurmur3String(`${salt}/${unitKey}`, 0);
  return Number((BigInt(h) * 100000n) >> 32n);
}
