import { describe, expect, it } from 'vitest';
import { compareSemVer, parseSemVer } from './semver.js';

describe('parseSemVer', () => {
  it.each([
    '0.0.0',
    '1.2.3',
    'v1.2.3',
    '1.0.0-alpha',
    '1.0.0-0.3.7',
    '1.0.0-x.7.z.92',
    '1.0.0+20130313144700',
    '1.0.0-beta+exp.sha.5114f85',
    '1.0.0-x-y-z.--',
  ])('accepts %s', (text) => expect(parseSemVer(text)).toBeDefined());

  it.each([
    '',
    '1',
    '1.2',
    '1.2.3.4',
    '01.2.3',
    '1.02.3',
    '1.2.03',
    '1.0.0-01',
    '1.0.0-',
    '1.0.0+',
    '1.0.0-a..b',
    'V1.2.3',
    ' 1.2.3',
    'vv1.2.3',
    '1.2.3-é',
    '99999999999999999.0.0',
  ])('rejects %j', (text) => expect(parseSemVer(text)).toBeUndefined());

  it('rejects non-strings', () => {
    expect(parseSemVer(1)).toBeUndefined();
    expect(parseSemVer(null)).toBeUndefined();
  });

  it('splits pre-release identifiers, numeric ones as numbers', () => {
    expect(parseSemVer('v2.0.0-rc.1+build.5')).toEqual({
      major: 2,
      minor: 0,
      patch: 0,
      prerelease: ['rc', 1],
      build: ['build', '5'],
    });
  });
});

describe('compareSemVer', () => {
  // The precedence example of semver 2.0.0, §11.
  const ordered = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.1.0',
    '2.0.0',
    '10.0.0',
  ];
  it('follows semver 2.0.0 precedence', () => {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const c = compareSemVer(parseSemVer(ordered[i])!, parseSemVer(ordered[j])!);
        expect(Math.sign(c), `${ordered[i]} vs ${ordered[j]}`).toBe(Math.sign(i - j));
      }
    }
  });

  it('ignores build metadata', () => {
    expect(compareSemVer(parseSemVer('1.0.0+a')!, parseSemVer('1.0.0+b')!)).toBe(0);
  });
});
