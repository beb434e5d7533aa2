import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { batch, series } from './metrics.fixtures.js';
import { metricsBatchSchema } from './metrics-batch.schema.js';
import { validateBatchShape } from './metrics-batch.validate.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const schemaAccepts = ajv.compile(metricsBatchSchema);

const good = () =>
  batch([
    {
      start: 1_000_000,
      series: [
        series({ units: [1, 2, 5, 3], latencies: [10, 20], errors: 1, metrics: { buy: [1, 2] } }),
        series({ variant: 'off', arm: null }),
      ],
    },
  ]);
// biome-ignore lint/suspicious/noExplicitAny: mutations reach anywhere into arbitrary JSON.
type Json = any;
type Mutate = (b: Json) => void;
const s0 = (b: Json) => b.windows[0].series[0];

// Each mutation of a good batch, judged by the JSON Schema (ajv) and by the hand-written check: they must agree.
const mutations: [string, Mutate][] = [
  ['unchanged', () => {}],
  ['v 2', (b) => (b.v = 2)],
  ['no batchId', (b) => delete b.batchId],
  ['short batchId', (b) => (b.batchId = 'abc')],
  ['unknown root field', (b) => (b.extra = 1)],
  ['__proto__ root field', (b) => Object.defineProperty(b, '__proto__', { value: {}, enumerable: true })],
  ['createdAt negative', (b) => (b.createdAt = -1)],
  ['createdAt float', (b) => (b.createdAt = 1.5)],
  ['sdk extra', (b) => (b.sdk.x = 1)],
  ['sdk name too long', (b) => (b.sdk.name = 'x'.repeat(101))],
  ['instanceId number', (b) => (b.instanceId = 5)],
  ['configVersion null', (b) => (b.configVersion = null)],
  ['configVersion string', (b) => (b.configVersion = '1')],
  ['dropped.windows negative', (b) => (b.dropped.windows = -1)],
  ['no windows', (b) => delete b.windows],
  ['windows not array', (b) => (b.windows = {})],
  ['61 windows', (b) => (b.windows = Array.from({ length: 61 }, () => b.windows[0]))],
  ['window without end', (b) => delete b.windows[0].end],
  ['window extra', (b) => (b.windows[0].x = 1)],
  ['series not array', (b) => (b.windows[0].series = 1)],
  ['series item null', (b) => (b.windows[0].series[1] = null)],
  ['empty flag', (b) => (s0(b).flag = '')],
  ['long variant', (b) => (s0(b).variant = 'v'.repeat(201))],
  ['bad arm', (b) => (s0(b).arm = 'both')],
  ['no arm', (b) => delete s0(b).arm],
  ['evaluations float', (b) => (s0(b).evaluations = 1.5)],
  ['evaluations too big', (b) => (s0(b).evaluations = 2e12)],
  ['no evaluations', (b) => delete s0(b).evaluations],
  ['units without hll', (b) => delete s0(b).units.hll],
  ['hll p string', (b) => (s0(b).units.hll.p = '10')],
  ['hll sparse float', (b) => (s0(b).units.hll.sparse = [1, 1.5])],
  ['hll extra', (b) => (s0(b).units.hll.q = 1)],
  ['units estimate negative', (b) => (s0(b).units.estimate = -1)],
  ['requests without errors', (b) => delete s0(b).requests.errors],
  ['requests latencyMs array', (b) => (s0(b).requests.latencyMs = [])],
  ['requests extra', (b) => (s0(b).requests.x = 1)],
  ['metric name $', (b) => (s0(b).metrics.$requests = s0(b).metrics.buy)],
  ['metric name with space', (b) => (s0(b).metrics['a b'] = s0(b).metrics.buy)],
  ['track sumSquares negative', (b) => (s0(b).metrics.buy.sumSquares = -1)],
  ['track without sum', (b) => delete s0(b).metrics.buy.sum],
  ['track extra', (b) => (s0(b).metrics.buy.x = 1)],
  [
    '51 metrics',
    (b) => {
      for (let i = 0; i < 51; i++) s0(b).metrics[`m${i}`] = { count: 1, sum: 1, sumSquares: 1 };
    },
  ],
];

describe('validateBatchShape agrees with metricsBatchSchema', () => {
  it.each(mutations)('%s', (_name, mutate) => {
    const body = JSON.parse(JSON.stringify(good()));
    mutate(body);
    const wire = JSON.parse(JSON.stringify(body));
    const problems = validateBatchShape(wire);
    expect(problems.length === 0).toBe(schemaAccepts(wire));
    for (const p of problems)
      expect(p).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
  });

  it('refuses metric names that reach a prototype (the schema cannot say so)', () => {
    const body = good() as Json;
    body.windows[0].series[0].metrics = JSON.parse('{"__proto__": {"count": 1, "sum": 1, "sumSquares": 1}}');
    expect(validateBatchShape(body).map((p) => p.code)).toEqual(['bad_name']);
  });
});
