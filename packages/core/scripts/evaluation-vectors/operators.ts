import { type Json, op } from './shared.js';

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

export const segments: Record<string, Json> = {
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
