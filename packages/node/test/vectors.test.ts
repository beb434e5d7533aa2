import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createEvaluator, type EvaluationContext, type Flag, type Segment, type Snapshot } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { Wavegate } from '../src/client.js';

interface Case {
  name: string;
  flag: string;
  context: Record<string, unknown> | null;
  expected: Record<string, unknown>;
}
const spec = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@wavegate/core/spec/evaluation.json'), 'utf8'),
) as { flags: Record<string, Flag>; segments: Record<string, Segment>; cases: Case[] };

const FIELDS = ['value', 'variant', 'reason', 'ruleIndex', 'errorCode', 'rollout'] as const;

describe('core conformance vectors through the SDK (bootstrap)', () => {
  const snapshot: Snapshot = {
    version: 1,
    project: 'spec',
    environment: 'spec',
    flags: spec.flags,
    segments: spec.segments,
  };
  const client = new Wavegate({
    url: 'http://127.0.0.1:9',
    token: 't',
    offline: true,
    bootstrap: snapshot,
    metrics: false,
  });

  it('has vectors', () => {
    expect(spec.cases.length).toBeGreaterThan(100);
  });

  it.each(spec.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result: Record<string, unknown> = { ...client.variant(c.flag, c.context ?? undefined) };
    const picked: Record<string, unknown> = {};
    for (const f of FIELDS) if (result[f] !== undefined) picked[f] = result[f];
    expect(picked).toEqual(c.expected);
  });
});

describe('typed getters through the SDK agree with the core Evaluator on every vector', () => {
  const snapshot: Snapshot = {
    version: 1,
    project: 'spec',
    environment: 'spec',
    flags: spec.flags,
    segments: spec.segments,
  };
  const core = createEvaluator(snapshot);
  const plain = new Wavegate({
    url: 'http://127.0.0.1:9',
    token: 't',
    offline: true,
    bootstrap: snapshot,
    metrics: false,
  });
  const defaults = { boolean: true, string: 'dflt', number: -7, json: { d: 1 } } as const;

  it.each(spec.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ctx = (c.context ?? undefined) as EvaluationContext;
    for (const type of ['boolean', 'string', 'number', 'json'] as const) {
      const expected = core[type](c.flag, ctx, defaults[type] as never);
      expect(plain.details(c.flag, ctx, defaults[type], type)).toEqual(expected);
      const getter = { boolean: 'getBoolean', string: 'getString', number: 'getNumber', json: 'getJSON' } as const;
      expect(plain[getter[type]](c.flag, ctx, defaults[type] as never)).toEqual(expected.value);
    }
    expect(plain.isEnabled(c.flag, ctx)).toBe(core.boolean(c.flag, ctx, false).value);
  });
});
