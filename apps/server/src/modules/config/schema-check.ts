import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { configSchema } from './config.schema.js';
import type { ConfigProblem } from './config.types.js';
import { formatPath } from './config-path.js';

/** A problem with its path still as segments, so a caller can locate it in YAML text. */
export interface LocatedProblem {
  segments: (string | number)[];
  code: string;
  message: string;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // Compiled once, on first use: compiling costs a few milliseconds that a CLI start should not pay up front.
  compiled ??= new Ajv2020({ allErrors: true, strict: false }).compile(configSchema);
  return compiled;
}

/** Checks a value against the document schema; every problem, with its path, at once. */
export function checkSchema(value: unknown): LocatedProblem[] {
  const validate = validator();
  if (validate(value)) return [];
  const problems: LocatedProblem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const problem = toProblem(error, value);
    if (problem === undefined) continue;
    const id = `${formatPath(problem.segments)}|${problem.code}|${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return dropShadowed(problems);
}

/** Path segments of a JSON pointer, with array indexes as numbers (read from the value itself). */
function pointerSegments(pointer: string, value: unknown): (string | number)[] {
  if (pointer === '') return [];
  const segments: (string | number)[] = [];
  let node: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      segments.push(Number(part));
      node = node[Number(part)];
    } else {
      segments.push(part);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    }
  }
  return segments;
}

function describeType(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => (t === 'array' ? 'a list' : t === 'object' ? 'a map' : `a ${String(t)}`)).join(' or ');
}

function toProblem(error: ErrorObject, value: unknown): LocatedProblem | undefined {
  const segments = pointerSegments(error.instancePath, value);
  const params = error.params as Record<string, unknown>;
  const last = segments[segments.length - 1];
  switch (error.keyword) {
    case 'if':
    case 'anyOf':
    case 'oneOf':
    case 'propertyNames':
      // Summary errors: the branch errors (or the pattern error of a property name) say more.
      return undefined;
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      return { segments: [...segments, key], code: 'unknown_key', message: `unknown key "${key}"` };
    }
    case 'required': {
      const key = String(params['missingProperty']);
      return { segments: [...segments, key], code: 'required', message: `"${key}" is required` };
    }
    case 'type':
      return { segments, code: 'wrong_type', message: `must be ${describeType(params['type'])}` };
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String).join(', ');
      const code = last === 'op' ? 'unknown_operator' : last === 'type' ? 'unknown_type' : 'not_allowed';
      return { segments, code, message: `must be one of: ${allowed}` };
    }
    case 'pattern': {
      const propertyName = (error as { propertyName?: string }).propertyName;
      if (propertyName !== undefined) {
        return {
          segments: [...segments, propertyName],
          code: 'bad_key',
          message: `"${propertyName}" is not a valid key (letters, digits, ".", "_", "-"; up to 100; starts with a letter or digit)`,
        };
      }
      return { segments, code: 'bad_key', message: 'not a valid key (letters, digits, ".", "_", "-"; up to 100)' };
    }
    case 'minimum':
    case 'maximum':
      return { segments, code: 'out_of_range', message: `must be ${params['comparison']} ${params['limit']}` };
    case 'uniqueItems':
      return { segments, code: 'duplicate', message: 'must not hold the same item twice' };
    case 'minProperties':
    case 'minItems':
    case 'minLength':
      return { segments, code: 'empty', message: 'must not be empty' };
    default:
      return { segments, code: 'invalid', message: error.message ?? 'is invalid' };
  }
}

/**
 * Where a value may take several forms (`environments`: a list or a map), ajv reports each branch. A type
 * problem is dropped when a deeper problem explains the value better, and type problems at one path merge
 * into one ("must be a list or a map").
 */
function dropShadowed(problems: LocatedProblem[]): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  const typeAt = new Map<string, LocatedProblem>();
  for (const problem of problems) {
    if (problem.code !== 'wrong_type') {
      out.push(problem);
      continue;
    }
    const here = formatPath(problem.segments);
    const deeper = problems.some(
      (other) => other.segments.length > problem.segments.length && formatPath(other.segments).startsWith(here),
    );
    if (deeper) continue;
    const earlier = typeAt.get(here);
    if (earlier === undefined) {
      const copy = { ...problem };
      typeAt.set(here, copy);
      out.push(copy);
    } else {
      earlier.message = `${earlier.message} or ${problem.message.replace(/^must be /, '')}`;
    }
  }
  return out;
}

export function toConfigProblem(problem: LocatedProblem): ConfigProblem {
  return { path: formatPath(problem.segments), code: problem.code, message: problem.message };
}
