import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument as parseYaml,
  type Document as YamlDocument,
} from 'yaml';
import type { ConfigDocument, ConfigProblem, ConfigResult, DesiredState } from './config.types.js';
import { formatPath } from './config-path.js';
import { normalizeLocated } from './document-normalize.js';
import { checkSchema, type LocatedProblem, toConfigProblem } from './schema-check.js';

function validateLocated(
  value: unknown,
): { ok: true; value: ConfigDocument } | { ok: false; problems: LocatedProblem[] } {
  const schemaProblems = checkSchema(value);
  if (schemaProblems.length > 0) return { ok: false, problems: schemaProblems };
  const document = value as ConfigDocument;
  const normalized = normalizeLocated(document);
  if (!normalized.ok) return normalized;
  return { ok: true, value: document };
}

/**
 * Validates a document already parsed (JSON from an HTTP body, or YAML turned into values): the schema, then
 * every check that needs no server state (variants, serves, weights, operators' operands, environments).
 * Segment references are resolved by `planApply`, which knows the server's segments.
 */
export function validateDocument(value: unknown): ConfigResult<ConfigDocument> {
  const result = validateLocated(value);
  return result.ok ? result : { ok: false, problems: result.problems.map(toConfigProblem) };
}

/** The desired project state a document describes, every default filled in (see docs/config-as-code.md). */
export function normalize(document: ConfigDocument): ConfigResult<DesiredState> {
  const result = normalizeLocated(document);
  return result.ok
    ? { ok: true, value: result.value.state }
    : { ok: false, problems: result.problems.map(toConfigProblem) };
}

/** Finds the text offset of a path in a YAML document: the key of the last pair found, or the item. */
function locate(document: YamlDocument, segments: readonly (string | number)[]): number | undefined {
  let node: unknown = document.contents;
  let offset: number | undefined = (node as { range?: [number] } | null)?.range?.[0];
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = (item as { range?: [number] }).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/**
 * Parses a config document from YAML (or JSON) text and validates it (see `validateDocument`).
 * Problems carry the line and column where the text says what is wrong.
 */
export function parseDocument(text: string): ConfigResult<ConfigDocument> {
  const lineCounter = new LineCounter();
  const yamlDocument = parseYaml(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (yamlDocument.errors.length > 0) {
    return {
      ok: false,
      problems: yamlDocument.errors.map((error) => {
        const position = error.linePos?.[0];
        const problem: ConfigProblem = {
          path: '',
          code: 'yaml_syntax',
          message: (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''),
        };
        if (position !== undefined) {
          problem.line = position.line;
          problem.column = position.col;
        }
        return problem;
      }),
    };
  }
  let value: unknown;
  try {
    value = yamlDocument.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, problems: [{ path: '', code: 'yaml_syntax', message: (error as Error).message }] };
  }
  const result = validateLocated(value);
  if (result.ok) return result;
  return {
    ok: false,
    problems: result.problems.map((problem) => {
      const out: ConfigProblem = { path: formatPath(problem.segments), code: problem.code, message: problem.message };
      const offset = locate(yamlDocument, problem.segments);
      if (offset !== undefined) {
        const { line, col } = lineCounter.linePos(offset);
        out.line = line;
        out.column = col;
      }
      return out;
    }),
  };
}
