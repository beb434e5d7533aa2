import { CASE_OPERATORS } from './operators.js';
import { type FormDraft, isRecord, type Json } from './rules-draft.js';

/** A problem as the core's validator and the server's 400 answer give it. */
export interface PathProblem {
  path: string;
  code?: string;
  message: string;
}

/** `base.key`, or `base["odd key"]` when the key is not an identifier: the core's paths, character for character. */
export function childPath(base: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

const LAST_STEP = /(?:\["(?:[^"\\]|\\.)*"\]|\[\d+\]|\.[A-Za-z_$][\w$]*)$/;

/** The path one step up (`rules[0].serve` → `rules[0]`, `rules` → ``). */
export function parentPath(path: string): string {
  const step = LAST_STEP.exec(path);
  return step === null ? '' : path.slice(0, step.index);
}

export type ServeKind = 'variant' | 'rollout' | 'split';

export function serveKind(serve: Json): ServeKind {
  if ('split' in serve) return 'split';
  if ('rollout' in serve) return 'rollout';
  return 'variant';
}

/** The paths of a serve editor at `path`; weights are listed for the flag's variants and any other key in the split. */
export function servePaths(path: string, serve: Json, variants: Record<string, unknown>): string[] {
  const kind = serveKind(serve);
  if (kind === 'variant') return [path, `${path}.variant`];
  if (kind === 'rollout') return [path, `${path}.rollout`, `${path}.variant`, `${path}.stickiness`];
  const split = isRecord(serve.split) ? serve.split : {};
  const keys = new Set([...Object.keys(variants), ...Object.keys(split)]);
  return [path, `${path}.split`, `${path}.stickiness`, ...[...keys].map((k) => childPath(`${path}.split`, k))];
}

export function conditionPaths(path: string, cond: Json): string[] {
  const paths = [path, `${path}.op`, `${path}.values`, `${path}.negate`];
  if (cond.op !== 'segment') paths.push(`${path}.attribute`);
  if (CASE_OPERATORS.has(String(cond.op)) || cond.caseInsensitive !== undefined) paths.push(`${path}.caseInsensitive`);
  return paths;
}

/**
 * Every path the form has a field (or a group) for. The form's components render exactly these; a problem at any
 * other path is shown at its nearest listed ancestor.
 */
export function formPaths(form: FormDraft, variants: Record<string, unknown>): Set<string> {
  const paths = new Set(['rules', 'offVariant', ...servePaths('serve', form.serve, variants)]);
  form.rules.forEach(({ rule }, i) => {
    const at = `rules[${i}]`;
    for (const p of [at, `${at}.id`, `${at}.segment`, `${at}.conditions`]) paths.add(p);
    const conditions = Array.isArray(rule.conditions) ? (rule.conditions as Json[]) : [];
    conditions.forEach((c, j) => {
      for (const p of conditionPaths(`${at}.conditions[${j}]`, c)) paths.add(p);
    });
    if (isRecord(rule.serve)) for (const p of servePaths(`${at}.serve`, rule.serve, variants)) paths.add(p);
  });
  return paths;
}

/** The paths the JSON view has a field for. */
export const JSON_PATHS: ReadonlySet<string> = new Set(['rules', 'serve', 'offVariant']);

/** The shown path a problem belongs to: its own if a field has it, else the nearest ancestor that has one. */
export function ownerOf(path: string, shown: ReadonlySet<string>): string {
  let at = path;
  while (at !== '' && !shown.has(at)) at = parentPath(at);
  return at;
}

/** Problems grouped by the field that shows them. */
export function groupProblems(problems: PathProblem[], shown: ReadonlySet<string>): Map<string, PathProblem[]> {
  const byOwner = new Map<string, PathProblem[]>();
  for (const p of problems) {
    const owner = ownerOf(p.path, shown);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), p]);
  }
  return byOwner;
}

/** A DOM id for the field at `path` (every character outside [A-Za-z0-9_-] escaped, so ids never collide). */
export function fieldId(base: string, path: string): string {
  return `${base}-${path.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)}`;
}
