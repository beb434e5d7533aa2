import {
  type Flag,
  type Segment,
  type ValidationProblem,
  validateFlag,
  validateSegment,
  validateSnapshot,
} from '@wavegate/core';
import type { DesiredState } from './config.types.js';
import type { LocatedProblem } from './schema-check.js';

/** Segments of a core validator's path (`rules[0].conditions[1].values[0]`, `variants["a.b"]`). */
export function parseCorePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const token = /([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./gy;
  for (const match of path.matchAll(token)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}

const FLAG_LEVEL = new Set(['key', 'type', 'variants', 'salt']);

/**
 * Runs `@wavegate/core`'s validators on the evaluation form of every flag in every environment, and on every
 * segment: they check what only the evaluator knows (RE2 patterns, semantic versions, dates, operands).
 * Segment references are left to the planner, which knows the server's segments too.
 */
export function checkWithCore(state: DesiredState, problems: LocatedProblem[]): void {
  const seen = new Set<string>();
  const add = (prefix: (string | number)[], problem: ValidationProblem) => {
    const segments = [...prefix, ...parseCorePath(problem.path)];
    const id = `${JSON.stringify(segments)}|${problem.code}`;
    if (seen.has(id)) return;
    seen.add(id);
    problems.push({ segments, code: problem.code, message: problem.message });
  };
  for (const segment of state.segments) {
    const result = validateSegment({ key: segment.key, conditions: segment.conditions });
    if (!result.ok) for (const problem of result.problems) add(['segments', segment.key], problem);
  }
  // Segments that refer to each other in a circle: the snapshot validator finds them (and nothing else here,
  // since the segments passed one by one above and the snapshot has no flags).
  const segments: Record<string, Segment> = {};
  for (const segment of state.segments) segments[segment.key] = { key: segment.key, conditions: segment.conditions };
  const whole = validateSnapshot({ version: 0, project: state.project.key, environment: 'any', flags: {}, segments });
  if (!whole.ok) {
    for (const problem of whole.problems) if (problem.code === 'segment_cycle') add([], problem);
  }
  for (const flag of state.flags) {
    for (const [environment, config] of Object.entries(flag.environments)) {
      const evaluationForm: Flag = { key: flag.key, type: flag.type, variants: flag.variants, ...config };
      if (flag.salt !== null) evaluationForm.salt = flag.salt;
      const result = validateFlag(evaluationForm);
      if (result.ok) continue;
      for (const problem of result.problems) {
        const first = parseCorePath(problem.path)[0];
        const flagLevel = typeof first === 'string' && FLAG_LEVEL.has(first);
        add(flagLevel ? ['flags', flag.key] : ['flags', flag.key, 'environments', environment], problem);
      }
    }
  }
}
