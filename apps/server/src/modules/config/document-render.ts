import { Document, isPair, isScalar, isSeq, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ConfigDocument } from './config.types.js';

type Obj = Record<string, unknown>;

const ORDER = {
  document: ['project', 'name', 'environments', 'segments', 'flags', 'releases', 'alerts'],
  environment: ['name', 'protected'],
  segment: ['description', 'conditions'],
  condition: ['attribute', 'op', 'values', 'negate', 'caseInsensitive'],
  flag: ['description', 'type', 'variants', 'salt', 'tags', 'environments'],
  flagEnvironment: ['enabled', 'rules', 'serve', 'offVariant'],
  rule: ['id', 'segment', 'conditions', 'serve'],
  serve: ['variant', 'split', 'rollout', 'stickiness'],
} as const;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The object with its known keys first, in `order`; other keys after them, as they came. */
function ordered(value: Obj, order: readonly string[], child?: (key: string, v: unknown) => unknown): Obj {
  const out: Obj = {};
  const keys = [
    ...order.filter((k) => Object.hasOwn(value, k)),
    ...Object.keys(value).filter((k) => !order.includes(k)),
  ];
  for (const key of keys) {
    if (value[key] === undefined) continue;
    out[key] = child === undefined ? value[key] : child(key, value[key]);
  }
  return out;
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (!isObj(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}

function serve(value: unknown): unknown {
  if (!isObj(value)) return value;
  return ordered(value, ORDER.serve, (k, v) => (k === 'split' && isObj(v) ? { ...v } : v));
}

function conditions(value: unknown): unknown {
  return Array.isArray(value) ? value.map((c) => (isObj(c) ? ordered(c, ORDER.condition) : c)) : value;
}

function rule(value: unknown): unknown {
  if (!isObj(value)) return value;
  return ordered(value, ORDER.rule, (k, v) => (k === 'serve' ? serve(v) : k === 'conditions' ? conditions(v) : v));
}

function flagEnvironment(value: unknown): unknown {
  if (!isObj(value)) return value;
  return ordered(value, ORDER.flagEnvironment, (k, v) => {
    if (k === 'serve') return serve(v);
    if (k === 'rules' && Array.isArray(v)) return v.map(rule);
    return v;
  });
}

function flag(value: unknown): unknown {
  if (!isObj(value)) return value;
  return ordered(value, ORDER.flag, (k, v) => (k === 'environments' ? mapValues(v, flagEnvironment) : v));
}

function canonicalOrder(document: ConfigDocument): Obj {
  return ordered(document as unknown as Obj, ORDER.document, (key, value) => {
    if (key === 'environments') {
      return mapValues(value, (v) => (isObj(v) ? ordered(v, ORDER.environment) : {}));
    }
    if (key === 'segments') {
      return mapValues(value, (v) =>
        isObj(v) ? ordered(v, ORDER.segment, (k, c) => (k === 'conditions' ? conditions(c) : c)) : v,
      );
    }
    if (key === 'flags') return mapValues(value, flag);
    return value;
  });
}

function pairKey(ancestor: unknown): string | undefined {
  return isPair(ancestor) && isScalar(ancestor.key) ? String(ancestor.key.value) : undefined;
}

const FLOW_SEQ = new Set(['values', 'tags', 'segment']);

/**
 * Renders a document as YAML with a fixed key order and the compact forms of the example in
 * docs/config-as-code.md (conditions, serves, lists of values and environments on one line). Stable: the
 * same document always gives the same text.
 */
export function renderYaml(document: ConfigDocument): string {
  const yaml = new Document(canonicalOrder(document));
  visit(yaml, {
    Seq(_key, node: YAMLSeq, path) {
      const owner = pairKey(path[path.length - 1]);
      if ((owner !== undefined && FLOW_SEQ.has(owner)) || (owner === 'environments' && path.length === 3)) {
        node.flow = true;
      }
    },
    Map(_key, node: YAMLMap, path) {
      const parent = path[path.length - 1];
      const owner = pairKey(parent);
      const inConditions = isSeq(parent) && pairKey(path[path.length - 2]) === 'conditions';
      const environmentAttributes = path.length === 5 && pairKey(path[2]) === 'environments';
      const scalarVariants = owner === 'variants' && node.items.every((item) => isScalar(item.value));
      // Inside a release: its rule, each wave, each gate and onNoData on one line (docs/releases.md).
      const inRelease = path.length >= 7 && pairKey(path[2]) === 'releases';
      if (
        inConditions ||
        owner === 'serve' ||
        owner === 'split' ||
        scalarVariants ||
        environmentAttributes ||
        inRelease
      ) {
        node.flow = true;
      }
    },
  });
  return yaml.toString({ lineWidth: 0, flowCollectionPadding: true });
}
