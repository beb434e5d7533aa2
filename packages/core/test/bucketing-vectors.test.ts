import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Bucketer,
  bucket,
  compileFlag,
  type Flag,
  inRollout,
  murmur3_x86_32,
  murmur3Continue,
  murmur3Prefix,
  splitVariant,
  utf8Bytes,
} from '../src/index.js';
import { referenceBucket, referenceMurmur3, referenceMurmur3String } from './reference-murmur3.js';

interface Vectors {
  specVersion: number;
  murmur3: { input: string; utf8Hex: string; seed: number; hash: number }[];
  buckets: {
    salt: string;
    unitKey: string;
    hash: number;
    bucket: number;
    rollouts: { percent: number; in: boolean }[];
  }[];
  splits: { salt: string; unitKey: string; weights: [string, number][]; splitBucket: number; variant: string }[];
}

const vectors = JSON.parse(readFileSync(new URL('../spec/bucketing.json', import.meta.url), 'utf8')) as Vectors;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('reference murmur3 (independent implementation)', () => {
  it('gives the well-known values', () => {
    expect(referenceMurmur3String('', 0)).toBe(0);
    expect(referenceMurmur3String('hello', 0)).toBe(613153351);
    expect(referenceMurmur3String('The quick brown fox jumps over the lazy dog', 0)).toBe(776992547);
    expect(referenceMurmur3String('', 1)).toBe(0x514e28b7);
    expect(referenceMurmur3String('', 0xffffffff)).toBe(0x81f16f39);
    expect(referenceMurmur3String('abc', 0)).toBe(0xb3dd93fa);
    expect(referenceMurmur3String('The quick brown fox jumps over the lazy dog', 0x9747b28c)).toBe(0x2fa826cd);
  });
});

describe('spec/bucketing.json', () => {
  it('is version 2 and matches the reference implementation (no drift)', () => {
    expect(vectors.specVersion).toBe(2);
    for (const v of vectors.murmur3) {
      expect(v.utf8Hex).toBe(hex(new TextEncoder().encode(v.input)));
      expect(referenceMurmur3(Buffer.from(v.utf8Hex, 'hex'), v.seed)).toBe(v.hash);
    }
    for (const v of vectors.buckets) expect(referenceBucket(v.salt, v.unitKey)).toBe(v.bucket);
  });

  it.each(vectors.murmur3)('murmur3_x86_32($input, $seed) = $hash', (v) => {
    expect(hex(utf8Bytes(v.input))).toBe(v.utf8Hex);
    expect(murmur3_x86_32(v.input, v.seed)).toBe(v.hash);
    expect(murmur3_x86_32(Buffer.from(v.utf8Hex, 'hex'), v.seed)).toBe(v.hash);
  });

  it.each(vectors.buckets)('bucket($salt, $unitKey) = $bucket', (v) => {
    expect(murmur3_x86_32(`${v.salt}/${v.unitKey}`, 0)).toBe(v.hash);
    expect(bucket(v.salt, v.unitKey)).toBe(v.bucket);
    expect(new Bucketer(v.salt).bucket(v.unitKey)).toBe(v.bucket);
    for (const r of v.rollouts) expect(inRollout(v.salt, v.unitKey, r.percent)).toBe(r.in);
  });

  it('has splits whose weights are listed out of layout order (so the order they are given in must not matter)', () => {
    const unsorted = vectors.splits.filter((v) => {
      const keys = v.weights.map(([k]) => k);
      const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      return keys.join('\0') !== byBytes.join('\0');
    });
    expect(unsorted.length).toBeGreaterThanOrEqual(12);
    // An astral key next to U+FFFD: code-point order and UTF-16 order disagree.
    expect(vectors.splits.some((v) => v.weights.some(([k]) => k === '\uFFFD'))).toBe(true);
  });

  it.each(vectors.splits)('split $salt/$unitKey → $variant', (v) => {
    expect(new Bucketer(`${v.salt}:split`).bucket(v.unitKey)).toBe(v.splitBucket);
    expect(splitVariant(v.salt, v.unitKey, Object.fromEntries(v.weights))).toBe(v.variant);
    const variants = Object.fromEntries(v.weights.map(([k]) => [k, k]));
    for (const weights of [v.weights, [...v.weights].reverse()]) {
      const flag: Flag = {
        key: 'f',
        salt: v.salt,
        type: 'string',
        variants,
        enabled: true,
        rules: [],
        serve: { split: Object.fromEntries(weights) },
        offVariant: v.weights[0]![0],
      };
      expect(compileFlag(flag).evaluate({ userId: v.unitKey }).variant).toBe(v.variant);
    }
  });
});

describe('murmur3Continue (precomputed prefix)', () => {
  const prefixes = ['', 'a/', 'ab/', 'abc/', 'checkout-v2/', 'é/', '😀/', 'x'.repeat(13)];
  const suffixes = [
    '',
    'a',
    'abcd',
    'user-123456',
    'é',
    'ñandú-日本',
    '😀😀',
    '\ud800x',
    'a\udc00',
    'ab\ud83d',
    'x'.repeat(77),
  ];
  it('equals hashing prefix + suffix in one go, for every alignment and encoding width', () => {
    for (const prefix of prefixes) {
      const state = murmur3Prefix(prefix);
      for (const suffix of suffixes) {
        expect(murmur3Continue(state, suffix)).toBe(referenceMurmur3String(prefix + suffix));
      }
    }
  });

  it('encodes lone surrogates as U+FFFD like TextEncoder', () => {
    expect(hex(utf8Bytes('\ud800'))).toBe('efbfbd');
    expect(hex(utf8Bytes('a\udc00\ud83d\ude00'))).toBe('61efbfbdf09f9880');
  });
});
