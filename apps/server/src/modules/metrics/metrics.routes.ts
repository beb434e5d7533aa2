import type { FastifyInstance } from 'fastify';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { requireAuth } from '../../platform/http.js';
import { adminSchema } from '../projection/index.js';
import { WINDOW_MS } from './metric-bucket.js';
import type { MetricsService } from './metrics.service.js';
import type { MetricsBatchJson } from './metrics-batch.parse.js';
import { MetricsLimits, metricsBatchSchema } from './metrics-batch.schema.js';
import { validateBatchShape } from './metrics-batch.validate.js';
import { toSeries } from './metrics-query.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** `POST /api/client/metrics`: the body text (a queued batch keeps it instead of its parsed buckets). */
    metricsBodyText: string;
  }
}

/** What the admin route checks before reading: null when project, flag and environment exist. */
export type MissingLookup = (project: string, flag: string, environment: string) => string | null;

interface SeriesQuery {
  environment: string;
  from?: string;
  to?: string;
  step?: string;
}

const MAX_RANGE_MS = 7 * 24 * 3_600_000;
const MAX_POINTS = 10_000;

export function registerMetricsRoutes(
  app: FastifyInstance,
  service: MetricsService,
  missing: MissingLookup,
  now: () => number,
): void {
  // CORS (a browser SDK posts with a header token, never a cookie) so that a page can read a refusal.
  const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'X-Request-Id, Retry-After' };
  app.options('/api/client/metrics', { schema: { hide: true } }, (_request, reply) =>
    reply
      .code(204)
      .headers({
        ...cors,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'Authorization, X-API-Key, Content-Type, Idempotency-Key',
        'access-control-max-age': '600',
      })
      .send(),
  );
  const authenticate = requireAuth('client', 'frontend');
  // Its own scope: a plain JSON.parse (the shape check below refuses unknown and prototype keys) and a hand-written
  // shape check instead of the generic schema validator — the hottest write path; the schema stays for OpenAPI.
  app.register(async (scope) => {
    scope.decorateRequest('metricsBodyText', '');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      try {
        const parsed = JSON.parse(body as string);
        request.metricsBodyText = body as string;
        done(null, parsed);
      } catch {
        const message = 'the body is not valid JSON';
        done(AppError.validation(message, [{ path: '', code: 'bad_json', message }]), undefined);
      }
    });
    scope.post<{ Body: MetricsBatchJson }>(
      '/api/client/metrics',
      {
        // Before the body is read: a refused token costs no parsing.
        onRequest: [
          (_request, reply, done) => {
            reply.headers(cors);
            done();
          },
          authenticate,
          (request, _reply, done) => done(request.auth?.kind === 'frontend' ? frontendRefused() : undefined),
        ],
        bodyLimit: MetricsLimits.bodyBytes,
        validatorCompiler: () => (data) => ({ value: data }),
        schema: {
          tags: ['client'],
          summary: 'Post a metrics batch (Metrics batch v1, docs/sdk-node.md); idempotent by batchId',
          security: [{ bearer: [] }, { apiKey: [] }],
          body: metricsBatchSchema,
        },
      },
      async (request, reply) => {
        const problems = validateBatchShape(request.body);
        if (problems.length > 0) throw AppError.validation('metrics batch refused', problems);
        const given = request.headers['idempotency-key'];
        if (given !== undefined && given !== request.body.batchId) {
          throw AppError.validation('Idempotency-Key differs from batchId', [
            { path: '/batchId', code: 'idempotency_key_mismatch', message: 'the header and batchId must be equal' },
          ]);
        }
        const auth = request.auth!;
        const text = request.metricsBodyText === '' ? undefined : request.metricsBodyText;
        const scope = { project: auth.project!, environment: auth.environment! };
        const body = request.body;
        // `ingest` reads the parsed body before it waits for the commit, and the queued batch keeps only the text:
        // let the parsed objects die young instead of surviving scavenges while the request waits.
        request.body = undefined as never;
        request.metricsBodyText = '';
        const result = await service.ingest(scope, body, text);
        return reply.code(result.committed ? 200 : 202).send(result);
      },
    );
  });

  app.get<{ Params: { p: string; key: string }; Querystring: SeriesQuery }>(
    '/api/v1/projects/:p/flags/:key/metrics',
    {
      preHandler: requireAuth('admin'),
      schema: adminSchema('metrics', "A flag's metric series per variant, arm, metric and step", {
        params: {
          type: 'object',
          required: ['p', 'key'],
          properties: { p: { type: 'string', maxLength: 200 }, key: { type: 'string', maxLength: 200 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['environment'],
          properties: {
            environment: { type: 'string', minLength: 1, maxLength: 200 },
            from: { type: 'string', description: 'ISO time (default: to − 1 h)' },
            to: { type: 'string', description: 'ISO time, exclusive (default: now)' },
            step: { type: 'string', pattern: '^[0-9]+(s|m|h)?$', description: 'a multiple of 10s (default 10s)' },
          },
        },
      }),
    },
    async (request) => {
      const { p, key } = request.params;
      const q = request.query;
      const absent = missing(p, key, q.environment);
      if (absent !== null) throw AppError.notFound(absent);
      const range = parseRange(q, now());
      const buckets = await service.read({ project: p, environment: q.environment, flag: key, ...range });
      return {
        project: p,
        flag: key,
        environment: q.environment,
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        stepMs: range.step,
        windows: toSeries(buckets, range.from, range.step),
      };
    },
  );
}

function parseRange(q: SeriesQuery, nowMs: number): { from: number; to: number; step: number } {
  const bad = (path: string, message: string) => AppError.validation(message, [{ path, code: 'bad_range', message }]);
  const step = parseStep(q.step ?? '10s');
  if (step === undefined || step % WINDOW_MS !== 0 || step === 0) throw bad('step', 'step must be a multiple of 10s');
  const to = q.to === undefined ? Math.ceil(nowMs / WINDOW_MS) * WINDOW_MS : Date.parse(q.to);
  const from = q.from === undefined ? to - 3_600_000 : Date.parse(q.from);
  if (Number.isNaN(to)) throw bad('to', 'to must be an ISO 8601 time');
  if (Number.isNaN(from)) throw bad('from', 'from must be an ISO 8601 time');
  if (from >= to) throw bad('from', 'from must be before to');
  if (to - from > MAX_RANGE_MS) throw bad('from', 'the range is at most 7 days');
  if ((to - from) / step > MAX_POINTS) throw bad('step', `at most ${MAX_POINTS} steps; use a larger step`);
  return { from, to, step };
}

function parseStep(step: string): number | undefined {
  const m = /^([0-9]+)(s|m|h)?$/.exec(step);
  if (m === null) return undefined;
  const unit = m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1000;
  return Number(m[1]) * unit;
}

/**
 * Frontend tokens are public (they ship in page source), so anyone could post batches with one and move a release's
 * gates; metrics are taken from client (server-side) tokens only. ADR 0005 says why and what would change it.
 */
function frontendRefused(): AppError {
  return new AppError(
    ErrorCode.FORBIDDEN,
    'frontend tokens may not post metrics: a public token could skew release gates (ADR 0005); ' +
      'post them from your server with a client token',
    { details: { reason: 'frontend_metrics_refused' } },
  );
}
