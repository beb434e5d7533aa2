import type { Problem } from '../../platform/errors.js';
import { MetricsLimits } from './metrics-batch.schema.js';

/**
 * A hand-written check of "Metrics batch v1" against `metricsBatchSchema` (the same rules, in one pass, without a
 * generic validator: ingestion is the server's hottest write path). Lists every problem with its path
 * (`windows[0].series[1].flag`); an empty list means the body has the schema's shape. `parseBatch` then checks
 * what a schema cannot.
 */
export function validateBatchShape(body: unknown): Problem[] {
  const c = new Checker();
  if (!c.object(body, '', ROOT_KEYS)) return c.problems;
  if (body.v !== 1) c.add('v', 'bad_value', 'v must be 1');
  const id = body.batchId;
  if (typeof id !== 'string' || !BATCH_ID.test(id)) {
    c.add('batchId', 'bad_value', 'batchId must be 8–64 characters of A–Z, a–z, 0–9, _ or -');
  }
  if (body.createdAt !== undefined) c.integer(body.createdAt, 'createdAt', Number.MAX_SAFE_INTEGER);
  if (body.sdk !== undefined && c.object(body.sdk, 'sdk', SDK_KEYS)) {
    c.optionalString(body.sdk.name, 'sdk.name', 100);
    c.optionalString(body.sdk.version, 'sdk.version', 50);
  }
  c.optionalString(body.instanceId, 'instanceId', 100);
  const cv = body.configVersion;
  if (cv !== undefined && cv !== null)
    c.integer(cv, 'configVersion', Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER);
  if (body.dropped !== undefined && c.object(body.dropped, 'dropped', DROPPED_KEYS)) {
    if (body.dropped.windows !== undefined) c.integer(body.dropped.windows, 'dropped.windows');
  }
  const windows = body.windows;
  if (!c.array(windows, 'windows', MetricsLimits.windowsPerBatch)) return c.problems;
  for (let w = 0; w < windows.length; w++) {
    const win = windows[w];
    const path = `windows[${w}]`;
    if (!c.object(win, path, WINDOW_KEYS)) continue;
    c.integer(win.start, `${path}.start`, Number.MAX_SAFE_INTEGER);
    c.integer(win.end, `${path}.end`, Number.MAX_SAFE_INTEGER);
    const series = win.series;
    if (!c.array(series, `${path}.series`, MetricsLimits.seriesPerWindow)) continue;
    for (let s = 0; s < series.length; s++) checkSeries(c, series[s], `${path}.series[${s}]`);
    if (c.problems.length >= MAX_PROBLEMS) break;
  }
  return c.problems;
}

const MAX_PROBLEMS = 20;
const BATCH_ID = /^[A-Za-z0-9_-]{8,64}$/;
const METRIC_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,99}$/;
/** The body is parsed with plain `JSON.parse`: names that could reach an object's prototype are refused. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const ROOT_KEYS = new Set(['v', 'batchId', 'createdAt', 'sdk', 'instanceId', 'configVersion', 'dropped', 'windows']);
const SDK_KEYS = new Set(['name', 'version']);
const DROPPED_KEYS = new Set(['windows']);
const WINDOW_KEYS = new Set(['start', 'end', 'series']);
const SERIES_KEYS = new Set(['flag', 'variant', 'arm', 'evaluations', 'units', 'requests', 'metrics']);
const REQUESTS_KEYS = new Set(['count', 'errors', 'latencyMs']);
const UNITS_KEYS = new Set(['estimate', 'hll']);
const HLL_KEYS = new Set(['p', 'sparse', 'dense']);
const TRACK_KEYS = new Set(['count', 'sum', 'sumSquares', 'units']);
const MAX_COUNT = 1e12;

type Obj = Record<string, unknown>;

function checkSeries(c: Checker, s: unknown, path: string): void {
  if (!c.object(s, path, SERIES_KEYS)) return;
  c.key(s.flag, `${path}.flag`);
  c.key(s.variant, `${path}.variant`);
  if (s.arm !== undefined && s.arm !== null && s.arm !== 'treatment' && s.arm !== 'control') {
    c.add(`${path}.arm`, 'bad_value', 'arm must be treatment, control or null');
  }
  c.integer(s.evaluations, `${path}.evaluations`);
  if (s.units !== undefined) checkUnits(c, s.units, `${path}.units`);
  if (s.requests !== undefined && c.object(s.requests, `${path}.requests`, REQUESTS_KEYS)) {
    c.integer(s.requests.count, `${path}.requests.count`);
    c.integer(s.requests.errors, `${path}.requests.errors`);
    const l = s.requests.latencyMs;
    if (l !== undefined && (typeof l !== 'object' || l === null || Array.isArray(l))) {
      c.add(`${path}.requests.latencyMs`, 'bad_type', 'latencyMs must be an object');
    }
  }
  if (s.metrics === undefined) return;
  if (!c.object(s.metrics, `${path}.metrics`, undefined)) return;
  const names = Object.keys(s.metrics);
  if (names.length > MetricsLimits.customMetricsPerSeries) {
    c.add(`${path}.metrics`, 'too_many', `at most ${MetricsLimits.customMetricsPerSeries} custom metrics`);
  }
  for (const name of names) {
    const mp = `${path}.metrics.${name}`;
    if (!METRIC_NAME.test(name) || FORBIDDEN_NAMES.has(name)) {
      c.add(mp, 'bad_name', 'a metric name matches [A-Za-z0-9_][A-Za-z0-9_.:/-]{0,99} ($ is reserved)');
    }
    const t = s.metrics[name];
    if (!c.object(t, mp, TRACK_KEYS)) continue;
    c.integer(t.count, `${mp}.count`);
    c.finite(t.sum, `${mp}.sum`, -Infinity);
    c.finite(t.sumSquares, `${mp}.sumSquares`, 0);
    if (t.units !== undefined) checkUnits(c, t.units, `${mp}.units`);
  }
}

function checkUnits(c: Checker, u: unknown, path: string): void {
  if (!c.object(u, path, UNITS_KEYS)) return;
  if (u.estimate !== undefined) c.finite(u.estimate, `${path}.estimate`, 0);
  const hll = u.hll;
  if (hll === undefined) c.add(`${path}.hll`, 'required', 'hll is required');
  else if (c.object(hll, `${path}.hll`, HLL_KEYS)) {
    c.integer(hll.p, `${path}.hll.p`, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER);
    const sparse = hll.sparse;
    if (sparse !== undefined && c.array(sparse, `${path}.hll.sparse`, 2048)) {
      for (let i = 0; i < sparse.length; i++) {
        if (!Number.isInteger(sparse[i])) {
          c.add(`${path}.hll.sparse[${i}]`, 'bad_type', 'must be an integer');
          break;
        }
      }
    }
    if (hll.dense !== undefined) c.optionalString(hll.dense, `${path}.hll.dense`, 4096);
  }
}

class Checker {
  readonly problems: Problem[] = [];

  add(path: string, code: string, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ path, code, message });
  }

  /** A plain object with only `allowed` keys (any keys when undefined); required keys are checked by the caller. */
  object(value: unknown, path: string, allowed: ReadonlySet<string> | undefined): value is Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.add(path, 'bad_type', 'must be an object');
      return false;
    }
    if (allowed !== undefined) {
      for (const k of Object.keys(value)) {
        if (!allowed.has(k)) this.add(path === '' ? k : `${path}.${k}`, 'unknown_field', `unknown field ${k}`);
      }
    }
    return true;
  }

  array(value: unknown, path: string, max: number): value is unknown[] {
    if (!Array.isArray(value)) {
      this.add(path, value === undefined ? 'required' : 'bad_type', 'must be an array');
      return false;
    }
    if (value.length > max) {
      this.add(path, 'too_many', `at most ${max} items`);
      return false;
    }
    return true;
  }

  integer(value: unknown, path: string, max = MAX_COUNT, min = 0): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.add(path, value === undefined ? 'required' : 'bad_value', `must be an integer in [${min}, ${max}]`);
    }
  }

  finite(value: unknown, path: string, min: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      this.add(path, value === undefined ? 'required' : 'bad_value', `must be a number ≥ ${min}`);
    }
  }

  key(value: unknown, path: string): void {
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      this.add(path, value === undefined ? 'required' : 'bad_value', 'must be a string of 1–200 characters');
    }
  }

  optionalString(value: unknown, path: string, max: number): void {
    if (value !== undefined && (typeof value !== 'string' || value.length > max)) {
      this.add(path, 'bad_value', `must be a string of at most ${max} characters`);
    }
  }
}
