/**
 * Writes `spec/bucketing.json` from the independent reference implementation in `test/reference-murmur3.ts`
 * (never from `src/`), so the vectors check the production code rather than mirror it.
 * Run: `npx tsx packages/core/scripts/generate-bucketing-vectors.ts`
 */
import { writeFileSync } from 'node:fs';
import { referenceBucket, referenceMurmur3, referenceMurmur3String } from '../test/reference-murmur3.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const utf8 = (text: string) => new TextEncoder().encode(text);

const murmurInputs: [string, number][] = [
  ['', 0],
  ['', 1],
  ['', 0xffffffff],
  ['a', 0],
  ['ab', 0],
  ['abc', 0],
  ['abcd', 0],
  ['hello', 0],
  ['hello', 1],
  ['hello', 0x9747b28c],
  ['The quick brown fox jumps over the lazy dog', 0],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c],
  ['checkout-v2/user-1', 0],
  ['é', 0],
  ['naïve café', 0],
  ['日本語', 0],
  ['用户-一二三', 0],
  ['😀', 0],
  ['👍🏽 thumbs', 0],
  ['Ελληνικά/Привет', 0],
  ['\u0000', 0],
  ['\ud800', 0],
  ['a\udc00b', 0],
  ['x'.repeat(1000), 0],
];

const bucketInputs: [string, string][] = [
  ['checkout-v2', 'user-1'],
  ['checkout-v2', 'user-2'],
  ['checkout-v2', 'user-12345'],
  ['checkout-v2', ''],
  ['checkout-v2', '42'],
  ['checkout-v2', '3.5'],
  ['batch-patches-v1', 'user-1'],
  ['a', 'b'],
  ['', ''],
  ['', 'user-1'],
  ['flag/with/slashes', 'unit/with/slash'],
  ['salt', 'é'],
  ['salt', 'Zoë'],
  ['salt', '日本語ユーザー'],
  ['salt', '사용자'],
  ['salt', '😀'],
  ['salt', '👨‍👩‍👧'],
  ['ünïcødé-salt', 'user-1'],
  ['checkout-v2:split', 'user-1'],
  ['salt', 'u'.repeat(255)],
  ['salt', `${'long-key-'.repeat(200)}end`],
  ['salt', '\ud83d'],
];
for (let i = 0; i < 20; i++) bucketInputs.push(['vectors', `user-${i * 7919}`]);

const splitCases: { salt: string; unitKey: string; weights: [string, number][] }[] = [];
const weightSets: [string, number][][] = [
  [
    ['control', 50],
    ['treatment', 50],
  ],
  [
    ['blue', 90],
    ['green', 10],
  ],
  [
    ['a', 33.333],
    ['b', 33.333],
    ['c', 33.334],
  ],
  [
    ['zero', 0],
    ['all', 100],
  ],
  // Given out of order: the layout sorts by key, so these differ from the declared (and from JavaScript's) order.
  [
    ['treatment', 50],
    ['control', 50],
  ],
  [
    ['10', 20],
    ['9', 30],
    ['1', 50],
  ],
  [
    ['b', 10],
    ['B', 20],
    ['ä', 30],
    ['a', 40],
  ],
  // U+1F600 sorts after U+FFFD by code point (UTF-8 bytes) but before it by UTF-16 code unit.
  [
    ['😀', 50],
    ['\uFFFD', 50],
  ],
];
for (const weights of weightSets) {
  for (let i = 0; i < 6; i++) splitCases.push({ salt: 'experiment', unitKey: `user-${i}`, weights });
}

/** Byte-wise comparison of the keys' UTF-8 (via `TextEncoder`): the spec's layout order, computed independently. */
function compareUtf8Bytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(utf8(a)), Buffer.from(utf8(b)));
}

function referenceSplit(salt: string, unitKey: string, weights: [string, number][]): [number, string] {
  const b = referenceBucket(`${salt}:split`, unitKey);
  let upper = 0;
  for (const [variant, weight] of [...weights].sort(([x], [y]) => compareUtf8Bytes(x, y))) {
    upper += Math.round(weight * 1000);
    if (b < upper) return [b, variant];
  }
  throw new Error('weights do not cover every bucket');
}

const rolloutPercents = [0, 0.001, 1, 12.345, 25, 50, 99.999, 100];

const vectors = {
  specVersion: 2,
  description:
    'Wavegate bucketing conformance vectors (docs/bucketing.md). murmur3: MurmurHash3 x86_32 of utf8Hex bytes with seed. ' +
    'buckets: bucket = floor(murmur3_x86_32(UTF-8(salt + "/" + unitKey), 0) * 100000 / 2^32); rollouts: in = bucket < round(percent * 1000). ' +
    'splits: splitBucket = bucket under salt + ":split"; lay the variants out in ascending order of their keys by Unicode ' +
    'code point (UTF-8 byte order), whatever order weights lists them in; variant = first whose cumulative ' +
    'round(weight * 1000) exceeds splitBucket. ' +
    'Strings with lone surrogates are encoded as U+FFFD (see utf8Hex).',
  murmur3: murmurInputs.map(([input, seed]) => {
    const bytes = utf8(input);
    return { input, utf8Hex: hex(bytes), seed, hash: referenceMurmur3(bytes, seed) };
  }),
  buckets: bucketInputs.map(([salt, unitKey]) => ({
    salt,
    unitKey,
    hash: referenceMurmur3String(`${salt}/${unitKey}`, 0),
    bucket: referenceBucket(salt, unitKey),
    rollouts: rolloutPercents.map((percent) => ({
      percent,
      in: referenceBucket(salt, unitKey) < Math.round(percent * 1000),
    })),
  })),
  splits: splitCases.map(({ salt, unitKey, weights }) => {
    const [splitBucket, variant] = referenceSplit(salt, unitKey, weights);
    return { salt, unitKey, weights, splitBucket, variant };
  }),
};

const target = new URL('../spec/bucketing.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
