import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createEvaluator,
  type EvaluationResult,
  evaluate,
  type Flag,
  Operator,
  type Segment,
  type Snapshot,
} from '../src/index.js';

interface Case {
  name: string;
  flag: string;
  context: Record<string, unknown> | null;
  snapshotOnly?: boolean;
  expected: Record<string, unknown>;
}
interface Vectors {
  specVersion: number;
  segments: Record<string, Segment>;
  flags: Record<string, Flag>;
  cases: Case[];
}

const vectors = JSON.parse(readFileSync(new URL('../spec/evaluation.json', import.meta.url), 'utf8')) as Vectors;
const snapshot: Snapshot = {
  version: 1,
  project: 'spec',
  environment: 'spec',
  flags: vectors.flags,
  segments: vectors.segments,
};
const evaluator = createEvaluator(snapshot);

/** The compared fields of a result; absent fields stay absent. */
function compared(result: EvaluationResult): Record<string, unknown> {
  const out: Record<string, unknown> = { value: result.value, reason: result.reason };
  for (const key of ['variant', 'ruleIndex', 'errorCode', 'rollout'] as const) {
    if (result[key] !== undefined) out[key] = result[key];
  }
  return out;
}

describe('spec/evaluation.json', () => {
  it('is version 2 and covers every operator', () => {
    expect(vectors.specVersion).toBe(2);
    const used = new Set(
      Object.values(vectors.flags).flatMap((f) =>
        (f.rules ?? []).flatMap((r) => (r.conditions ?? []).map((c) => c.op)),
      ),
    );
    for (const op of Object.values(Operator)) expect(used, op).toContain(op);
  });

  it.each(vectors.cases.filter((c) => !c.snapshotOnly))('evaluate: $name', (c) => {
    const result = evaluate(vectors.flags[c.flag]!, c.context, vectors.segments);
    expect(compared(result)).toEqual(c.expected);
    if (result.reason === 'ERROR') expect(result.errorMessage).toEqual(expect.any(String));
  });

  it.each(vectors.cases)('createEvaluator: $name', (c) => {
    expect(compared(evaluator.evaluate(c.flag, c.context))).toEqual(c.expected);
  });
});
