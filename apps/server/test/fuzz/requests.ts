import fc from 'fast-check';
import { batch, series } from '../../src/modules/metrics/metrics.fixtures.js';

/** A request the fuzzer sends: method, URL, body (a value to JSON-encode, or raw text), content type, token. */
export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  token: 'admin' | 'client' | 'frontend' | 'none' | 'bogus';
}

const rule = { conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }], serve: { variant: 'on' } };
const flagConfig = { enabled: true, rules: [rule], serve: { variant: 'off' }, offVariant: 'off', version: 1 };

/** Valid requests of the admin, client, OFREP and metrics APIs: what the mutations start from. */
export function validRequests(now: number): FuzzRequest[] {
  const admin = (method: FuzzRequest['method'], url: string, body?: unknown): FuzzRequest => ({
    method,
    url,
    token: 'admin',
    ...(body === undefined ? {} : { body }),
  });
  return [
    admin('POST', '/api/v1/projects', { key: 'fuzz', name: 'Fuzz' }),
    admin('POST', '/api/v1/projects/shop/environments', { key: 'qa', name: 'QA', protected: false }),
    admin('PATCH', '/api/v1/projects/shop/environments/production', { name: 'Prod', version: 1 }),
    admin('POST', '/api/v1/projects/shop/flags', {
      key: 'new-flag',
      type: 'string',
      description: 'd',
      variants: { a: 'x', b: 'y' },
      environments: { production: { enabled: true, rules: [], serve: { split: { a: 50, b: 50 } } } },
    }),
    admin('PATCH', '/api/v1/projects/shop/flags/checkout-v2', { description: 'x', tags: ['t'], version: 1 }),
    admin('PUT', '/api/v1/projects/shop/flags/checkout-v2/environments/production', flagConfig),
    admin('POST', '/api/v1/projects/shop/flags/checkout-v2/environments/production/disable', { version: 1 }),
    admin('POST', '/api/v1/projects/shop/flags/checkout-v2/archive', { version: 1 }),
    admin('POST', '/api/v1/projects/shop/segments', {
      key: 'seg',
      conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
    }),
    admin('PUT', '/api/v1/projects/shop/segments/seg', { conditions: [], version: 1 }),
    admin('POST', '/api/v1/tokens', { kind: 'client', name: 'n', project: 'shop', environment: 'production' }),
    admin('POST', '/api/v1/apply?dryRun=false', {
      project: 'shop',
      environments: ['production', 'staging'],
      flags: { 'from-apply': { type: 'boolean', environments: { production: { enabled: true, serve: true } } } },
    }),
    admin('POST', '/api/v1/projects/shop/releases', {
      id: 'r1',
      flag: 'checkout-v2',
      environment: 'production',
      rule: { index: 0 },
      variant: 'on',
      waves: [{ percentage: 10, minBakeSeconds: 60 }],
      gates: [],
    }),
    admin('GET', '/api/v1/events?limit=5&kind=flag.created'),
    admin('GET', '/api/v1/projects/shop/flags?q=check'),
    {
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags/checkout-v2',
      token: 'client',
      body: { context: { targetingKey: 'u1', country: 'VN' } },
    },
    { method: 'POST', url: '/ofrep/v1/evaluate/flags', token: 'frontend', body: { context: { targetingKey: 'u2' } } },
    { method: 'GET', url: '/api/client/snapshot', token: 'client' },
    {
      method: 'POST',
      url: '/api/client/metrics',
      token: 'client',
      body: batch([{ start: Math.floor(now / 10_000) * 10_000 - 20_000, series: [series({ latencies: [12, 30] })] }]),
    },
  ];
}

const weird = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('\u0000', '\ud800', '💥'.repeat(20), 'x'.repeat(70_000), -1, 1e308, Number.NaN, null, [], {}),
  fc.integer(),
  fc.double(),
);

function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function setAt(value: unknown, path: string[], replace: (old: unknown) => unknown | typeof REMOVE): unknown {
  if (path.length === 0) return replace(value);
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  const next = setAt((copy as Record<string, unknown>)[head], rest, replace);
  if (next === REMOVE) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete copy[head];
  } else (copy as Record<string, unknown>)[head] = next;
  return copy;
}
const REMOVE = Symbol('remove');

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i += 1) v = i % 2 === 0 ? { a: v } : [v];
  return v;
}

/** One mutation of a valid request: a field retyped, removed or added, a huge or odd value, bad JSON, wrong type. */
export function mutated(valid: FuzzRequest[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      base: fc.constantFrom(...valid),
      pick: fc.nat(),
      kind: fc.constantFrom('retype', 'remove', 'extra', 'deep', 'rawjson', 'contenttype', 'token', 'whole', 'url'),
      value: weird,
      key: fc.string({ maxLength: 12 }),
      raw: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('{', '{"a":', '[1,2', 'null', '"x"', '{"__proto__":{"x":1}}'),
      ),
      depth: fc.integer({ min: 50, max: 2000 }),
    })
    .map(({ base, pick, kind, value, key, raw, depth }) => {
      const r: FuzzRequest = { ...base };
      const all = paths(base.body);
      const path = all[pick % all.length] ?? [];
      switch (kind) {
        case 'retype':
          r.body = setAt(base.body, path, () => value);
          break;
        case 'remove':
          r.body = setAt(base.body, path, () => REMOVE);
          break;
        case 'extra':
          r.body = setAt(base.body, path, (old) =>
            old !== null && typeof old === 'object' && !Array.isArray(old) ? { ...old, [key || 'extra']: value } : old,
          );
          break;
        case 'deep':
          r.body = setAt(base.body, path, () => nest(depth));
          break;
        case 'rawjson':
          r.raw = raw;
          r.contentType = 'application/json';
          break;
        case 'contenttype':
          r.raw = JSON.stringify(base.body ?? {});
          r.contentType = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/xml'][
            pick % 4
          ];
          break;
        case 'token':
          r.token = (['none', 'bogus', 'client', 'frontend', 'admin'] as const)[pick % 5]!;
          break;
        case 'whole':
          r.body = value;
          break;
        case 'url':
          r.url = `${base.url.split('?')[0]}${['/x', '?limit=-1', '?cursor=%zz', '/%00', `/${encodeURIComponent(key)}`][pick % 5]}`;
          break;
      }
      return r;
    });
}
