import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from 'wavegate';
import { WavegateWeb } from '../src/client.js';
import { admin } from './helpers.js';
import { ManualClock } from './manual-clock.js';

interface Case {
  name: string;
  flag: string;
  context: unknown;
  expected: Record<string, unknown>;
}
interface SpecFlag {
  key: string;
  type: string;
  variants: Record<string, unknown>;
  salt?: string;
  enabled: boolean;
  rules: unknown[];
  serve: unknown;
  offVariant: string;
}
const spec = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@wavegate/core/spec/evaluation.json'), 'utf8'),
) as {
  flags: Record<string, SpecFlag>;
  segments: Record<string, { key: string; conditions: unknown[] }>;
  cases: Case[];
};

type Running = Awaited<ReturnType<typeof startServer>>;
let server: Running;
let token: string;
/** Flags the server accepted (it refuses the spec's deliberately broken ones at write time). */
const created = new Set<string>();

beforeAll(async () => {
  server = await startServer({ memory: true, port: 0, logger: false });
  const call = admin(server.url, server.firstAdminToken!);
  await call('POST', '/api/v1/projects', { key: 'spec' });
  await call('POST', '/api/v1/projects/spec/environments', { key: 'spec' });
  for (const s of Object.values(spec.segments)) {
    await call('POST', '/api/v1/projects/spec/segments', { key: s.key, conditions: s.conditions }).catch(() => {});
  }
  for (const f of Object.values(spec.flags)) {
    const body = {
      key: f.key,
      type: f.type,
      variants: f.variants,
      ...(f.salt === undefined ? {} : { salt: f.salt }),
      environments: { spec: { enabled: f.enabled, rules: f.rules, serve: f.serve, offVariant: f.offVariant } },
    };
    const ok = await call('POST', '/api/v1/projects/spec/flags', body).then(
      () => true,
      () => false,
    );
    if (ok) created.add(f.key);
  }
  const t = await call('POST', '/api/v1/tokens', {
    kind: 'frontend',
    name: 'spec',
    project: 'spec',
    environment: 'spec',
  });
  token = t.secret as string;
});
afterAll(async () => {
  await server.close();
});

describe('core conformance vectors through the browser SDK (remote evaluation by the server)', () => {
  it('serves what the core computes, for every case of a flag the server accepts', async () => {
    // Cases of flags the server refuses at write time (PARSE_ERROR vectors) and non-object contexts (which OFREP
    // cannot carry) have no remote equivalent; everything else must match.
    const cases = spec.cases.filter(
      (c) =>
        (created.has(c.flag) || !(c.flag in spec.flags)) &&
        (c.context === null || (typeof c.context === 'object' && !Array.isArray(c.context))),
    );
    expect(created.size).toBeGreaterThan(50);
    expect(cases.length).toBeGreaterThan(150);
    const client = new WavegateWeb({ url: server.url, token, clock: new ManualClock(), metrics: false });
    try {
      await client.ready();
      const mismatches: unknown[] = [];
      for (const c of cases) {
        await client.setContext((c.context ?? {}) as Record<string, unknown>);
        const r = client.variant(c.flag);
        const got: Record<string, unknown> = { value: r.value, variant: r.variant, reason: r.reason };
        if (r.metadata?.['ruleIndex'] !== undefined) got['ruleIndex'] = r.metadata['ruleIndex'];
        if (r.errorCode !== undefined) got['errorCode'] = r.errorCode;
        const want: Record<string, unknown> = { ...c.expected };
        delete want['rollout']; // not part of OFREP
        if (want['errorCode'] === 'FLAG_NOT_FOUND') {
          // OFREP carries no value for an unknown flag: the SDK serves the caller's default (here none).
          delete want['value'];
          delete want['variant'];
          delete got['value'];
        }
        for (const k of Object.keys(got)) if (got[k] === undefined) delete got[k];
        if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(want))) mismatches.push({ case: c.name, got, want });
      }
      expect(mismatches).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

function sorted(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
