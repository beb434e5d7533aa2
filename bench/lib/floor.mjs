// A floor, not a product: the least work any evaluator of flag (b) must do — a set test on country, then
// murmur3 x86 32 over `salt/unitKey` and a bucket comparison — written inline for ASCII keys, with the hash state
// of the constant `checkout-v2/` prefix computed once (no string concatenation per call). It shows how much of an
// evaluator's time is the hash itself. Listed in the table for orientation, never used as an anchor.
// Bucketing as packages/core/src/bucket.ts specifies: bucket = floor(h * 100000 / 2^32), in iff bucket < p * 1000.
// Being an independent implementation, it also cross-checks Wavegate's answers unit by unit.

/** murmur3 x86 32 (seed 0) over a string's char codes; equal to hashing the UTF-8 bytes for ASCII strings. */
export function murmur3Ascii(key, seed = 0) {
  return murmur3AsciiFrom(seed | 0, 0, key);
}

/** The running hash after a prefix whose length is a multiple of 4 (so no bytes carry over). */
export function murmur3AlignedPrefix(prefix) {
  if (prefix.length % 4 !== 0) throw new Error('floor: prefix length must be a multiple of 4');
  let h = 0;
  for (let i = 0; i < prefix.length; i += 4) {
    let k =
      (prefix.charCodeAt(i) & 0xff) |
      ((prefix.charCodeAt(i + 1) & 0xff) << 8) |
      ((prefix.charCodeAt(i + 2) & 0xff) << 16) |
      ((prefix.charCodeAt(i + 3) & 0xff) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return h;
}

/** Continues a hash from `h` after `prefixLength` block-aligned bytes over the ASCII string `key`. */
export function murmur3AsciiFrom(h0, prefixLength, key) {
  let h = h0;
  const len = key.length;
  const tail = len & ~3;
  let i = 0;
  for (; i < tail; i += 4) {
    let k =
      (key.charCodeAt(i) & 0xff) |
      ((key.charCodeAt(i + 1) & 0xff) << 8) |
      ((key.charCodeAt(i + 2) & 0xff) << 16) |
      ((key.charCodeAt(i + 3) & 0xff) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rem = len & 3;
  if (rem > 0) {
    let k = key.charCodeAt(i) & 0xff;
    if (rem > 1) k |= (key.charCodeAt(i + 1) & 0xff) << 8;
    if (rem > 2) k |= (key.charCodeAt(i + 2) & 0xff) << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= prefixLength + len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const COUNTRY_IN = new Set(['VN', 'US']);

/** The floor adapter: same pass shape as the products. */
export async function floorAdapter(units) {
  const contexts = units.map((u) => ({ userId: u.userId, country: u.country }));
  const prefix = 'checkout-v2/';
  const h0 = murmur3AlignedPrefix(prefix);
  const checkout = (ctx) =>
    COUNTRY_IN.has(ctx.country) &&
    Math.floor((murmur3AsciiFrom(h0, prefix.length, ctx.userId) * 100_000) / 4294967296) < 25_000;
  return {
    name: 'floor (hand-written (b), not a product)',
    version: '-',
    setup:
      'hand-written, (b) only: Set.has(country), then murmur3 continued from the precomputed state of `checkout-v2/` over userId, floor(h·10^5/2^32) < 25000',
    contexts,
    async: false,
    role: 'reference',
    one: (flag, ctx) => (flag === 'simple' ? true : checkout(ctx)),
    pass: {
      simple(ctxs) {
        return ctxs.length;
      },
      'checkout-v2'(ctxs) {
        let t = 0;
        for (let i = 0; i < ctxs.length; i++) if (checkout(ctxs[i])) t++;
        return t;
      },
    },
    close: () => {},
  };
}
