import { isIP } from 'node:net';
import type { TrustProxy } from '../platform/http.js';

/** Names Fastify (proxy-addr) knows for address ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

const EXPECTED = 'true, false, or a comma-separated list of proxy addresses or CIDRs, e.g. 10.0.0.0/8,127.0.0.1';

/** One list entry: an IP address, `address/prefix`, or a range name; the reason it is not, else undefined. */
function entryProblem(entry: string): string | undefined {
  if (RANGE_NAMES.includes(entry)) return undefined;
  const [address = '', prefix, ...extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra.length > 0) return `"${entry}" is not an IP address or CIDR`;
  if (prefix === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return `"${entry}" has a prefix length outside 0-${bits}`;
  return undefined;
}

/**
 * `--trust-proxy` / `WAVEGATE_TRUST_PROXY` as Fastify's `trustProxy`: `true` (every hop), `false` (none), or the
 * addresses of the proxies to trust. Undefined when not set; a bad value adds one problem.
 *
 * A hop count is refused rather than passed on: Fastify 5 treats a number as "trust nothing", because a hop count
 * cannot check who the immediate peer is, so a client reaching the server directly could choose its address.
 */
export function trustProxySetting(text: string | undefined, problems: string[]): TrustProxy | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    problems.push(
      `trust proxy takes the proxies' addresses, not a hop count (a client reaching the server directly could ` +
        `choose its address): ${EXPECTED} (got "${text}")`,
    );
    return undefined;
  }
  const entries = value.split(',').map((e) => e.trim());
  const wrong = entries.map((e) => (e === '' ? 'an empty entry' : entryProblem(e))).filter((p) => p !== undefined);
  if (wrong.length > 0) {
    problems.push(`trust proxy is ${EXPECTED} (got "${text}": ${wrong.join('; ')})`);
    return undefined;
  }
  return entries;
}
