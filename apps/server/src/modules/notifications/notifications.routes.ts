import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { actorOf, requireAuth } from '../../platform/http.js';
import { adminSchema, keySchema, projectParams } from '../projection/index.js';
import type { OutboxEntry, SqlNotificationStore } from './notification.store.sql.js';
import type { SilenceStatus } from './silence.js';
import type { SilenceInput, SilencesService } from './silences.service.js';

export interface NotificationRouteDeps {
  store: SqlNotificationStore;
  silences: SilencesService;
  clock: Clock;
  /** Receivers' breaker states (for the API). */
  receivers(): unknown[];
  /** Run delivery soon (after a retry was requested). */
  poke(): void;
}

/** An outbox entry as the API shows it (the receiver config holds env references only, never secret values). */
export function toOutboxResource(entry: OutboxEntry) {
  const { notification: n, ...rest } = entry;
  return {
    ...rest,
    status: entry.status,
    notification: {
      status: n.status,
      reason: n.reason,
      groupKey: n.groupKey,
      groupLabels: n.groupLabels,
      receiverType: n.receiverConfig.type,
      alerts: n.alerts,
      createdAt: n.createdAt,
    },
  };
}

const silenceParams = {
  type: 'object',
  properties: { p: keySchema, id: { type: 'string', maxLength: 64 } },
  required: ['p', 'id'],
};
const statusQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    project: keySchema,
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
  },
};

export function registerNotificationRoutes(app: FastifyInstance, deps: NotificationRouteDeps): void {
  const admin = requireAuth('admin');
  const tag = 'notifications';

  app.get<{ Params: { p: string }; Querystring: { status?: SilenceStatus } }>(
    '/api/v1/projects/:p/silences',
    {
      preHandler: admin,
      schema: adminSchema(tag, 'List silences', {
        params: projectParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'string', enum: ['pending', 'active', 'expired'] } },
        },
      }),
    },
    async (request) => ({ silences: await deps.silences.list(request.params.p, request.query.status) }),
  );

  app.post<{ Params: { p: string }; Body: SilenceInput }>(
    '/api/v1/projects/:p/silences',
    {
      preHandler: admin,
      schema: adminSchema(tag, 'Create a silence (matchers, startsAt?, endsAt or duration, comment)', {
        params: projectParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            matchers: { type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: 50 },
            startsAt: { type: 'string' },
            endsAt: { type: 'string' },
            duration: { type: 'string', description: '30m, 2h, 1d' },
            comment: { type: 'string', maxLength: 2000 },
            createdBy: { type: 'string', maxLength: 200 },
          },
        },
      }),
    },
    async (request, reply) =>
      reply.code(201).send(await deps.silences.create(request.params.p, request.body ?? {}, actorOf(request))),
  );

  app.delete<{ Params: { p: string; id: string } }>(
    '/api/v1/projects/:p/silences/:id',
    { preHandler: admin, schema: adminSchema(tag, 'Expire a silence now', { params: silenceParams }) },
    async (request) => deps.silences.expire(request.params.p, request.params.id, actorOf(request)),
  );

  app.get<{ Params: { p: string } }>(
    '/api/v1/projects/:p/notifications',
    { preHandler: admin, schema: adminSchema(tag, 'Notification settings of a project', { params: projectParams }) },
    async (request) => {
      const settings = await deps.silences.settings(request.params.p);
      if (settings === null) throw AppError.notFound(`notification settings of ${request.params.p}`);
      return settings;
    },
  );

  app.put<{ Params: { p: string }; Body: unknown }>(
    '/api/v1/projects/:p/notifications',
    {
      preHandler: admin,
      schema: adminSchema(tag, 'Set receivers, routes and inhibit rules (the notifications: section)', {
        params: projectParams,
      }),
    },
    async (request) => deps.silences.configure(request.params.p, request.body, actorOf(request)),
  );

  app.get<{ Querystring: { project?: string; limit?: number; status?: OutboxEntry['status'] } }>(
    '/api/v1/notifications',
    { preHandler: admin, schema: adminSchema(tag, 'List the notification outbox', { querystring: statusQuery }) },
    async (request) => ({ notifications: (await deps.store.list(request.query)).map(toOutboxResource) }),
  );

  app.get<{ Querystring: { project?: string; limit?: number } }>(
    '/api/v1/notifications/dead-letters',
    {
      preHandler: admin,
      schema: adminSchema(tag, 'Notifications given up on (dead letters)', { querystring: statusQuery }),
    },
    async (request) => ({
      deadLetters: (await deps.store.list({ ...request.query, status: 'dead' })).map(toOutboxResource),
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/notifications/dead-letters/:id/retry',
    {
      preHandler: admin,
      schema: adminSchema(tag, 'Queue a dead letter again (attempts from zero)', {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
      }),
    },
    async (request) => {
      const id = Number(request.params.id);
      if (!(await deps.store.retryDead(id, deps.clock.now()))) throw AppError.notFound(`dead letter ${id}`);
      deps.poke();
      return toOutboxResource((await deps.store.get(id))!);
    },
  );

  app.get(
    '/api/v1/notifications/receivers',
    { preHandler: admin, schema: adminSchema(tag, 'Circuit breaker state per receiver') },
    async () => ({ receivers: deps.receivers() }),
  );
}
