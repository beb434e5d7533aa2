import type { Gate, ReleaseDefinition } from '@wavegate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProjectState } from './config.types.js';
import { exportDocument, parseDocument, planApply, renderYaml } from './index.js';

// Releases in the document: what export writes, parse reads back to the same definitions, apply finds nothing to
// change, and the text renders again to the byte (the round trip of document-export.test.ts, with releases).

const gateArb: fc.Arbitrary<Gate> = fc.oneof(
  fc.record(
    {
      type: fc.constant('compare' as const),
      metric: fc.oneof(
        fc.constant({ kind: 'error_rate' as const }),
        fc.record({ kind: fc.constant('slow_rate' as const), thresholdMs: fc.integer({ min: 1, max: 2000 }) }),
      ),
      tolerance: fc.oneof(
        fc.record({ absolute: fc.constantFrom(0.005, 0.05, 1) }),
        fc.record({ relative: fc.constantFrom(0.1, 1) }),
      ),
      direction: fc.constantFrom('lower-is-better' as const, 'higher-is-better' as const),
    },
    { requiredKeys: ['type', 'metric', 'tolerance'] },
  ),
  fc.constantFrom<Gate>(
    { type: 'limit', metric: { kind: 'error_rate' }, max: 0.05 },
    { type: 'limit', name: 'p95', metric: { kind: 'latency_p95' }, max: 500 },
  ),
  fc.record({
    type: fc.constant('alerts' as const),
    severity: fc.constantFrom('warning' as const, 'critical' as const),
  }),
);

const releaseArb = (id: string): fc.Arbitrary<ReleaseDefinition> =>
  fc.record(
    {
      id: fc.constant(id),
      flag: fc.constant('f'),
      environment: fc.constant('production'),
      rule: fc.constantFrom({ id: 'everyone' }, { index: 0 }),
      variant: fc.constant('on'),
      waves: fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 4 }).chain((ps) =>
        fc.tuple(
          ...[...ps]
            .sort((a, b) => a - b)
            .map((p) =>
              fc.record(
                {
                  percentage: fc.constant(p / 1000),
                  minBakeSeconds: fc.integer({ min: 0, max: 172_800 }),
                  minSamples: fc.integer({ min: 1, max: 5000 }),
                  approval: fc.boolean(),
                },
                { requiredKeys: ['percentage', 'minBakeSeconds'] },
              ),
            ),
        ),
      ),
      gates: fc.array(gateArb, { maxLength: 1 }),
      onNoData: fc.record({ afterSeconds: fc.integer({ min: 1, max: 3600 }), action: fc.constantFrom('hold', 'warn') }),
      onSampleRatioMismatch: fc.constantFrom('hold' as const, 'rollback' as const),
      alpha: fc.constantFrom(0.05, 0.01),
    },
    { requiredKeys: ['id', 'flag', 'environment', 'rule', 'variant', 'waves', 'gates'] },
  ) as fc.Arbitrary<ReleaseDefinition>;

const stateWith = (releases: { definition: ReleaseDefinition; status: string }[]): ProjectState => ({
  project: { key: 'p' },
  environments: [{ key: 'production' }],
  segments: [],
  flags: [
    {
      key: 'f',
      type: 'boolean',
      variants: { on: true, off: false },
      environments: {
        production: {
          enabled: true,
          rules: [{ id: 'everyone', serve: { rollout: 10, variant: 'on' } }],
          serve: { variant: 'off' },
          offVariant: 'off',
        },
      },
    },
  ],
  releases,
});

describe('releases: export, parse, apply', () => {
  it('round-trips any release to the byte, and apply of the export changes nothing', () => {
    fc.assert(
      fc.property(
        releaseArb('r1'),
        fc.constantFrom('pending', 'running', 'completed', 'rolled_back'),
        (def, status) => {
          const state = stateWith([{ definition: def, status }]);
          const text = renderYaml(exportDocument(state));
          const parsed = parseDocument(text);
          if (!parsed.ok) throw new Error(`${JSON.stringify(parsed.problems)}\n${text}`);
          expect(renderYaml(parsed.value)).toBe(text);
          const { start, ...written } = parsed.value.releases?.['r1'] ?? {};
          expect({ id: 'r1', ...written }).toEqual(def);
          expect(start).toBe(status === 'pending' ? undefined : true);
          const plan = planApply(state, parsed.value, { now: 1 });
          if (!plan.ok) throw new Error(`${JSON.stringify(plan.problems)}\n${text}`);
          expect(plan.value.events, text).toEqual([]);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('writes the docs example in flow style', () => {
    const def: ReleaseDefinition = {
      id: 'r1',
      flag: 'f',
      environment: 'production',
      rule: { id: 'everyone' },
      variant: 'on',
      waves: [{ percentage: 10, minBakeSeconds: 86400, minSamples: 1000 }],
      gates: [{ type: 'compare', metric: { kind: 'error_rate' }, tolerance: { absolute: 0.005 } }],
      onNoData: { afterSeconds: 3600, action: 'hold' },
    };
    const text = renderYaml(exportDocument(stateWith([{ definition: def, status: 'running' }])));
    expect(text).toContain(`releases:
  r1:
    flag: f
    environment: production
    rule: { id: everyone }
    variant: on
    waves:
      - { percentage: 10, minBakeSeconds: 86400, minSamples: 1000 }
    gates:
      - { type: compare, metric: { kind: error_rate }, tolerance: { absolute: 0.005 } }
    onNoData: { afterSeconds: 3600, action: hold }
    start: true
`);
  });
});
