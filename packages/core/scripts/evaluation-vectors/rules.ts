import { boolFlag, cases, DEFAULT_OFF, flags, ON } from './shared.js';

// Rules, reasons, types -----------------------------------------------------------------------------------------
boolFlag('static-on', [], { variant: 'on' });
cases.push({
  name: 'no rules, one variant: STATIC',
  flag: 'static-on',
  context: {},
  expected: { value: true, variant: 'on', reason: 'STATIC' },
});
boolFlag('disabled', [{ serve: { variant: 'on' } }], { variant: 'on' }, { enabled: false });
cases.push({
  name: 'disabled: off variant',
  flag: 'disabled',
  context: { userId: 'u' },
  expected: { value: false, variant: 'off', reason: 'DISABLED' },
});
boolFlag('rule-segment-shorthand', [{ segment: ['vn-users', 'beta-testers'], serve: { variant: 'on' } }]);
cases.push({
  name: 'rule.segment shorthand matches any',
  flag: 'rule-segment-shorthand',
  context: { beta: true },
  expected: ON(),
});
cases.push({
  name: 'rule.segment shorthand: no segment',
  flag: 'rule-segment-shorthand',
  context: { country: 'FR' },
  expected: DEFAULT_OFF,
});
boolFlag('and-conditions', [
  {
    conditions: [
      { attribute: 'country', op: 'in', values: ['VN'] },
      { attribute: 'age', op: 'gte', values: [18] },
    ],
    segment: 'beta-testers',
    serve: { variant: 'on' },
  },
]);
cases.push({
  name: 'conditions and segment are AND-ed: all hold',
  flag: 'and-conditions',
  context: { country: 'VN', age: 20, beta: true },
  expected: ON(),
});
cases.push({
  name: 'conditions are AND-ed: one fails',
  flag: 'and-conditions',
  context: { country: 'VN', age: 17, beta: true },
  expected: DEFAULT_OFF,
});
flags['first-match'] = {
  key: 'first-match',
  type: 'string',
  variants: { a: 'A', b: 'B', z: 'Z' },
  enabled: true,
  rules: [
    { id: 'vn', conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }], serve: { variant: 'a' } },
    { id: 'vn-us', conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }], serve: { variant: 'b' } },
    { id: 'everyone', serve: { variant: 'z' } },
  ],
  serve: { variant: 'a' },
  offVariant: 'a',
};
cases.push({
  name: 'first matching rule wins (0)',
  flag: 'first-match',
  context: { country: 'VN' },
  expected: { value: 'A', variant: 'a', reason: 'TARGETING_MATCH', ruleIndex: 0 },
});
cases.push({
  name: 'first matching rule wins (1)',
  flag: 'first-match',
  context: { country: 'US' },
  expected: { value: 'B', variant: 'b', reason: 'TARGETING_MATCH', ruleIndex: 1 },
});
cases.push({
  name: 'a rule without conditions matches everyone',
  flag: 'first-match',
  context: {},
  expected: { value: 'Z', variant: 'z', reason: 'TARGETING_MATCH', ruleIndex: 2 },
});
cases.push({
  name: 'null context is an empty context',
  flag: 'first-match',
  context: null,
  expected: { value: 'Z', variant: 'z', reason: 'TARGETING_MATCH', ruleIndex: 2 },
});
cases.push({
  name: 'a context that is not an object: INVALID_CONTEXT',
  flag: 'first-match',
  context: 'user-1',
  expected: { value: 'A', variant: 'a', reason: 'ERROR', errorCode: 'INVALID_CONTEXT' },
});
flags['number-static'] = {
  key: 'number-static',
  type: 'number',
  variants: { low: 1, high: 2.5 },
  enabled: true,
  rules: [],
  serve: { variant: 'high' },
  offVariant: 'low',
};
cases.push({
  name: 'number flag',
  flag: 'number-static',
  context: {},
  expected: { value: 2.5, variant: 'high', reason: 'STATIC' },
});
flags['json-static'] = {
  key: 'json-static',
  type: 'json',
  variants: { v: { layout: 'grid', columns: [1, 2] } },
  enabled: true,
  rules: [],
  serve: { variant: 'v' },
  offVariant: 'v',
};
cases.push({
  name: 'json flag',
  flag: 'json-static',
  context: {},
  expected: { value: { layout: 'grid', columns: [1, 2] }, variant: 'v', reason: 'STATIC' },
});
