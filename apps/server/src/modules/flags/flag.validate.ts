import { type FlagType, type JsonValue, validateFlag } from '@wavegate/core';
import { AppError, type Problem } from '../../platform/errors.js';
import type { FlagEnvironmentConfig, ProjectState } from '../projection/index.js';

export interface FlagDefinition {
  key: string;
  type: FlagType;
  variants: Record<string, JsonValue>;
  salt: string | null;
}

// Problems about the definition (not one environment's config) are reported once, without an environment prefix.
const DEFINITION_FIELDS = new Set(['key', 'type', 'variants', 'salt']);

function isDefinitionPath(path: string): boolean {
  const head = /^[^.[]*/.exec(path)?.[0] ?? '';
  return DEFINITION_FIELDS.has(head);
}

/**
 * Every problem of a flag definition combined with each of the given environment configs, by the core's
 * `validateFlag` (segment references checked against the project's segments). Config problems get `prefix(env)`.
 */
export function flagProblems(
  project: ProjectState,
  def: FlagDefinition,
  configs: Record<string, FlagEnvironmentConfig>,
  prefix: (env: string) => string,
): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  const segments = Object.keys(project.segments);
  for (const [env, config] of Object.entries(configs)) {
    const candidate: Record<string, unknown> = {
      key: def.key,
      type: def.type,
      variants: def.variants,
      enabled: config.enabled,
      rules: config.rules,
      serve: config.serve,
      offVariant: config.offVariant,
    };
    if (def.salt !== null) candidate['salt'] = def.salt;
    const result = validateFlag(candidate, { segments });
    if (result.ok) continue;
    for (const problem of result.problems) {
      const path = isDefinitionPath(problem.path) ? problem.path : joinPath(prefix(env), problem.path);
      const id = `${path}\u0000${problem.code}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ path, code: problem.code, message: problem.message });
    }
  }
  return out;
}

function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? prefix + path : `${prefix}.${path}`;
}

export function throwIfProblems(problems: Problem[], what: string): void {
  if (problems.length > 0) throw AppError.validation(`invalid ${what}: ${problems.length} problem(s)`, problems);
}
