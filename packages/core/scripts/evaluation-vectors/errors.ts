import { bool, boolFlag, cases, type Expected, flags } from './shared.js';

// Errors ------------------------------------------------------------------------------------------------------------
const PARSE: Expected = { value: false, variant: 'off', reason: 'ERROR', errorCode: 'PARSE_ERROR' };
boolFlag('bad-variant', [], { variant: 'nope' });
cases.push({
  name: 'unknown served variant: PARSE_ERROR with the off variant',
  flag: 'bad-variant',
  context: {},
  expected: PARSE,
});
boolFlag('bad-regex', [
  { conditions: [{ attribute: 'email', op: 'matches', values: ['(a)\\1'] }], serve: { variant: 'on' } },
]);
cases.push({ name: 'regex RE2 rejects (backreference)', flag: 'bad-regex', context: { email: 'aa' }, expected: PARSE });
boolFlag('missing-segment', [{ segment: 'nope', serve: { variant: 'on' } }]);
cases.push({ name: 'unknown segment', flag: 'missing-segment', context: {}, expected: PARSE });
boolFlag('unknown-operator', [
  { conditions: [{ attribute: 'email', op: 'like', values: ['%a%'] }], serve: { variant: 'on' } },
]);
cases.push({ name: 'unknown operator', flag: 'unknown-operator', context: {}, expected: PARSE });
boolFlag('bad-semver-operand', [
  { conditions: [{ attribute: 'v', op: 'semverGt', values: ['1.2'] }], serve: { variant: 'on' } },
]);
cases.push({ name: 'bad semver operand', flag: 'bad-semver-operand', context: {}, expected: PARSE });
boolFlag('bad-weights', [], { split: { on: 50, off: 40 } });
flags['split-same-bytes'] = {
  key: 'split-same-bytes',
  type: 'string',
  variants: { '\ud800': 'lone', '\uFFFD': 'replacement', off: 'off' },
  enabled: true,
  rules: [],
  serve: { split: { '\ud800': 50, '\uFFFD': 50 } },
  offVariant: 'off',
};
cases.push({
  name: 'split variants with the same UTF-8 bytes (a lone surrogate encodes as U+FFFD) have no order',
  flag: 'split-same-bytes',
  context: { userId: 'u' },
  expected: { value: 'off', variant: 'off', reason: 'ERROR', errorCode: 'PARSE_ERROR' },
});
cases.push({
  name: 'split weights not summing to 100',
  flag: 'bad-weights',
  context: { userId: 'u' },
  expected: PARSE,
});
boolFlag('bad-rollout', [{ serve: { rollout: 120 } }]);
cases.push({ name: 'rollout above 100', flag: 'bad-rollout', context: { userId: 'u' }, expected: PARSE });
flags['bad-off-variant'] = {
  key: 'bad-off-variant',
  type: 'boolean',
  variants: bool,
  enabled: true,
  rules: [],
  serve: { variant: 'on' },
  offVariant: 'gone',
};
cases.push({
  name: 'unknown off variant: value null',
  flag: 'bad-off-variant',
  context: {},
  expected: { value: null, reason: 'ERROR', errorCode: 'PARSE_ERROR' },
});
flags['wrong-value-type'] = {
  key: 'wrong-value-type',
  type: 'boolean',
  variants: { on: 'yes', off: false },
  enabled: true,
  rules: [],
  serve: { variant: 'on' },
  offVariant: 'off',
};
cases.push({ name: 'variant value of the wrong type', flag: 'wrong-value-type', context: {}, expected: PARSE });
boolFlag(
  'disabled-bad-rules',
  [{ conditions: [{ attribute: 'x', op: 'like' }], serve: { variant: 'on' } }],
  { variant: 'on' },
  { enabled: false },
);
cases.push({
  name: 'a disabled flag serves its off variant even with bad rules',
  flag: 'disabled-bad-rules',
  context: {},
  expected: { value: false, variant: 'off', reason: 'DISABLED' },
});
cases.push({
  name: 'unknown flag key (snapshot only)',
  flag: 'no-such-flag',
  context: {},
  snapshotOnly: true,
  expected: { value: null, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' },
});
