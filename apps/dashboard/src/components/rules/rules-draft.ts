import type { Segment } from '@wavegate/core';

export type Json = Record<string, unknown>;

/**
 * One rule as the form edits it: the rule's JSON itself (fields the form does not show are carried through
 * untouched), plus ids that keep each rule's and each condition's inputs in place while they move.
 */
export interface DraftRule {
  uid: string;
  rule: Json;
  conditionUids: string[];
}

/** What the form edits: the rules in order and the default serve. */
export interface FormDraft {
  rules: DraftRule[];
  serve: Json;
}

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

let counter = 0;
const uid = () => `u${++counter}`;

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function serveProblem(serve: unknown, path: string): string | undefined {
  if (!isRecord(serve)) return `${path} is not an object`;
  if ('split' in serve && 'rollout' in serve) return `${path} has both split and rollout`;
  if ('split' in serve && !isRecord(serve.split)) return `${path}.split is not an object`;
  return undefined;
}

function conditionProblem(cond: unknown, path: string): string | undefined {
  if (!isRecord(cond)) return `${path} is not an object`;
  if (cond.values !== undefined && !(Array.isArray(cond.values) && cond.values.every(isScalar))) {
    return `${path}.values is not a list of strings, numbers or booleans`;
  }
  return undefined;
}

function ruleProblem(rule: unknown, path: string): string | undefined {
  if (!isRecord(rule)) return `${path} is not an object`;
  if (rule.conditions !== undefined) {
    if (!Array.isArray(rule.conditions)) return `${path}.conditions is not a list`;
    for (const [j, c] of rule.conditions.entries()) {
      const problem = conditionProblem(c, `${path}.conditions[${j}]`);
      if (problem !== undefined) return problem;
    }
  }
  const seg = rule.segment;
  if (
    seg !== undefined &&
    typeof seg !== 'string' &&
    !(Array.isArray(seg) && seg.every((k) => typeof k === 'string'))
  ) {
    return `${path}.segment is not a key or a list of keys`;
  }
  return serveProblem(rule.serve, `${path}.serve`);
}

/**
 * Why the form cannot show this config (the JSON view still can), or undefined when it can. Anything the form can
 * show but the core refuses is left to the core's validator, which then points at the field.
 */
export function unformable(rules: unknown, serve: unknown): string | undefined {
  if (!Array.isArray(rules)) return 'rules is not a list';
  for (const [i, rule] of rules.entries()) {
    const problem = ruleProblem(rule, `rules[${i}]`);
    if (problem !== undefined) return problem;
  }
  return serveProblem(serve, 'serve');
}

/** The form's draft of a config that {@link unformable} accepts. */
export function toForm(rules: unknown[], serve: unknown): FormDraft {
  return {
    rules: rules.map((rule) => draftRule(rule as Json)),
    serve: serve as Json,
  };
}

function draftRule(rule: Json): DraftRule {
  const conditions = Array.isArray(rule.conditions) ? rule.conditions : [];
  return { uid: uid(), rule, conditionUids: conditions.map(() => uid()) };
}

/** The rules and default serve the form stands for: exactly what the JSON view shows and the server receives. */
export function fromForm(form: FormDraft): { rules: Json[]; serve: Json } {
  return { rules: form.rules.map((r) => r.rule), serve: form.serve };
}

/** A new rule: no conditions (matches everyone) serving the variant whose value is `true`, else the first one. */
export function newRule(variants: Record<string, unknown>): Json {
  const keys = Object.keys(variants);
  const variant = keys.find((k) => variants[k] === true) ?? keys[0] ?? '';
  return { conditions: [], serve: { variant } };
}

export const NEW_CONDITION: Json = { attribute: '', op: 'in', values: [] };

function moved<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

export const addRule = (form: FormDraft, rule: Json): FormDraft => ({
  ...form,
  rules: [...form.rules, draftRule(rule)],
});

export const removeRule = (form: FormDraft, i: number): FormDraft => ({
  ...form,
  rules: form.rules.filter((_, k) => k !== i),
});

export const moveRule = (form: FormDraft, i: number, delta: number): FormDraft => ({
  ...form,
  rules: moved(form.rules, i, i + delta),
});

/** Replaces rule `i` (its JSON and condition ids, as the functions below change them). */
export const replaceRule = (form: FormDraft, i: number, draft: DraftRule): FormDraft => ({
  ...form,
  rules: form.rules.map((r, k) => (k === i ? draft : r)),
});

function conditionsOf(r: DraftRule): Json[] {
  return Array.isArray(r.rule.conditions) ? (r.rule.conditions as Json[]) : [];
}

function withConditions(r: DraftRule, conditions: Json[], conditionUids: string[]): DraftRule {
  return { ...r, rule: { ...r.rule, conditions }, conditionUids };
}

export function addCondition(r: DraftRule): DraftRule {
  return withConditions(r, [...conditionsOf(r), { ...NEW_CONDITION }], [...r.conditionUids, uid()]);
}

export function removeCondition(r: DraftRule, j: number): DraftRule {
  const keep = (_: unknown, k: number) => k !== j;
  return withConditions(r, conditionsOf(r).filter(keep), r.conditionUids.filter(keep));
}

export function moveCondition(r: DraftRule, j: number, delta: number): DraftRule {
  return withConditions(r, moved(conditionsOf(r), j, j + delta), moved(r.conditionUids, j, j + delta));
}

export function setCondition(r: DraftRule, j: number, cond: Json): DraftRule {
  return withConditions(
    r,
    conditionsOf(r).map((c, k) => (k === j ? cond : c)),
    r.conditionUids,
  );
}

function attributesOf(rules: unknown, into: Set<string>): void {
  if (!Array.isArray(rules)) return;
  for (const rule of rules) {
    if (!isRecord(rule)) continue;
    if (isRecord(rule.serve) && typeof rule.serve.stickiness === 'string') into.add(rule.serve.stickiness);
    if (!Array.isArray(rule.conditions)) continue;
    for (const c of rule.conditions) if (isRecord(c) && typeof c.attribute === 'string') into.add(c.attribute);
  }
}

/**
 * Attributes to suggest: those the flag's rules read in any environment (and the draft), those the project's
 * segments read, and the default stickiness attributes. Sorted, without the empty name.
 */
export function seenAttributes(ruleLists: unknown[], segments: readonly Segment[]): string[] {
  const seen = new Set<string>(['userId', 'targetingKey']);
  for (const rules of ruleLists) attributesOf(rules, seen);
  attributesOf([{ conditions: segments.flatMap((s) => (Array.isArray(s.conditions) ? s.conditions : [])) }], seen);
  seen.delete('');
  return [...seen].sort();
}
