/**
 * A tiny semantic-version parser and comparator (semver 2.0.0 precedence). A leading `v` is accepted.
 *
 * @module
 */

/** A parsed semantic version. Build metadata is kept but never affects precedence. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers; numeric ones as numbers. Empty for a release. */
  prerelease: (string | number)[];
  build: string[];
}

const SEMVER_RE =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * Parses `1.2.3`, `v1.2.3-rc.1+build.5`; returns `undefined` for anything that is not semver 2.0.0.
 * @example parseSemVer('v2.0.0-rc.1')?.prerelease // ['rc', 1]
 */
export function parseSemVer(text: unknown): SemVer | undefined {
  if (typeof text !== 'string' || text.length > 256) return undefined;
  const m = SEMVER_RE.exec(text);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = Number(m[3]);
  if (!Number.isSafeInteger(major) || !Number.isSafeInteger(minor) || !Number.isSafeInteger(patch)) return undefined;
  const prerelease: (string | number)[] = [];
  if (m[4] !== undefined) {
    for (const id of m[4].split('.')) {
      if (/^\d+$/.test(id)) {
        const n = Number(id);
        if (!Number.isSafeInteger(n)) return undefined;
        prerelease.push(n);
      } else {
        prerelease.push(id);
      }
    }
  }
  return { major, minor, patch, prerelease, build: m[5] === undefined ? [] : m[5].split('.') };
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
    return -1;
  }
  if (typeof b === 'number') return 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Semver 2.0.0 precedence: negative if `a < b`, 0 if equal (build metadata ignored), positive if `a > b`.
 * @example compareSemVer(parseSemVer('1.0.0-alpha')!, parseSemVer('1.0.0')!) // -1
 */
export function compareSemVer(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  const pa = a.prerelease;
  const pb = b.prerelease;
  if (pa.length === 0) return pb.length === 0 ? 0 : 1;
  if (pb.length === 0) return -1;
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(pa[i]!, pb[i]!);
    if (c !== 0) return c;
  }
  return pa.length === pb.length ? 0 : pa.length < pb.length ? -1 : 1;
}
