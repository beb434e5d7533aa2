import type { Condition, Rule, Serve } from '@wavegate/core';
import type { FlagEnvironmentConfig } from './config.types.js';

/** JSON with object keys sorted at every depth and `undefined` members left out: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** A condition without the members that only restate a default (`negate: false`, `caseInsensitive: false`). */
export function plainCondition(condition: Condition): Condition {
  const out: Condition = { op: condition.op };
  if (condition.attribute !== undefined && condition.attribute !== null) out.attribute = condition.attribute;
  if (condition.values !== undefined && condition.values !== null) out.values = [...condition.values];
  if (condition.negate === true) out.negate = true;
  if (condition.caseInsensitive === true) out.caseInsensitive = true;
  return out;
}

export function plainServe(serve: Serve): Serve {
  if ('split' in serve) {
    return serve.stickiness == null
      ? { split: { ...serve.split } }
      : { split: { ...serve.split }, stickiness: serve.stickiness };
  }
  if ('rollout' in serve) {
    const out: Serve = { rollout: serve.rollout };
    if (serve.variant != null) out.variant = serve.variant;
    if (serve.stickiness != null) out.stickiness = serve.stickiness;
    return out;
  }
  return { variant: serve.variant };
}

/** A rule in its plainest form: no empty members, conditions and serve plain. */
export function plainRule(rule: Rule): Rule {
  const out: Rule = { serve: plainServe(rule.serve) };
  if (rule.id != null) out.id = rule.id;
  if (rule.segment != null) out.segment = Array.isArray(rule.segment) ? [...rule.segment] : rule.segment;
  if (rule.conditions != null && rule.conditions.length > 0) out.conditions = rule.conditions.map(plainCondition);
  return out;
}

/**
 * Whether a flag's environment config on the server already is what the document wants. A rule id the
 * server gave is not a difference when the document names none.
 */
export function sameEnvironmentConfig(current: FlagEnvironmentConfig, desired: FlagEnvironmentConfig): boolean {
  const currentRules = current.rules.map((rule, index) => {
    const plain = plainRule(rule);
    if (desired.rules[index]?.id === undefined) delete plain.id;
    return plain;
  });
  return (
    current.enabled === desired.enabled &&
    current.offVariant === desired.offVariant &&
    sameJson(plainServe(current.serve), plainServe(desired.serve)) &&
    sameJson(currentRules, desired.rules.map(plainRule))
  );
}
