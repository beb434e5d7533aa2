import type { FlagType, JsonValue, Serve } from '@wavegate/core';
import type { DocumentServe } from './config.types.js';
import type { LocatedProblem } from './schema-check.js';

type Segs = (string | number)[];

/** Up to three decimals (0.001% resolution), as bucketing has. */
function tooPrecise(value: number): boolean {
  return Math.abs(Math.round(value * 1000) - value * 1000) > 1e-6;
}

/**
 * The variant a scalar shorthand names: a variant key, else the one variant whose value equals the scalar.
 * `undefined` with a problem when there is none or more than one.
 */
export function resolveScalar(
  scalar: string | number | boolean,
  variants: Record<string, JsonValue>,
  path: Segs,
  problems: LocatedProblem[],
): string | undefined {
  if (typeof scalar === 'string' && Object.hasOwn(variants, scalar)) return scalar;
  const matches = Object.keys(variants).filter((key) => variants[key] === scalar);
  if (matches.length === 1) return matches[0];
  const known = Object.keys(variants).join(', ');
  if (matches.length === 0) {
    problems.push({
      segments: path,
      code: 'unknown_variant',
      message: `${JSON.stringify(scalar)} is neither a variant key nor the value of a variant (variants: ${known})`,
    });
  } else {
    problems.push({
      segments: path,
      code: 'ambiguous_serve',
      message: `${JSON.stringify(scalar)} is the value of several variants (${matches.join(', ')}); name the variant key`,
    });
  }
  return undefined;
}

function checkVariant(key: string, variants: Record<string, JsonValue>, path: Segs, problems: LocatedProblem[]) {
  if (Object.hasOwn(variants, key)) return;
  problems.push({
    segments: path,
    code: 'unknown_variant',
    message: `unknown variant "${key}" (variants: ${Object.keys(variants).join(', ')})`,
  });
}

/** Turns a serve as written into the resource form, reporting unknown variants and bad weights. */
export function resolveServe(
  serve: DocumentServe,
  type: FlagType,
  variants: Record<string, JsonValue>,
  path: Segs,
  problems: LocatedProblem[],
): Serve | undefined {
  if (typeof serve !== 'object' || serve === null) {
    const variant = resolveScalar(serve, variants, path, problems);
    return variant === undefined ? undefined : { variant };
  }
  if ('split' in serve) {
    let sum = 0;
    for (const [key, weight] of Object.entries(serve.split)) {
      checkVariant(key, variants, [...path, 'split', key], problems);
      if (tooPrecise(weight)) {
        problems.push({ segments: [...path, 'split', key], code: 'too_precise', message: 'at most 3 decimals' });
      }
      sum += weight;
    }
    if (Math.abs(sum - 100) > 1e-6) {
      problems.push({
        segments: [...path, 'split'],
        code: 'weights_sum',
        message: `weights must sum to 100 (they sum to ${Math.round(sum * 1000) / 1000})`,
      });
    }
    return { ...serve, split: { ...serve.split } };
  }
  if ('rollout' in serve) {
    if (tooPrecise(serve.rollout)) {
      problems.push({ segments: [...path, 'rollout'], code: 'too_precise', message: 'at most 3 decimals' });
    }
    if (serve.variant !== undefined) checkVariant(serve.variant, variants, [...path, 'variant'], problems);
    else if (type !== 'boolean') {
      problems.push({
        segments: [...path, 'variant'],
        code: 'required',
        message: 'a rollout of a non-boolean flag must name the variant it serves',
      });
    } else if (!Object.values(variants).includes(true)) {
      problems.push({
        segments: [...path, 'variant'],
        code: 'required',
        message: 'no variant has the value true; name the variant this rollout serves',
      });
    }
    return { ...serve };
  }
  checkVariant(serve.variant, variants, [...path, 'variant'], problems);
  return { variant: serve.variant };
}
