import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { requireAuth } from '../../platform/http.js';
import { adminSchema, keySchema, type Projection } from '../projection/index.js';
import { computeDora, type ReleaseFacts } from './dora.js';

export interface InsightsRouteContext {
  projection: Projection;
  clock: Clock;
}

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;

/** Every release of the projection (reduced from the event log), as DORA reads them. */
export function releaseFacts(projection: Projection): ReleaseFacts[] {
  return Object.values(projection.state.projects).flatMap((project) =>
    Object.values(project.releases ?? {}).map((r) => ({
      project: project.key,
      id: r.definition.id,
      flag: r.definition.flag,
      environment: r.definition.environment,
      createdAt: r.createdAtMs ?? Date.parse(r.createdAt), // records of snapshots saved before createdAtMs existed
      status: r.state.status,
      finishedAt: r.state.finishedAt,
    })),
  );
}

function time(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw AppError.validation(`${name} is not a time`, [
      { path: name, code: 'bad_time', message: `${name} takes an ISO 8601 time (got "${text}")` },
    ]);
  }
  return at;
}

const durations = {
  type: 'object',
  properties: {
    count: { type: 'integer' },
    medianSeconds: { type: ['number', 'null'] },
    p90Seconds: { type: ['number', 'null'] },
    unrestored: { type: 'integer' },
  },
};

export function registerInsightsRoutes(app: FastifyInstance, ctx: InsightsRouteContext): void {
  app.get<{ Querystring: { project?: string; environment?: string; from?: string; to?: string; days?: number } }>(
    '/api/v1/insights/dora',
    {
      preHandler: requireAuth('admin'),
      schema: adminSchema('insights', 'DORA figures of releases (docs/releases.md, "DORA figures")', {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            project: keySchema,
            environment: keySchema,
            from: { type: 'string', description: 'ISO 8601; default: `days` days before `to`' },
            to: { type: 'string', description: 'ISO 8601; default: now' },
            days: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_DAYS,
              description: 'the window: this many days before `to` (default 30); not with `from`',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              project: { type: ['string', 'null'] },
              environment: { type: ['string', 'null'] },
              from: { type: 'string' },
              to: { type: 'string' },
              releaseFrequency: {
                type: 'object',
                properties: { completed: { type: 'integer' }, perDay: { type: 'number' }, perWeek: { type: 'number' } },
              },
              changeFailureRate: {
                type: 'object',
                properties: {
                  rolledBack: { type: 'integer' },
                  finished: { type: 'integer' },
                  rate: { type: ['number', 'null'] },
                },
              },
              leadTime: durations,
              timeToRestore: durations,
            },
          },
        },
      }),
    },
    async (request) => {
      const q = request.query;
      const to = time('to', q.to, ctx.clock.now().getTime());
      if (q.from !== undefined && q.days !== undefined) {
        throw AppError.validation('two windows', [
          { path: 'days', code: 'bad_window', message: 'give `from` or `days`, not both' },
        ]);
      }
      const from = time('from', q.from, to - (q.days ?? DEFAULT_DAYS) * DAY_MS);
      if (from >= to) {
        throw AppError.validation('empty window', [
          { path: 'from', code: 'bad_window', message: '`from` must be before `to`' },
        ]);
      }
      if (q.project !== undefined && ctx.projection.state.projects[q.project] === undefined) {
        throw AppError.notFound(`project "${q.project}"`);
      }
      return computeDora(releaseFacts(ctx.projection), {
        from,
        to,
        ...(q.project === undefined ? {} : { project: q.project }),
        ...(q.environment === undefined ? {} : { environment: q.environment }),
      });
    },
  );
}
