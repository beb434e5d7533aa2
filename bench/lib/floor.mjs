// A floor, not a product: the least work any evaluator of flag (b) must do — a set test on country, then
// murmur3 x86 32 over `salt/unitKey` and a bucket comparison — written inline for ASCII keys. It shows how much
// of an evaluator's time is the hash itself. Listed in the table for orientation, never used as an anchor.

/** murmur3 x86 32 (seed 0) over a string's char codes; equal to hashing the UTF-8 bytes for ASCII strings. */
export function murmur3Ascii(key, seed = 0) {
  let h = seed >>> 0;
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
  h ^= len;
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
  const checkout = (ctx) => COUNTRY_IN.has(ctx.country) && murmur3Ascii(`checkout-v2/${ctx.userId}`) % 100_000 < 25_000;
  return {
    name: 'floor: inline murmur3 + set test',
    version: '-',
    setup: 'hand-written (b) only: Set.has(country), murmur3(`checkout-v2/` + userId) % 100000 < 25000',
    contexts,
    async: false,
    reference: true,
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
