import { IN } from './rollouts.js';
import { cases, type Expected, flags } from './shared.js';

// Splits -----------------------------------------------------------------------------------------------------------
flags['split-abc'] = {
  key: 'split-abc',
  type: 'string',
  variants: { a: 'A', b: 'B', c: 'C' },
  enabled: true,
  rules: [{ serve: { split: { a: 33.333, b: 33.333, c: 33.334 } } }],
  serve: { variant: 'a' },
  offVariant: 'a',
};
const split = (v: string): Expected => ({ value: v.toUpperCase(), variant: v, reason: 'SPLIT', ruleIndex: 0 });
cases.push({
  name: 'split: user-1 (split bucket 24925) → a',
  flag: 'split-abc',
  context: { userId: 'user-1' },
  expected: split('a'),
});
cases.push({
  name: 'split: user-0 (split bucket 41966) → b',
  flag: 'split-abc',
  context: { userId: 'user-0' },
  expected: split('b'),
});
cases.push({
  name: 'split: user-8 (split bucket 95917) → c',
  flag: 'split-abc',
  context: { userId: 'user-8' },
  expected: split('c'),
});
cases.push({
  name: 'split in a rule: no unit falls through to the default',
  flag: 'split-abc',
  context: {},
  expected: { value: 'A', variant: 'a', reason: 'DEFAULT' },
});
flags['default-split'] = {
  key: 'default-split',
  type: 'json',
  variants: { control: { layout: 'old' }, treatment: { layout: 'new' } },
  enabled: true,
  rules: [],
  serve: { split: { control: 50, treatment: 50 } },
  offVariant: 'control',
};
cases.push({
  name: 'default split: user-1 (29494) → control',
  flag: 'default-split',
  context: { userId: 'user-1' },
  expected: { value: { layout: 'old' }, variant: 'control', reason: 'SPLIT' },
});
cases.push({
  name: 'default split: user-0 (81370) → treatment',
  flag: 'default-split',
  context: { userId: 'user-0' },
  expected: { value: { layout: 'new' }, variant: 'treatment', reason: 'SPLIT' },
});
cases.push({
  name: 'default split: no unit → off variant, DEFAULT',
  flag: 'default-split',
  context: { country: 'VN' },
  expected: { value: { layout: 'old' }, variant: 'control', reason: 'DEFAULT' },
});

// Split layout: variants in ascending code-point order of their keys, never the object's key order (spec version 2).
flags['split-key-order'] = {
  key: 'split-key-order',
  type: 'string',
  variants: { treatment: 'T', control: 'C' },
  enabled: true,
  rules: [],
  serve: { split: { treatment: 50, control: 50 } },
  offVariant: 'control',
};
cases.push({
  name: 'split key order: control is laid out first although declared second: user-0 (28725) → control',
  flag: 'split-key-order',
  context: { userId: 'user-0' },
  expected: { value: 'C', variant: 'control', reason: 'SPLIT' },
});
cases.push({
  name: 'split key order: user-5 (52796) → treatment',
  flag: 'split-key-order',
  context: { userId: 'user-5' },
  expected: { value: 'T', variant: 'treatment', reason: 'SPLIT' },
});
// Integer-like keys: JavaScript enumerates them 1, 9, 10; the layout is "1" [0, 50000), "10" [50000, 70000),
// "9" [70000, 100000).
flags['split-numeric-keys'] = {
  key: 'split-numeric-keys',
  type: 'string',
  variants: { '10': 'ten', '9': 'nine', '1': 'one' },
  enabled: true,
  rules: [],
  serve: { split: { '10': 20, '9': 30, '1': 50 } },
  offVariant: '1',
};
const numeric = (variant: string, value: string): Expected => ({ value, variant, reason: 'SPLIT' });
cases.push({
  name: 'split numeric keys: user-1 (38759) → 1',
  flag: 'split-numeric-keys',
  context: { userId: 'user-1' },
  expected: numeric('1', 'one'),
});
cases.push({
  name: 'split numeric keys: user-4 (56399) → 10 ("10" sorts before "9")',
  flag: 'split-numeric-keys',
  context: { userId: 'user-4' },
  expected: numeric('10', 'ten'),
});
cases.push({
  name: 'split numeric keys: user-5 (83207) → 9',
  flag: 'split-numeric-keys',
  context: { userId: 'user-5' },
  expected: numeric('9', 'nine'),
});
// U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) by code point; UTF-16 code units would put the emoji first.
flags['split-astral'] = {
  key: 'split-astral',
  type: 'string',
  variants: { '😀': 'emoji', '\uFFFD': 'replacement' },
  enabled: true,
  rules: [],
  serve: { split: { '😀': 50, '\uFFFD': 50 } },
  offVariant: '😀',
};
cases.push({
  name: 'split by code point: user-5 (10094) → U+FFFD',
  flag: 'split-astral',
  context: { userId: 'user-5' },
  expected: { value: 'replacement', variant: '\uFFFD', reason: 'SPLIT' },
});
cases.push({
  name: 'split by code point: user-0 (52055) → U+1F600',
  flag: 'split-astral',
  context: { userId: 'user-0' },
  expected: { value: 'emoji', variant: '😀', reason: 'SPLIT' },
});
// A boolean rollout without a variant serves the true variant first in code-point order ("on" before "yes").
flags['rollout-two-true'] = {
  key: 'rollout-two-true',
  type: 'boolean',
  variants: { yes: true, on: true, off: false },
  enabled: true,
  rules: [{ serve: { rollout: 100 } }],
  serve: { variant: 'off' },
  offVariant: 'off',
};
cases.push({
  name: 'rollout of a boolean flag with two true variants serves the first by code point',
  flag: 'rollout-two-true',
  context: { userId: 'user-0' },
  expected: IN(),
});
