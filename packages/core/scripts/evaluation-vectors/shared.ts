/** What every section of the evaluation vectors shares: the flags and cases being built, and the helpers. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface Expected {
  value: Json;
  variant?: string;
  reason: string;
  ruleIndex?: number;
  errorCode?: string;
  rollout?: { ruleIndex: number; arm: 'treatment' | 'control' };
}
export interface Case {
  name: string;
  flag: string;
  context: Json;
  expected: Expected;
  snapshotOnly?: boolean;
}

export const flags: Record<string, Json> = {};
export const cases: Case[] = [];
export const bool = { on: true, off: false };

export function boolFlag(
  key: string,
  rules: Json[],
  serve: Json = { variant: 'off' },
  extra: Record<string, Json> = {},
): string {
  flags[key] = { key, type: 'boolean', variants: bool, enabled: true, rules, serve, offVariant: 'off', ...extra };
  return key;
}

export const ON = (ruleIndex = 0): Expected => ({ value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleIndex });
export const DEFAULT_OFF: Expected = { value: false, variant: 'off', reason: 'DEFAULT' };

/** One flag with a single condition rule serving `on`; each [context, matches] pair becomes a case. */
export function op(name: string, condition: Json, table: [Json, boolean][]): void {
  const key = boolFlag(`op-${name}`, [{ conditions: [condition], serve: { variant: 'on' } }]);
  table.forEach(([context, matches], i) => {
    cases.push({ name: `${name} #${i + 1}`, flag: key, context, expected: matches ? ON() : DEFAULT_OFF });
  });
}
