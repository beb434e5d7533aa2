/**
 * The evaluation model: what an SDK receives in a snapshot and what `evaluate()` reads.
 *
 * A snapshot holds the flags of one project in one environment. The server keeps richer definitions (all
 * environments, descriptions, archive state) and derives this form from them; SDKs, OFREP, the dashboard
 * preview and the simulators all evaluate this form, so they cannot disagree.
 *
 * @module
 */

/** Any JSON value a variant can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The type of a flag's values. Every variant of a flag carries a value of this type. */
export const FlagType = {
  boolean: 'boolean',
  string: 'string',
  number: 'number',
  json: 'json',
} as const;
/** The type of a flag's values. */
export type FlagType = (typeof FlagType)[keyof typeof FlagType];

/**
 * Condition operators. A condition reads one context attribute and compares it with `values`.
 * Conditions of a rule are AND-ed; `negate` inverts any condition (a missing attribute then matches,
 * except for `exists`/`missing`, which are each other's negation).
 */
export const Operator = {
  /** attribute equals any of `values` */
  in: 'in',
  /** attribute equals none of `values` (a missing attribute matches) */
  notIn: 'notIn',
  /** attribute equals `values[0]` */
  equals: 'equals',
  /** string attribute contains any of `values` */
  contains: 'contains',
  /** string attribute starts with any of `values` */
  startsWith: 'startsWith',
  /** string attribute ends with any of `values` */
  endsWith: 'endsWith',
  /** string attribute matches the RE2 pattern `values[0]` (linear time; unanchored unless the pattern anchors) */
  matches: 'matches',
  /** numeric comparisons against `values[0]` */
  lt: 'lt',
  lte: 'lte',
  gt: 'gt',
  gte: 'gte',
  /** semantic-version comparisons against `values[0]` (semver 2.0.0 precedence; a leading `v` is accepted) */
  semverEq: 'semverEq',
  semverLt: 'semverLt',
  semverLte: 'semverLte',
  semverGt: 'semverGt',
  semverGte: 'semverGte',
  /** date attribute (ISO 8601 string or epoch milliseconds) before / after `values[0]` */
  before: 'before',
  after: 'after',
  /** attribute present and not null */
  exists: 'exists',
  /** attribute absent or null */
  missing: 'missing',
  /** the context is in any of the segments named in `values` (no `attribute`) */
  segment: 'segment',
} as const;
/** A condition operator. */
export type Operator = (typeof Operator)[keyof typeof Operator];

/** A scalar a condition compares against. */
export type ConditionValue = string | number | boolean;

/** One test on the evaluation context. */
export interface Condition {
  /** Context attribute to read; dotted paths are not interpreted. Omitted for `segment`. */
  attribute?: string;
  op: Operator;
  /** Operands. `in`/`notIn`/string operators/`segment` use all; comparisons use the first. */
  values?: ConditionValue[];
  /** Invert the result of the condition. */
  negate?: boolean;
  /** String operators (`in`, `notIn`, `equals`, `contains`, `startsWith`, `endsWith`, `matches`) ignore case. */
  caseInsensitive?: boolean;
}

/** Serve one variant. */
export interface ServeVariant {
  variant: string;
}

/**
 * Serve variants by weight (percentages summing to 100, up to three decimals), sticky on `stickiness`. The variants
 * take the buckets in code-point order of their keys; the object's key order does not matter (`docs/bucketing.md` §7).
 */
export interface ServeSplit {
  split: Record<string, number>;
  /** Context attribute that identifies the unit. Default `userId` (with `targetingKey` as its alias). */
  stickiness?: string;
}

/**
 * Serve `variant` to `rollout` percent of units (0–100, up to three decimals), sticky on `stickiness`.
 * Units outside the percentage, and units without the stickiness attribute, are not served by this rule:
 * evaluation goes on with the next rule, and ends at the flag's default serve.
 * Units that reached this rule are the rule's **arms**: inside = treatment, outside = control.
 */
export interface ServeRollout {
  rollout: number;
  /** Variant served inside the rollout. Default for boolean flags: the variant whose value is `true` (the first by code point if several). */
  variant?: string;
  stickiness?: string;
}

/** What a rule or the default serves. */
export type Serve = ServeVariant | ServeSplit | ServeRollout;

/** An ordered rule: if every condition holds (and the context is in the segment), serve. */
export interface Rule {
  /** Stable id, for releases and history; optional. */
  id?: string;
  /** AND-ed conditions; an empty list matches everyone. */
  conditions?: Condition[];
  /** Shorthand for a `segment` condition on these segment keys (any of them). */
  segment?: string | string[];
  serve: Serve;
}

/** A named, reusable set of AND-ed conditions. */
export interface Segment {
  key: string;
  conditions: Condition[];
}

/** One flag's evaluation data in one environment. */
export interface Flag {
  key: string;
  type: FlagType;
  /** Variant key → value. Boolean flags conventionally have `on: true` and `off: false`. */
  variants: Record<string, JsonValue>;
  enabled: boolean;
  /** Ordered; the first rule that matches (and serves) wins. */
  rules: Rule[];
  /** Served when the flag is enabled and no rule serves. */
  serve: Serve;
  /** Served when the flag is disabled. */
  offVariant: string;
  /** Hash salt; defaults to the flag key. Changing it reshuffles every unit. */
  salt?: string;
}

/** What an SDK receives: the flags and segments of one project in one environment. */
export interface Snapshot {
  /** Config version: the event sequence number this snapshot reflects. Monotone. */
  version: number;
  project: string;
  environment: string;
  flags: Record<string, Flag>;
  segments: Record<string, Segment>;
}

/** The evaluation context: attributes of the unit (user, device, request). */
export type EvaluationContext = Readonly<Record<string, unknown>>;

/**
 * Why a value was served. Maps 1:1 to OpenFeature's resolution reasons.
 * STATIC: enabled, no rules, default serves one variant. TARGETING_MATCH: a rule served one variant.
 * SPLIT: a split or rollout picked the variant. DISABLED: the flag is off. DEFAULT: no rule served, the default did.
 * ERROR: the flag data or the request was bad; the caller's default (or the off variant) was served.
 */
export const Reason = {
  STATIC: 'STATIC',
  TARGETING_MATCH: 'TARGETING_MATCH',
  SPLIT: 'SPLIT',
  DISABLED: 'DISABLED',
  DEFAULT: 'DEFAULT',
  ERROR: 'ERROR',
} as const;
/** Why a value was served. */
export type Reason = (typeof Reason)[keyof typeof Reason];

/** Error codes, as OpenFeature names them. */
export const ErrorCode = {
  FLAG_NOT_FOUND: 'FLAG_NOT_FOUND',
  PARSE_ERROR: 'PARSE_ERROR',
  TYPE_MISMATCH: 'TYPE_MISMATCH',
  TARGETING_KEY_MISSING: 'TARGETING_KEY_MISSING',
  INVALID_CONTEXT: 'INVALID_CONTEXT',
  GENERAL: 'GENERAL',
} as const;
/** An evaluation error code. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The result of evaluating one flag for one context. */
export interface EvaluationResult<T = JsonValue> {
  value: T;
  /** The variant served; absent when an error served the caller's default. */
  variant?: string;
  reason: Reason;
  /** Index of the rule that served, when one did. */
  ruleIndex?: number;
  errorCode?: ErrorCode;
  errorMessage?: string;
  /**
   * Set when the unit reached a rollout rule (had the stickiness attribute): that rule's index and whether
   * the unit was inside (`treatment`) or outside (`control`). The first rollout rule reached wins.
   * `ruleIndex` is -1 when the rollout is the flag's default serve.
   * This is how a release tells its arms apart.
   */
  rollout?: { ruleIndex: number; arm: 'treatment' | 'control' };
}

/** One problem found by a validator, with a JSON path into the validated value. */
export interface ValidationProblem {
  /** JSON path, e.g. `rules[2].conditions[0].op` */
  path: string;
  /** Machine-readable kind, e.g. `unknown_operator`, `weights_sum`, `bad_regex`. */
  code: string;
  message: string;
}

/** A validator's answer: ok, or every problem found at once. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; problems: ValidationProblem[] };
