import { describe, expect, it } from 'vitest';
import { parseCorePath } from './core-check.js';

describe('parseCorePath', () => {
  it.each([
    ['rules[2].conditions[0].op', ['rules', 2, 'conditions', 0, 'op']],
    ['variants["a.b"]', ['variants', 'a.b']],
    ['serve.split["checkout-v2"]', ['serve', 'split', 'checkout-v2']],
    ['', []],
  ])('reads %s', (path, segments) => {
    expect(parseCorePath(path)).toEqual(segments);
  });
});
