import { describe, expect, it } from 'vitest';
import { attemptKeys, ipBucket } from './login-attempts.store.js';

describe('ipBucket', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:DB8:0:0:ffff::9', '2001:db8:0:0::/64'],
    ['2001:0db8:0007:0001:1:2:3:4', '2001:db8:7:1::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not an address', 'not an address'],
  ])('%s counts as %s', (ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });
});

describe('attemptKeys', () => {
  it('hashes the address bucket and the lower-cased login name: no name or address in clear', () => {
    const limits = { perIp: { max: 1, windowSeconds: 1 }, perLogin: { max: 1, windowSeconds: 1 } };
    const [ip, login] = attemptKeys('2001:db8::1', 'Erin', limits);
    expect(ip?.key).toMatch(/^ip:[0-9a-f]{64}$/);
    expect(login?.key).toMatch(/^login:[0-9a-f]{64}$/);
    expect(attemptKeys('2001:db8::2', 'ERIN', limits).map((k) => k.key)).toEqual([ip?.key, login?.key]);
    expect(attemptKeys('2001:db8:1::1', 'erin2', limits)[0]?.key).not.toBe(ip?.key);
    expect(JSON.stringify(attemptKeys('10.0.0.1', 'erin', limits))).not.toMatch(/erin|10\.0\.0\.1/i);
  });
});
