import { createHash } from 'node:crypto';
import type { AlertRule } from '../config/index.js';
import { canonicalJson } from '../events/index.js';

/**
 * An alert's labels: `alertname`, `severity`, `project`, the rule's scope (`flag`, `environment`), the rule's
 * labels, and for PromQL rules the series' labels (without `__name__`); Wavegate's labels win over the series'.
 */
export function alertLabels(p: string, rule: AlertRule, series: Record<string, string> = {}): Record<string, string> {
  const { __name__: _name, ...fromSeries } = series;
  const labels: Record<string, string> = {
    ...fromSeries,
    ...rule.labels,
    alertname: rule.key,
    severity: rule.severity,
    project: p,
  };
  if (rule.flag !== null) labels['flag'] = rule.flag;
  if (rule.environment !== null) labels['environment'] = rule.environment;
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Stable across processes and versions: the first 16 hex digits of sha256(canonical JSON of the labels). */
export function fingerprintOf(labels: Record<string, string>): string {
  return createHash('sha256').update(canonicalJson(labels)).digest('hex').slice(0, 16);
}

function formatValue(value: number | null): string {
  if (value === null) return 'none';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** Annotations with `{{ $value }}` and `{{ $labels.name }}` filled in (Prometheus' two most used templates). */
export function renderAnnotations(
  annotations: Record<string, string>,
  labels: Record<string, string>,
  value: number | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(annotations)) {
    out[name] = text
      .replace(/\{\{\s*\$value\s*\}\}/g, formatValue(value))
      .replace(/\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_m, l: string) => labels[l] ?? '');
  }
  return out;
}
