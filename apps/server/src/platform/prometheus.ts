import { AppError, ErrorCode } from './errors.js';

/**
 * A small client for the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`), shared by the release
 * engine's Prometheus source and PromQL alert rules. Every failure is a {@link PrometheusError} with a `kind`
 * (unreachable, timeout, bad query, bad response) so callers can turn it into a gate or alert `error` verdict.
 */

export const PrometheusErrorKind = {
  /** Connection refused, DNS failure, reset: nothing answered. */
  Unreachable: 'unreachable',
  /** No answer within the timeout (ours, or Prometheus's own query timeout). */
  Timeout: 'timeout',
  /** Prometheus rejected the query (`bad_data`, HTTP 400) or could not execute it (`execution`, HTTP 422). */
  BadQuery: 'bad_query',
  /** Any other non-success status, or a body that is not a Prometheus API answer. */
  BadResponse: 'bad_response',
} as const;
export type PrometheusErrorKind = (typeof PrometheusErrorKind)[keyof typeof PrometheusErrorKind];

/** A failed Prometheus request. Bad queries map to VALIDATION_FAILED, everything else to UPSTREAM_UNAVAILABLE. */
export class PrometheusError extends AppError {
  readonly kind: PrometheusErrorKind;
  readonly query: string;
  /** HTTP status of the answer, when there was one. */
  readonly httpStatus: number | undefined;
  /** Prometheus's `errorType` (`bad_data`, `execution`, `timeout`, …), when it sent one. */
  readonly errorType: string | undefined;

  constructor(
    kind: PrometheusErrorKind,
    message: string,
    info: { query: string; httpStatus?: number; errorType?: string; cause?: unknown },
  ) {
    const code = kind === PrometheusErrorKind.BadQuery ? ErrorCode.VALIDATION_FAILED : ErrorCode.UPSTREAM_UNAVAILABLE;
    const details = { kind, query: info.query, httpStatus: info.httpStatus, errorType: info.errorType };
    super(code, message, { details, cause: info.cause });
    this.kind = kind;
    this.query = info.query;
    this.httpStatus = info.httpStatus;
    this.errorType = info.errorType;
  }
}

/** One series of an instant vector: its labels (with `__name__` when kept) and value at `timestamp` (epoch ms). */
export interface PrometheusSample {
  labels: Record<string, string>;
  value: number;
  timestamp: number;
}

/** One series of a range query: its labels and `[epoch ms, value]` points. */
export interface PrometheusSeries {
  labels: Record<string, string>;
  points: [number, number][];
}

/** The answer to an instant query; a scalar comes as one sample without labels. */
export type InstantResult =
  | { resultType: 'vector'; samples: PrometheusSample[]; warnings: string[] }
  | { resultType: 'scalar'; samples: [PrometheusSample]; warnings: string[] }
  | { resultType: 'matrix'; series: PrometheusSeries[]; warnings: string[] }
  | { resultType: 'string'; value: string; warnings: string[] };

export interface PrometheusClientOptions {
  /** Base URL of Prometheus, e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  url: string;
  /** Per-request timeout in ms (default 5000); also sent as Prometheus's own query `timeout`. */
  timeoutMs?: number;
  /** Extra request headers (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** Injected fetch (default: the global one). */
  fetch?: typeof fetch;
}

export interface PrometheusClient {
  readonly url: string;
  /** Instant query at `time` (default: Prometheus's now). */
  query(promql: string, options?: { time?: Date | number; timeoutMs?: number }): Promise<InstantResult>;
  /** Range query over `[start, end]` with `stepSeconds` resolution. */
  queryRange(
    promql: string,
    options: { start: Date | number; end: Date | number; stepSeconds: number; timeoutMs?: number },
  ): Promise<PrometheusSeries[]>;
  /**
   * The query's value as one number: a scalar, or a vector of exactly one sample. `null` for an empty vector (no
   * data); a vector of several series is a BadResponse (the query must aggregate, e.g. `sum(...)`).
   */
  queryValue(promql: string, options?: { time?: Date | number; timeoutMs?: number }): Promise<number | null>;
}

/** Parses a Prometheus sample value: decimal strings, `NaN`, `+Inf`, `-Inf`. */
export function parseSampleValue(raw: unknown): number {
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'NaN') return Number.NaN;
  if (typeof raw !== 'string' || raw.trim() === '') throw new TypeError(`not a sample value: ${String(raw)}`);
  const n = Number(raw);
  if (Number.isNaN(n)) throw new TypeError(`not a sample value: ${raw}`);
  return n;
}

function epochSeconds(t: Date | number): string {
  const ms = t instanceof Date ? t.getTime() : t;
  return (ms / 1000).toFixed(3);
}

function point(raw: unknown): [number, number] {
  if (!Array.isArray(raw) || raw.length !== 2 || typeof raw[0] !== 'number') {
    throw new TypeError('a sample is not [time, "value"]');
  }
  return [Math.round(raw[0] * 1000), parseSampleValue(raw[1])];
}

function labelsOf(raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object') throw new TypeError('a series has no metric labels');
  return { ...(raw as Record<string, string>) };
}

/** Parses the `data` of a successful API answer (exported for tests). */
export function parseInstantData(data: unknown, warnings: string[] = []): InstantResult {
  const d = data as { resultType?: unknown; result?: unknown } | null;
  if (d === null || typeof d !== 'object') throw new TypeError('no data');
  switch (d.resultType) {
    case 'vector': {
      if (!Array.isArray(d.result)) throw new TypeError('vector result is not a list');
      const samples = d.result.map((s: { metric?: unknown; value?: unknown }) => {
        const [timestamp, value] = point(s.value);
        return { labels: labelsOf(s.metric), value, timestamp };
      });
      return { resultType: 'vector', samples, warnings };
    }
    case 'scalar': {
      const [timestamp, value] = point(d.result);
      return { resultType: 'scalar', samples: [{ labels: {}, value, timestamp }], warnings };
    }
    case 'matrix':
      return { resultType: 'matrix', series: parseMatrix(d.result), warnings };
    case 'string': {
      const r = d.result as unknown[];
      return { resultType: 'string', value: String(r?.[1] ?? ''), warnings };
    }
    default:
      throw new TypeError(`unknown resultType ${String(d.resultType)}`);
  }
}

function parseMatrix(result: unknown): PrometheusSeries[] {
  if (!Array.isArray(result)) throw new TypeError('matrix result is not a list');
  return result.map((s: { metric?: unknown; values?: unknown }) => {
    if (!Array.isArray(s.values)) throw new TypeError('a series has no values');
    return { labels: labelsOf(s.metric), points: s.values.map(point) };
  });
}

interface ApiAnswer {
  status?: string;
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** Creates a client. No request is made until a query. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const defaultTimeout = options.timeoutMs ?? 5000;

  async function call(path: string, params: Record<string, string>, query: string, timeoutMs: number) {
    const body = new URLSearchParams({ ...params, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` });
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      const name = (cause as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new PrometheusError('timeout', `Prometheus at ${base} did not answer within ${timeoutMs} ms`, {
          query,
          cause,
        });
      }
      throw new PrometheusError('unreachable', `Prometheus at ${base} is unreachable: ${messageOf(cause)}`, {
        query,
        cause,
      });
    }
    let answer: ApiAnswer;
    try {
      answer = (await res.json()) as ApiAnswer;
    } catch (cause) {
      throw new PrometheusError('bad_response', `Prometheus answered ${res.status} without a JSON body`, {
        query,
        httpStatus: res.status,
        cause,
      });
    }
    if (res.ok && answer.status === 'success') return answer;
    const errorType = answer.errorType;
    const kind =
      errorType === 'bad_data' || errorType === 'execution' || res.status === 400 || res.status === 422
        ? PrometheusErrorKind.BadQuery
        : errorType === 'timeout'
          ? PrometheusErrorKind.Timeout
          : PrometheusErrorKind.BadResponse;
    const info = { query, httpStatus: res.status, ...(errorType === undefined ? {} : { errorType }) };
    throw new PrometheusError(
      kind,
      `Prometheus refused the query (${res.status}): ${answer.error ?? 'no error'}`,
      info,
    );
  }

  function parsed<T>(query: string, status: number, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      throw new PrometheusError('bad_response', `Prometheus answer not understood: ${messageOf(cause)}`, {
        query,
        httpStatus: status,
        cause,
      });
    }
  }

  const client: PrometheusClient = {
    url: base,
    async query(promql, opts = {}) {
      const params: Record<string, string> = { query: promql };
      if (opts.time !== undefined) params['time'] = epochSeconds(opts.time);
      const answer = await call('/api/v1/query', params, promql, opts.timeoutMs ?? defaultTimeout);
      return parsed(promql, 200, () => parseInstantData(answer.data, answer.warnings ?? []));
    },
    async queryRange(promql, opts) {
      const params = {
        query: promql,
        start: epochSeconds(opts.start),
        end: epochSeconds(opts.end),
        step: String(opts.stepSeconds),
      };
      const answer = await call('/api/v1/query_range', params, promql, opts.timeoutMs ?? defaultTimeout);
      return parsed(promql, 200, () => {
        const d = answer.data as { resultType?: unknown; result?: unknown } | null;
        if (d?.resultType !== 'matrix') throw new TypeError(`range query gave ${String(d?.resultType)}`);
        return parseMatrix(d.result);
      });
    },
    async queryValue(promql, opts) {
      const r = await client.query(promql, opts);
      if (r.resultType !== 'vector' && r.resultType !== 'scalar') {
        throw new PrometheusError('bad_response', `query gave a ${r.resultType}, not a number`, { query: promql });
      }
      if (r.samples.length === 0) return null;
      if (r.samples.length > 1) {
        throw new PrometheusError(
          'bad_response',
          `query gave ${r.samples.length} series, expected one (aggregate it, e.g. sum(...))`,
          { query: promql },
        );
      }
      return r.samples[0]?.value ?? null;
    },
  };
  return client;
}

function messageOf(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

/**
 * The client as an instant-query source of samples (labels and value), the shape PromQL alert rules read
 * (`PromqlSource` of the alerts module). Matrix and string answers are refused as bad responses.
 */
export function instantSamples(client: PrometheusClient): {
  query(promql: string, at: Date): Promise<{ labels: Record<string, string>; value: number }[]>;
} {
  return {
    async query(promql, at) {
      const r = await client.query(promql, { time: at });
      if (r.resultType === 'vector' || r.resultType === 'scalar') {
        return r.samples.map((s) => ({ labels: s.labels, value: s.value }));
      }
      throw new PrometheusError('bad_response', `query gave a ${r.resultType}, not a vector`, { query: promql });
    },
  };
}
