/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby's `MurmurHash3_x86_32`), over UTF-8 bytes.
 *
 * Besides the one-shot {@link murmur3_x86_32}, this module offers a split form used by the evaluator:
 * {@link murmur3Prefix} hashes a constant prefix (the salt and `/`) once, and {@link murmur3Continue} hashes
 * only the unit key per call, reading UTF-16 char codes and emitting UTF-8 bytes on the fly (no allocation).
 *
 * @module
 */

import { utf8Bytes } from './utf8.js';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** The state of a murmur3 hash after some bytes: reusable as the start of any continuation. */
export interface Murmur3State {
  /** Running hash after every full 4-byte block. */
  readonly h1: number;
  /** Up to 3 trailing bytes not yet in a full block, little-endian in the low bits. */
  readonly carry: number;
  /** How many bytes `carry` holds (0–3). */
  readonly carryLength: number;
  /** Total bytes consumed so far. */
  readonly length: number;
}

function mixBlock(h1: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  let h = h1 ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h1: number, carry: number, carryLength: number, length: number): number {
  let h = h1;
  if (carryLength > 0) {
    let k = Math.imul(carry, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function consumeBytes(seed: number, bytes: Uint8Array): Murmur3State {
  let h1 = seed | 0;
  const n = bytes.length;
  const blocks = n - (n % 4);
  for (let i = 0; i < blocks; i += 4) {
    const block = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h1 = mixBlock(h1, block);
  }
  let carry = 0;
  for (let i = blocks; i < n; i++) carry |= bytes[i]! << ((i - blocks) * 8);
  return { h1, carry, carryLength: n - blocks, length: n };
}

/**
 * MurmurHash3 x86 32-bit of a byte array, or of a string's UTF-8 bytes; an unsigned 32-bit integer.
 * @example murmur3_x86_32('hello', 0) // 613153351
 */
export function murmur3_x86_32(input: string | Uint8Array, seed = 0): number {
  const bytes = typeof input === 'string' ? utf8Bytes(input) : input;
  const s = consumeBytes(seed, bytes);
  return finish(s.h1, s.carry, s.carryLength, s.length);
}

/**
 * Hashes a constant prefix once; pass the state to {@link murmur3Continue} for each suffix.
 * @example murmur3Continue(murmur3Prefix('checkout-v2/'), 'user-1') === murmur3_x86_32('checkout-v2/user-1')
 */
export function murmur3Prefix(prefix: string, seed = 0): Murmur3State {
  return consumeBytes(seed, utf8Bytes(prefix));
}

/**
 * Finishes the hash of `prefix + suffix` from the prefix's state, reading the suffix's UTF-8 bytes
 * from its char codes without allocating (4 ASCII chars per step when it can).
 */
export function murmur3Continue(state: Murmur3State, suffix: string): number {
  let h1 = state.h1;
  let carry = state.carry;
  let carryLength = state.carryLength;
  const n = suffix.length;
  let length = state.length;
  let i = 0;
  // Fast path: whole runs of 4 ASCII chars, spliced onto the carried bytes with shifts.
  const shift = carryLength << 3;
  while (i + 4 <= n) {
    const c0 = suffix.charCodeAt(i);
    const c1 = suffix.charCodeAt(i + 1);
    const c2 = suffix.charCodeAt(i + 2);
    const c3 = suffix.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) break;
    const word = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
    if (shift === 0) {
      h1 = mixBlock(h1, word);
    } else {
      h1 = mixBlock(h1, carry | (word << shift));
      carry = word >>> (32 - shift);
    }
    i += 4;
    length += 4;
  }
  for (; i < n; i++) {
    let c = suffix.charCodeAt(i);
    if (c < 0x80) {
      carry |= c << (carryLength << 3);
      length++;
      if (++carryLength === 4) {
        h1 = mixBlock(h1, carry);
        carry = 0;
        carryLength = 0;
      }
      continue;
    }
    let bytes: number;
    let count: number;
    if (c < 0x800) {
      bytes = 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8);
      count = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? suffix.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        bytes =
          0xf0 |
          (c >> 18) |
          ((0x80 | ((c >> 12) & 0x3f)) << 8) |
          ((0x80 | ((c >> 6) & 0x3f)) << 16) |
          ((0x80 | (c & 0x3f)) << 24);
        count = 4;
      } else {
        bytes = 0xef | (0xbf << 8) | (0xbd << 16);
        count = 3;
      }
    } else {
      bytes = 0xe0 | (c >> 12) | ((0x80 | ((c >> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
      count = 3;
    }
    for (let b = 0; b < count; b++) {
      carry |= ((bytes >>> (b << 3)) & 0xff) << (carryLength << 3);
      if (++carryLength === 4) {
        h1 = mixBlock(h1, carry);
        carry = 0;
        carryLength = 0;
      }
    }
    length += count;
  }
  return finish(h1, carry, carryLength, length);
}
