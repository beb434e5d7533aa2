import { boolFlag, cases, DEFAULT_OFF, type Expected, flags, type Json } from './shared.js';

// Rollouts ---------------------------------------------------------------------------------------------------------
export const IN = (ruleIndex = 0, arm = ruleIndex): Expected => ({
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
