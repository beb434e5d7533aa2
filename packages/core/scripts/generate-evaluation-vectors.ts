/**
 * Writes `spec/evaluation.json`. Every expected result below is written by hand; units for rollouts and splits
 * were chosen by their buckets under the independent reference implementation (`test/reference-murmur3.ts`),
 * noted next to each case. Run: `npx tsx packages/core/scripts/generate-evaluation-vectors.ts`
 */
import { writeFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Expected {
  value: Json;
  variant?: string;
  reason: string;
  ruleIndex?: number;
  errorCode?: string;
  rollout?: { ruleIndex: number; arm: 'treatment' | 'control' };
}
interface Case {
  name: string;
  flag: string;
  context: Json;
  expected: Expected;
  snapshotOnly?: boolean;
}

const flags: Record<string, Json> = {};
const cases: Case[] = [];
const bool = { on: true, off: false };

function boolFlag(
  key: string,
  rules: Json[],
  serve: Json = { variant: 'off' },
  extra: Record<string, Json> = {},
): string {
  flags[key] = { key, type: 'boolean', variants: bool, enabled: true, rules, serve, offVariant: 'off', ...extra };
  return key;
}

const ON = (ruleIndex = 0): Expected => ({ value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleIndex });
const DEFAULT_OFF: Expected = { value: false, variant: 'off', reason: 'DEFAULT' };

/** One flag with a single condition rule serving `on`; each [context, matches] pair becomes a case. */
function op(name: string, condition: Json, table: [Json, boolean][]): void {
  const key = boolFlag(`op-${name}`, [{ conditions: [condition], serve: { variant: 'on' } }]);
  table.forEach(([context, matches], i) => {
    cases.push({ name: `${name} #${i + 1}`, flag: key, context, expected: matches ? ON() : DEFAULT_OFF });
  });
}

// Operators ---------------------------------------------------------------------------------------------------
op('in', { attribute: 'country', op: 'in', values: ['VN', 'US'] }, [
  [{ country: 'VN' }, true],
  [{ country: 'US' }, true],
  [{ country: 'DE' }, false],
  [{ country: 'vn' }, false],
  [{}, false],
  [{ country: null }, false],
  [{ country: ['VN'] }, false],
]);
op('in-numbers', { attribute: 'age', op: 'in', values: [30, '40'] }, [
  [{ age: 30 }, true],
  [{ age: '30' }, true],
  [{ age: 40 }, true],
  [{ age: 31 }, false],
]);
op('in-boolean', { attribute: 'beta', op: 'in', values: [true] }, [
  [{ beta: true }, true],
  [{ beta: 'true' }, true],
  [{ beta: false }, false],
]);
op('in-case-insensitive', { attribute: 'country', op: 'in', values: ['VN'], caseInsensitive: true }, [
  [{ country: 'vn' }, true],
  [{ country: 'Vn' }, true],
  [{ country: 'US' }, false],
]);
op('in-negated', { attribute: 'country', op: 'in', values: ['VN'], negate: true }, [
  [{ country: 'DE' }, true],
  [{}, true],
  [{ country: 'VN' }, false],
]);
op('notIn', { attribute: 'country', op: 'notIn', values: ['VN', 'US'] }, [
  [{ country: 'DE' }, true],
  [{}, true],
  [{ country: 'VN' }, false],
]);
op('notIn-negated', { attribute: 'country', op: 'notIn', values: ['VN'], negate: true }, [
  [{ country: 'VN' }, true],
  [{ country: 'DE' }, false],
  [{}, false],
]);
op('equals', { attribute: 'plan', op: 'equals', values: ['pro'] }, [
  [{ plan: 'pro' }, true],
  [{ plan: 'Pro' }, false],
  [{ plan: 'pro ' }, false],
]);
op('equals-case-insensitive', { attribute: 'plan', op: 'equals', values: ['Pro'], caseInsensitive: true }, [
  [{ plan: 'PRO' }, true],
  [{ plan: 'basic' }, false],
]);
op('contains', { attribute: 'email', op: 'contains', values: ['@example.com', '@test.io'] }, [
  [{ email: 'ann@example.com' }, true],
  [{ email: 'bob@test.io' }, true],
  [{ email: 'ann@EXAMPLE.com' }, false],
  [{ email: 42 }, false],
  [{}, false],
]);
op(
  'contains-case-insensitive',
  { attribute: 'email', op: 'contains', values: ['@Example.com'], caseInsensitive: true },
  [[{ email: 'ANN@EXAMPLE.COM' }, true]],
);
op('contains-negated', { attribute: 'email', op: 'contains', values: ['@example.com'], negate: true }, [
  [{ email: 'ann@other.com' }, true],
  [{ email: 'ann@example.com' }, false],
  [{}, true],
]);
op('startsWith', { attribute: 'path', op: 'startsWith', values: ['/admin', '/ops'] }, [
  [{ path: '/admin/users' }, true],
  [{ path: '/ops' }, true],
  [{ path: '/home/admin' }, false],
  [{ path: '/ADMIN' }, false],
]);
op('startsWith-case-insensitive', { attribute: 'path', op: 'startsWith', values: ['/admin'], caseInsensitive: true }, [
  [{ path: '/ADMIN/x' }, true],
]);
op('endsWith', { attribute: 'email', op: 'endsWith', values: ['.vn'] }, [
  [{ email: 'an@mail.vn' }, true],
  [{ email: 'an@mail.vn.com' }, false],
]);
op('endsWith-case-insensitive', { attribute: 'email', op: 'endsWith', values: ['.VN'], caseInsensitive: true }, [
  [{ email: 'an@mail.vn' }, true],
]);
op('matches', { attribute: 'email', op: 'matches', values: ['^[a-z]+@example\\.com$'] }, [
  [{ email: 'ann@example.com' }, true],
  [{ email: 'Ann@example.com' }, false],
  [{ email: 'ann@example.com.evil' }, false],
  [{}, false],
]);
op('matches-unanchored', { attribute: 'userId', op: 'matches', values: ['beta-\\d+'] }, [
  [{ userId: 'user-beta-42-x' }, true],
  [{ userId: 'user-beta-x' }, false],
]);
op(
  'matches-case-insensitive',
  { attribute: 'email', op: 'matches', values: ['^[a-z]+@example\\.com$'], caseInsensitive: true },
  [[{ email: 'ANN@Example.com' }, true]],
);
op('lt', { attribute: 'age', op: 'lt', values: [18] }, [
  [{ age: 17 }, true],
  [{ age: '17.5' }, true],
  [{ age: 18 }, false],
  [{ age: 'old' }, false],
  [{ age: '' }, false],
  [{}, false],
]);
op('lt-string-operand', { attribute: 'age', op: 'lt', values: ['18'] }, [
  [{ age: 17 }, true],
  [{ age: 19 }, false],
]);
op('lte', { attribute: 'age', op: 'lte', values: [18] }, [
  [{ age: 18 }, true],
  [{ age: 18.01 }, false],
]);
op('gt', { attribute: 'age', op: 'gt', values: [65] }, [
  [{ age: 66 }, true],
  [{ age: '65.5' }, true],
  [{ age: 65 }, false],
]);
op('gte', { attribute: 'age', op: 'gte', values: [65] }, [
  [{ age: 65 }, true],
  [{ age: 64.999 }, false],
]);
op('gt-negated', { attribute: 'age', op: 'gt', values: [65], negate: true }, [
  [{ age: 10 }, true],
  [{}, true],
  [{ age: 70 }, false],
]);
op('semverEq', { attribute: 'appVersion', op: 'semverEq', values: ['1.2.3'] }, [
  [{ appVersion: '1.2.3' }, true],
  [{ appVersion: 'v1.2.3' }, true],
  [{ appVersion: '1.2.3+build.7' }, true],
  [{ appVersion: '1.2.4' }, false],
  [{ appVersion: '1.2' }, false],
  [{ appVersion: '01.2.3' }, false],
  [{ appVersion: 123 }, false],
]);
op('semverLt', { attribute: 'appVersion', op: 'semverLt', values: ['2.0.0'] }, [
  [{ appVersion: '1.99.99' }, true],
  [{ appVersion: '2.0.0-rc.1' }, true],
  [{ appVersion: '2.0.0' }, false],
  [{ appVersion: '10.0.0' }, false],
]);
op('semverLt-prerelease', { attribute: 'appVersion', op: 'semverLt', values: ['1.0.0-beta.11'] }, [
  [{ appVersion: '1.0.0-beta.2' }, true],
  [{ appVersion: '1.0.0-alpha.beta' }, true],
  [{ appVersion: '1.0.0-beta' }, true],
  [{ appVersion: '1.0.0-rc.1' }, false],
]);
op('semverLte', { attribute: 'appVersion', op: 'semverLte', values: ['v2.0.0'] }, [
  [{ appVersion: '2.0.0' }, true],
  [{ appVersion: '2.0.1' }, false],
]);
op('semverGt', { attribute: 'appVersion', op: 'semverGt', values: ['1.0.0-alpha'] }, [
  [{ appVersion: '1.0.0-alpha.1' }, true],
  [{ appVersion: '1.0.0' }, true],
  [{ appVersion: '1.0.0-alpha' }, false],
]);
op('semverGte', { attribute: 'appVersion', op: 'semverGte', values: ['1.10.0'] }, [
  [{ appVersion: '1.10.0' }, true],
  [{ appVersion: '1.9.0' }, false],
  [{ appVersion: '1.10.0-rc.1' }, false],
]);
op('before', { attribute: 'now', op: 'before', values: ['2026-01-01T00:00:00Z'] }, [
  [{ now: '2025-12-31T23:59:59Z' }, true],
  [{ now: '2026-01-01T01:00:00+02:00' }, true],
  [{ now: 1767225599999 }, true],
  [{ now: '2026-01-01' }, false],
  [{ now: 1767225600000 }, false],
  [{ now: 'yesterday' }, false],
  [{}, false],
]);
op('after', { attribute: 'signupDate', op: 'after', values: [1767225600000] }, [
  [{ signupDate: '2026-01-01T00:00:00.001Z' }, true],
  [{ signupDate: '2026-03-01' }, true],
  [{ signupDate: '2026-01-01T00:00:00Z' }, false],
  [{ signupDate: '2025-12-31T23:30:00-01:00' }, true],
]);
op('exists', { attribute: 'plan', op: 'exists' }, [
  [{ plan: 'basic' }, true],
  [{ plan: '' }, true],
  [{ plan: 0 }, true],
  [{ plan: null }, false],
  [{}, false],
]);
op('exists-negated', { attribute: 'plan', op: 'exists', negate: true }, [
  [{}, true],
  [{ plan: 'basic' }, false],
]);
op('missing', { attribute: 'plan', op: 'missing' }, [
  [{}, true],
  [{ plan: null }, true],
  [{ plan: 'basic' }, false],
]);
op('segment', { op: 'segment', values: ['vn-users', 'beta-testers'] }, [
  [{ country: 'VN' }, true],
  [{ beta: true }, true],
  [{ country: 'DE' }, false],
]);
op('segment-negated', { op: 'segment', values: ['vn-users'], negate: true }, [
  [{ country: 'DE' }, true],
  [{ country: 'VN' }, false],
]);
op('segment-nested', { op: 'segment', values: ['vn-beta'] }, [
  [{ country: 'VN', beta: true }, true],
  [{ country: 'VN' }, false],
]);

const segments: Record<string, Json> = {
  'vn-users': { key: 'vn-users', conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }] },
  'beta-testers': { key: 'beta-testers', conditions: [{ attribute: 'beta', op: 'equals', values: [true] }] },
  'vn-beta': {
    key: 'vn-beta',
    conditions: [
      { op: 'segment', values: ['vn-users'] },
      { op: 'segment', values: ['beta-testers'] },
    ],
  },
};

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

// Rollouts ---------------------------------------------------------------------------------------------------------
const IN = (ruleIndex = 0, arm = ruleIndex): Expected => ({
  value: true,
  variant: 'on',
  reason: 'SPLIT',
  ruleIndex,
  rollout: { ruleIndex: arm, arm: 'treatment' },
});
const OUT = (ruleIndex = 0): Expected => ({ ...DEFAULT_OFF, rollout: { ruleIndex, arm: 'control' } });
boolFlag('rollout-25', [{ serve: { rollout: 25 } }]);
const r25 = (name: string, context: Json, expected: Expected) =>
  cases.push({ name: `rollout 25%: ${name}`, flag: 'rollout-25', context, expected });
r25('user-1 (bucket 22271) in', { userId: 'user-1' }, IN());
r25('user-3 (bucket 11497) in', { userId: 'user-3' }, IN());
r25('user-0 (bucket 92960) out, control arm', { userId: 'user-0' }, OUT());
r25('user-2 (bucket 59632) out', { userId: 'user-2' }, OUT());
r25('no userId: not bucketed, no arm', { country: 'VN' }, DEFAULT_OFF);
r25('userId null: not bucketed', { userId: null }, DEFAULT_OFF);
r25('userId boolean: not bucketed', { userId: true }, DEFAULT_OFF);
r25('targetingKey stands in for a missing userId', { targetingKey: 'user-1' }, IN());
r25('userId null falls back to targetingKey', { userId: null, targetingKey: 'user-1' }, IN());
r25('userId wins over targetingKey', { userId: 'user-0', targetingKey: 'user-1' }, OUT());
r25('numeric unit 3 hashes as "3" (bucket 10845)', { userId: 3 }, IN());
r25('numeric unit 42 hashes as "42" (bucket 63618)', { userId: 42 }, OUT());
r25('CJK unit (bucket 15231)', { userId: '日本語ユーザー' }, IN());
r25('emoji unit (bucket 995)', { userId: '😀' }, IN());
r25('empty string unit (bucket 65814)', { userId: '' }, OUT());
boolFlag('rollout-0', [{ serve: { rollout: 0 } }]);
cases.push({ name: 'rollout 0%: everyone out', flag: 'rollout-0', context: { userId: 'user-1' }, expected: OUT() });
boolFlag('rollout-100', [{ serve: { rollout: 100 } }]);
cases.push({ name: 'rollout 100%: everyone in', flag: 'rollout-100', context: { userId: 'user-0' }, expected: IN() });
boolFlag('rollout-fractional', [{ serve: { rollout: 12.345 } }]);
cases.push({
  name: 'rollout 12.345%: bucket 12344 in',
  flag: 'rollout-fractional',
  context: { userId: 'user-70544' },
  expected: IN(),
});
cases.push({
  name: 'rollout 12.345%: bucket 12345 out',
  flag: 'rollout-fractional',
  context: { userId: 'user-48699' },
  expected: OUT(),
});
boolFlag('rollout-tiny', [{ serve: { rollout: 0.001 } }]);
cases.push({
  name: 'rollout 0.001%: bucket 0 in',
  flag: 'rollout-tiny',
  context: { userId: 'user-92825' },
  expected: IN(),
});
cases.push({
  name: 'rollout 0.001%: bucket 1 out',
  flag: 'rollout-tiny',
  context: { userId: 'user-47770' },
  expected: OUT(),
});
boolFlag(
  'rollout-account',
  [{ serve: { rollout: 25, stickiness: 'accountId' } }],
  { variant: 'off' },
  { salt: 'rollout-25' },
);
cases.push({
  name: 'stickiness accountId: acct-22 (bucket 1875) in',
  flag: 'rollout-account',
  context: { accountId: 'acct-22', userId: 'user-0' },
  expected: IN(),
});
cases.push({
  name: 'stickiness accountId: acct-1 (bucket 32685) out',
  flag: 'rollout-account',
  context: { accountId: 'acct-1', userId: 'user-1' },
  expected: OUT(),
});
cases.push({
  name: 'stickiness accountId: absent, no fallback to userId',
  flag: 'rollout-account',
  context: { userId: 'user-1' },
  expected: DEFAULT_OFF,
});
boolFlag(
  'rollout-targeting-key',
  [{ serve: { rollout: 25, stickiness: 'targetingKey' } }],
  { variant: 'off' },
  { salt: 'rollout-25' },
);
cases.push({
  name: 'stickiness targetingKey',
  flag: 'rollout-targeting-key',
  context: { targetingKey: 'user-1' },
  expected: IN(),
});
cases.push({
  name: 'stickiness targetingKey falls back to userId',
  flag: 'rollout-targeting-key',
  context: { userId: 'user-1' },
  expected: IN(),
});
cases.push({
  name: 'stickiness targetingKey wins over userId',
  flag: 'rollout-targeting-key',
  context: { targetingKey: 'user-0', userId: 'user-1' },
  expected: OUT(),
});
boolFlag('salted-rollout', [{ serve: { rollout: 50 } }], { variant: 'off' }, { salt: 'custom-salt' });
cases.push({
  name: 'salt replaces the flag key: user-7 (8388) in',
  flag: 'salted-rollout',
  context: { userId: 'user-7' },
  expected: IN(),
});
cases.push({
  name: 'salt replaces the flag key: user-0 (85551; 22705 under the key) out',
  flag: 'salted-rollout',
  context: { userId: 'user-0' },
  expected: OUT(),
});
boolFlag('two-rollouts', [{ serve: { rollout: 20 } }, { serve: { rollout: 60 } }]);
cases.push({
  name: 'two rollouts: user-0 (9697) in the first',
  flag: 'two-rollouts',
  context: { userId: 'user-0' },
  expected: IN(0),
});
cases.push({
  name: 'two rollouts: user-5 (47131) control of rule 0, served by rule 1',
  flag: 'two-rollouts',
  context: { userId: 'user-5' },
  expected: { ...IN(1), rollout: { ruleIndex: 0, arm: 'control' } },
});
cases.push({
  name: 'two rollouts: user-1 (90402) out of both',
  flag: 'two-rollouts',
  context: { userId: 'user-1' },
  expected: OUT(0),
});
boolFlag('default-rollout', [], { rollout: 10 });
cases.push({
  name: 'default rollout 10%: user-7 (4898) in',
  flag: 'default-rollout',
  context: { userId: 'user-7' },
  expected: { value: true, variant: 'on', reason: 'SPLIT', rollout: { ruleIndex: -1, arm: 'treatment' } },
});
cases.push({
  name: 'default rollout 10%: user-0 (92364) gets the off variant',
  flag: 'default-rollout',
  context: { userId: 'user-0' },
  expected: { value: false, variant: 'off', reason: 'SPLIT', rollout: { ruleIndex: -1, arm: 'control' } },
});
cases.push({
  name: 'default rollout: no unit → off variant, DEFAULT',
  flag: 'default-rollout',
  context: {},
  expected: DEFAULT_OFF,
});
boolFlag('checkout-v2', [
  { conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }], serve: { rollout: 25 } },
]);
cases.push({
  name: 'checkout-v2: VN user-4 (12041) in',
  flag: 'checkout-v2',
  context: { userId: 'user-4', country: 'VN' },
  expected: IN(),
});
cases.push({
  name: 'checkout-v2: VN user-0 (68195) out',
  flag: 'checkout-v2',
  context: { userId: 'user-0', country: 'VN' },
  expected: OUT(),
});
cases.push({
  name: 'checkout-v2: DE never reaches the rollout',
  flag: 'checkout-v2',
  context: { userId: 'user-4', country: 'DE' },
  expected: DEFAULT_OFF,
});
flags['string-rollout'] = {
  key: 'string-rollout',
  type: 'string',
  variants: { old: 'v1', new: 'v2' },
  enabled: true,
  rules: [{ serve: { rollout: 25, variant: 'new' } }],
  serve: { variant: 'old' },
  offVariant: 'old',
  salt: 'rollout-25',
};
cases.push({
  name: 'rollout of a named variant',
  flag: 'string-rollout',
  context: { userId: 'user-1' },
  expected: { value: 'v2', variant: 'new', reason: 'SPLIT', ruleIndex: 0, rollout: { ruleIndex: 0, arm: 'treatment' } },
});
cases.push({
  name: 'rollout of a named variant: out',
  flag: 'string-rollout',
  context: { userId: 'user-0' },
  expected: { value: 'v1', variant: 'old', reason: 'DEFAULT', rollout: { ruleIndex: 0, arm: 'control' } },
});

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

const vectors = {
  specVersion: 2,
  description:
    'Wavegate evaluation conformance vectors. For each case: evaluate flags[case.flag] with case.context and the ' +
    'segments below, or build a snapshot {version: 1, project: "spec", environment: "spec", flags, segments} and ' +
    'evaluate case.flag through it (snapshotOnly cases only this way). Compare value, variant, reason, ruleIndex, ' +
    'errorCode and rollout; a field absent from expected must be absent from the result. Messages are not compared.',
  segments,
  flags,
  cases,
};
const target = new URL('../spec/evaluation.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${target.pathname} with ${cases.length} cases`);
