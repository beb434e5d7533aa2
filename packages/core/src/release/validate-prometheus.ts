/**
 * Validation of the Prometheus metrics of gates (`kind: prometheus | prometheus_proportion`): templates are
 * non-empty strings whose placeholders are known and whose braces balance; a compare gate whose templates use
 * `{{variant}}` names the control's variant; `onError` is hold or rollback.
 * Codes: required, invalid_type, unknown_field, bad_query, unknown_placeholder, control_variant_required, bad_policy.
 *
 * @module
 */

import { checkUnknownFields, type Problems } from '../validate-condition.js';
import { PROMQL_PLACEHOLDERS, templatePlaceholders } from './prometheus-source.js';

function checkTemplate(p: Problems, path: string, v: unknown): string[] {
  if (v === undefined) {
    p.add(path, 'required', `${path} is required: a PromQL template`);
    return [];
  }
  if (typeof v !== 'string') {
    p.add(path, 'invalid_type', `${path} must be a string`);
    return [];
  }
  if (v.trim() === '') {
    p.add(path, 'bad_query', `${path} must not be empty`);
    return [];
  }
  const names = templatePlaceholders(v);
  for (const name of names) {
    if (!PROMQL_PLACEHOLDERS.includes(name as never)) {
      const known = PROMQL_PLACEHOLDERS.map((k) => `{{${k}}}`).join(', ');
      p.add(path, 'unknown_placeholder', `unknown placeholder {{${name}}}; known: ${known}`);
    }
  }
  const rest = v.replace(/\{\{\s*[A-Za-z_][\w]*\s*\}\}/g, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    p.add(path, 'bad_query', `${path} has an unclosed or malformed {{placeholder}}`);
  }
  return names;
}

/** Checks a Prometheus metric of a gate; `compare` says whether it is a compare gate's (it then has a control). */
export function checkPrometheusMetric(
  p: Problems,
  path: string,
  metric: Record<string, unknown>,
  compare: boolean,
): void {
  const onError = metric.onError;
  if (onError !== undefined && onError !== 'hold' && onError !== 'rollback') {
    p.add(`${path}.onError`, 'bad_policy', 'onError is "hold" (default) or "rollback"');
  }
  if (metric.kind === 'prometheus') {
    checkUnknownFields(p, path, metric, ['kind', 'query', 'samplesQuery', 'onError']);
    checkTemplate(p, `${path}.query`, metric.query);
    if (metric.samplesQuery !== undefined) checkTemplate(p, `${path}.samplesQuery`, metric.samplesQuery);
    return;
  }
  checkUnknownFields(p, path, metric, [
    'kind',
    'numerator',
    'denominator',
    'onError',
    ...(compare ? ['controlVariant'] : []),
  ]);
  const used = [
    ...checkTemplate(p, `${path}.numerator`, metric.numerator),
    ...checkTemplate(p, `${path}.denominator`, metric.denominator),
  ];
  if (!compare) return;
  const cv = metric.controlVariant;
  if (cv !== undefined && (typeof cv !== 'string' || cv === '')) {
    p.add(`${path}.controlVariant`, 'invalid_type', 'controlVariant is a non-empty string');
  } else if (cv === undefined && used.includes('variant')) {
    p.add(
      `${path}.controlVariant`,
      'control_variant_required',
      'the templates use {{variant}}: name the control arm’s variant label value in controlVariant',
    );
  }
}
