import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  compileFlag,
  type EvaluationContext,
  type Flag,
  murmur3_x86_32,
  type Snapshot,
  unitKeyOf,
} from '@wavegate/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wavegate } from '../src/client.js';
import { armRegister, HyperLogLog } from '../src/metrics/hll.js';
import type { MetricsBatch } from '../src/metrics/reporter.js';
import { ContractServer, sampleSnapshot } from './contract-server.js';
import { ManualClock } from './manual-clock.js';

// Exposure counting on the hot path: every counted evaluation lands in exactly one series of the window it happened
// in, and the distinct-unit registers are exactly those of the units evaluated (rollout arms by default, from the
// bucketing hash of `salt/unit`; every other series too with `units: 'all'`, from the unit key), whatever the order of flags, contexts and window boundaries. The ops reach every
// path of the counter: the per-flag fast counter (a flag's first plain result in a window), folded when a window
// closes on its timer or by a flush, when a middleware's request scope first appears, and across a config change
// (new flag entries counting into the same series as the old ones).

const WINDOW_MS = 10_000;

function snapshot(): Snapshot {
  const s = sampleSnapshot(1);
  s.flags['checkout-v2'] = {
    key: 'checkout-v2',
    type: 'boolean',
    variants: { on: true, off: false },
    enabled: true,
    rules: [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN', 'US'] }], serve: { rollout: 25 } }],
    serve: { variant: 'off' },
    offVariant: 'off',
  };
  s.flags['simple'] = {
    key: 'simple',
    type: 'boolean',
    variants: { on: true, off: false },
    enabled: true,
    rules: [],
    serve: { variant: 'on' },
    offVariant: 'off',
  };
  s.flags['layout'] = {
    key: 'layout',
    type: 'string',
    variants: { a: 'a', b: 'b', c: 'c' },
    enabled: true,
    rules: [],
    serve: { split: { a: 40, b: 40, c: 20 } },
    offVariant: 'a',
  } as Flag;
  return s;
}

const FLAGS = ['checkout-v2', 'simple', 'layout', 'banner'] as const;
const COUNTRIES = ['VN', 'US', 'DE'];

/** A pool of contexts: string and numeric units, `targetingKey` only, and no unit at all. */
function contextOf(i: number): EvaluationContext {
  const country = COUNTRIES[i % 3]!;
  if (i % 11 === 10) return { country };
  if (i % 7 === 6) return { targetingKey: `tk-${i}`, country };
  if (i % 5 === 4) return { userId: i, country };
  return { userId: `user-${i}`, country };
}

type Op =
  | { kind: 'eval'; flag: number; unit: number; how: 'typed' | 'variant' | 'wrong-type'; scoped: boolean }
  | { kind: 'wait'; ms: number }
  | { kind: 'flush' }
  | { kind: 'config' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('eval' as const),
      flag: fc.integer({ min: 0, max: FLAGS.length - 1 }),
      unit: fc.integer({ min: 0, max: 59 }),
      how: fc.constantFrom('typed' as const, 'variant' as const, 'wrong-type' as const),
      // Rare, so that most runs count a good while before the first request scope turns the fast counter off.
      scoped: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 12_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'config' as const }) },
);

interface Expected {
  evaluations: number;
  /** The units seen: `hash:N` (a rollout arm's bucketing hash) or `key:K` (a unit key, series of arm null). */
  units: Set<string> | undefined;
}

/** What a period's windows posted for one series: evaluations summed, registers merged (max per register). */
interface Posted {
  evaluations: number;
  units: HyperLogLog | undefined;
}

/** What the core serves, evaluated apart from the SDK: flag × variant × arm, or undefined when nothing is counted. */
function model(s: Snapshot) {
  const compiled = new Map(Object.entries(s.flags).map(([k, f]) => [k, compileFlag(f, s.segments)]));
  return (flag: string, context: EvaluationContext) => {
    const r = compiled.get(flag)!.evaluate(context);
    return `${flag}/${r.variant}/${r.rollout?.arm ?? null}`;
  };
}

function evaluate(client: Wavegate, flag: string, how: 'typed' | 'variant' | 'wrong-type', ctx: EvaluationContext) {
  if (how === 'variant') return client.variant(flag, ctx);
  const boolean = flag === 'checkout-v2' || flag === 'simple';
  if ((how === 'typed') === boolean) return client.isEnabled(flag, ctx);
  return client.getString(flag, ctx, 'x');
}

/** Run `fn` inside a request scope, as the Express middleware does for a request (the response never ends). */
function inRequest(client: Wavegate, fn: () => void): void {
  const res = { statusCode: 200, once: () => res } as unknown as ServerResponse;
  client.express()({} as IncomingMessage, res, () => fn());
}

let configs = 0;

/** Publish a config with one more (unused) flag and wait until the client serves it: every flag entry is new. */
async function newConfig(client: Wavegate): Promise<void> {
  const changed = new Promise((resolve) => client.once('changed', resolve));
  const key = `noop-${++configs}`;
  server.publish((flags) => {
    flags[key] = { ...snapshot().flags['simple']!, key };
  });
  await changed;
}

let server: ContractServer;
beforeAll(async () => {
  server = await new ContractServer(snapshot()).start();
});
afterAll(async () => {
  await server.stop();
});

/** Runs `ops` on a fresh client and returns its posted series, keyed by period start and flag/variant/arm. */
async function run(ops: Op[], units: 'rollouts' | 'all' | undefined) {
  const clock = new ManualClock();
  const metrics = units === undefined ? { windowMs: WINDOW_MS } : { windowMs: WINDOW_MS, units };
  const client = new Wavegate({ url: server.url, token: server.token, clock, random: () => 0.5, metrics });
  await client.ready();
  const from = server.metricsPosts.length;
  const served = model(snapshot());
  const expected = new Map<string, Expected>();
  for (const op of ops) {
    if (op.kind === 'wait') {
      clock.advance(op.ms);
      continue;
    }
    if (op.kind === 'flush') {
      client.flushMetrics();
      continue;
    }
    if (op.kind === 'config') {
      await newConfig(client);
      continue;
    }
    const flag = FLAGS[op.flag]!;
    const ctx = contextOf(op.unit);
    if (op.scoped) inRequest(client, () => evaluate(client, flag, op.how, ctx));
    else evaluate(client, flag, op.how, ctx);
    if (op.how === 'wrong-type') continue;
    const key = `${Math.floor(clock.now() / WINDOW_MS) * WINDOW_MS} ${served(flag, ctx)}`;
    const e = expected.get(key) ?? { evaluations: 0, units: undefined };
    expected.set(key, e);
    e.evaluations++;
    const unit = unitKeyOf(ctx['userId'] ?? ctx.targetingKey);
    if (unit === undefined || (key.endsWith('/null') && units !== 'all')) continue;
    e.units = e.units ?? new Set();
    // Rollout arms: the bucketing hash of the flag's salt (its key here) and the unit, which the core computed.
    e.units.add(key.endsWith('/null') ? `key:${unit}` : `hash:${murmur3_x86_32(`${flag}/${unit}`) | 0}`);
  }
  await client.close();
  // A flush closes a window before its period ends: a period may have several windows, whose counts add up.
  // A post retried after its request timed out on the manual clock (while a config op awaited) reaches the server
  // twice with one batch id, as a retry does: the server takes a batch id once, so does this count.
  const posted = new Map<string, Posted>();
  const batches = new Map<string, MetricsBatch>();
  for (const post of server.metricsPosts.slice(from)) {
    const batch = post.body as MetricsBatch;
    const seen = batches.get(batch.batchId);
    if (seen !== undefined) {
      expect(batch).toEqual(seen);
      continue;
    }
    batches.set(batch.batchId, batch);
    for (const w of batch.windows) {
      const period = Math.floor(w.start / WINDOW_MS) * WINDOW_MS;
      // A window never spans two periods.
      expect(w.end).toBeLessThanOrEqual(period + WINDOW_MS);
      for (const s of w.series) {
        const key = `${period} ${s.flag}/${s.variant}/${s.arm}`;
        const p = posted.get(key) ?? { evaluations: 0, units: undefined };
        posted.set(key, p);
        p.evaluations += s.evaluations;
        if (s.units !== undefined) {
          p.units = p.units ?? new HyperLogLog();
          p.units.merge(HyperLogLog.fromJSON(s.units.hll));
        }
      }
    }
  }
  return { expected, posted };
}

function registersOf(units: Iterable<string>): Uint8Array {
  const hll = new HyperLogLog();
  for (const u of units) {
    if (u.startsWith('hash:')) hll.addRegister(armRegister(Number(u.slice(5))));
    else hll.add(u.slice(4));
  }
  return hll.registers;
}

describe('exposure counting', () => {
  for (const units of [undefined, 'all'] as const) {
    it(`counts exactly what was evaluated, per window, with the units' exact registers (units: ${units ?? 'default'})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 300 }), async (ops) => {
          const { expected, posted } = await run(ops, units);
          expect(new Map([...posted].map(([k, s]) => [k, s.evaluations]))).toEqual(
            new Map([...expected].map(([k, e]) => [k, e.evaluations])),
          );
          for (const [key, e] of expected) {
            const s = posted.get(key)!;
            if (e.units === undefined) {
              expect(s.units).toBeUndefined();
              continue;
            }
            expect(s.units).toBeDefined();
            expect(s.units!.registers).toEqual(registersOf(e.units));
          }
        }),
        { numRuns: 25 },
      );
    });
  }

  it('estimates the distinct units of a rollout arm within HyperLogLog error, repeats and other flags in between', async () => {
    // 6,000 units in VN/US reach the rollout; each is evaluated twice, with a plain flag in between.
    const clock = new ManualClock();
    const client = new Wavegate({ url: server.url, token: server.token, clock, random: () => 0.5 });
    await client.ready();
    const from = server.metricsPosts.length;
    const served = model(snapshot());
    const truth = new Map<string, Set<string>>();
    for (let i = 0; i < 6000; i++) {
      const ctx = { userId: `unit-${i}`, country: i % 2 === 0 ? 'VN' : 'US' };
      for (let k = 0; k < 2; k++) {
        client.isEnabled('checkout-v2', ctx);
        client.isEnabled('simple', ctx);
      }
      const key = served('checkout-v2', ctx);
      const set = truth.get(key) ?? new Set();
      truth.set(key, set);
      set.add(ctx.userId);
    }
    await client.close();
    const series = server.metricsPosts
      .slice(from)
      .flatMap((p) => (p.body as MetricsBatch).windows.flatMap((w) => w.series));
    for (const [key, set] of truth) {
      const [flag, variant, arm] = key.split('/');
      const s = series.find((x) => x.flag === flag && x.variant === variant && String(x.arm) === arm)!;
      expect(s.evaluations).toBe(set.size * 2);
      // p = 10: standard error 1.04 / √1024 ≈ 3.25 %; three standard errors.
      expect(Math.abs(s.units!.estimate - set.size)).toBeLessThanOrEqual(Math.ceil(set.size * 0.0975));
    }
    const simple = series.find((x) => x.flag === 'simple')!;
    expect(simple).toMatchObject({ variant: 'on', arm: null, evaluations: 12_000 });
    expect(simple.units).toBeUndefined();
  });
});
