/**
 * UTF-8 encoding from UTF-16 char codes, without `TextEncoder` (the hash hot path must not allocate).
 * Lone surrogates encode as U+FFFD (EF BF BD), exactly as `TextEncoder` does.
 *
 * @module
 */

/**
 * Encodes a string as UTF-8 bytes; lone surrogates become U+FFFD, as `TextEncoder` does.
 * @example utf8Bytes('é') // Uint8Array [0xc3, 0xa9]
 */
export function utf8Bytes(text: string): Uint8Array {
  const out: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
      } else {
        out.push(0xef, 0xbf, 0xbd);
      }
    } else {
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return Uint8Array.from(out);
}

/** The code point at `i` (lone surrogates read as U+FFFD) and the number of UTF-16 units it takes. */
function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return c;
  const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
  if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
  return 0xfffd;
}

/**
 * Compares two strings by Unicode code point, which is the order of their UTF-8 bytes (lone surrogates count as
 * U+FFFD, as in {@link utf8Bytes}). JavaScript's default sort compares UTF-16 code units instead, which puts
 * astral characters (U+10000 and up) before U+E000–U+FFFF. Returns a negative number, 0, or a positive number.
 * @example ['😀', '\uFFFD'].sort(compareCodePoints) // ['\uFFFD', '😀'] (the default sort gives the reverse)
 */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = codePointAt(a, i);
    const cb = codePointAt(b, j);
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}
