import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { actorOf, requireAuth } from '../../platform/http.js';
import { expectedVersion } from '../../platform/http-concurrency.js';
import type { EventStore } from '../events/index.js';
import { adminSchema, type CommandContext, keySchema, projectParams, versionSchema } from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import { AlertEventKind } from './alert.reducer.js';
import { activeAlerts, toRuleResource } from './alert.views.js';
import { createAlertRule, deleteAlertRule, requireRule, updateAlertRule } from './alert-rule.commands.js';

export interface AlertRouteContext extends CommandContext {
  events: EventStore;
  /** Evaluates soon (after a rule changed). */
  poke?: () => void;
}

const ruleParams = { type: 'object', properties: { p: keySchema, key: keySchema }, required: ['p', 'key'] };
const ruleBody = { type: 'object', description: 'an alert rule (docs/alerting.md); every problem is listed at once' };
const STATES = ['pending', 'firing', 'nodata', 'error'];

export function registerAlertRoutes(app: FastifyInstance, ctx: AlertRouteContext): void {
  const admin = requireAuth('admin');
  const base = '/api/v1/projects/:p/alert-rules';

  app.get<{ Params: { p: string } }>(
    base,
    { preHandler: admin, schema: adminSchema('alerts', 'List alert rules', { params: projectParams }) },
    async (request) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      return { rules: Object.values(project.alerting?.rules ?? {}).map((r) => toRuleResource(project.key, r)) };
    },
  );

  app.get<{ Params: { p: string; key: string } }>(
    `${base}/:key`,
    { preHandler: admin, schema: adminSchema('alerts', 'Get an alert rule', { params: ruleParams }) },
    async (request, reply) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      const record = requireRule(project, request.params.key);
      return reply.header('etag', `"${record.version}"`).send(toRuleResource(project.key, record));
    },
  );

  app.post<{ Params: { p: string }; Body: Record<string, unknown> }>(
    base,
    {
      preHandler: admin,
      schema: adminSchema('alerts', 'Create an alert rule', { params: projectParams, body: ruleBody }),
    },
    async (request, reply) => {
      const { p } = request.params;
      const { events, state } = await ctx.executor.execute(actorOf(request), (s) =>
        createAlertRule(s, p, request.body),
      );
      ctx.poke?.();
      const key = String((events[0]?.payload as { key?: string } | undefined)?.key ?? request.body['key']);
      const record = requireRule(requireProject(state, p), key);
      return reply.code(201).header('etag', `"${record.version}"`).send(toRuleResource(p, record));
    },
  );

  app.put<{ Params: { p: string; key: string }; Body: Record<string, unknown> }>(
    `${base}/:key`,
    {
      preHandler: admin,
      schema: adminSchema('alerts', 'Replace an alert rule (send the version you read)', {
        params: ruleParams,
        body: ruleBody,
      }),
    },
    async (request, reply) => {
      const { p, key } = request.params;
      const { version, key: _key, ...body } = request.body;
      const expected = expectedVersion(request, version, true);
      const { state } = await ctx.executor.execute(actorOf(request), (s) => updateAlertRule(s, p, key, body, expected));
      ctx.poke?.();
      const record = requireRule(requireProject(state, p), key);
      return reply.header('etag', `"${record.version}"`).send(toRuleResource(p, record));
    },
  );

  app.delete<{ Params: { p: string; key: string }; Querystring: { version?: number } }>(
    `${base}/:key`,
    {
      preHandler: admin,
      schema: adminSchema('alerts', 'Delete an alert rule (its alerts resolve at the next evaluation)', {
        params: ruleParams,
        querystring: { type: 'object', additionalProperties: false, properties: { version: versionSchema } },
      }),
    },
    async (request, reply) => {
      const { p, key } = request.params;
      const expected = expectedVersion(request, request.query.version, true);
      await ctx.executor.execute(actorOf(request), (s) => deleteAlertRule(s, p, key, expected));
      ctx.poke?.();
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { project?: string; state?: string; flag?: string } }>(
    '/api/v1/alerts',
    {
      preHandler: admin,
      schema: adminSchema('alerts', 'Active alerts: pending, firing, nodata and error', {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { project: keySchema, state: { type: 'string', enum: STATES }, flag: keySchema },
        },
      }),
    },
    async (request) => {
      if (request.query.project !== undefined) requireProject(ctx.projection.state, request.query.project);
      return { alerts: activeAlerts(ctx.projection.state, request.query) };
    },
  );

  app.get<{
    Querystring: { project?: string; rule?: string; from?: string; to?: string; cursor?: number; limit?: number };
  }>(
    '/api/v1/alerts/history',
    {
      preHandler: admin,
      schema: adminSchema('alerts', 'Alert transitions, oldest first (page with nextCursor)', {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            project: keySchema,
            rule: keySchema,
            from: { type: 'string', description: 'ISO 8601' },
            to: { type: 'string', description: 'ISO 8601' },
            cursor: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      }),
    },
    async (request) => {
      const q = request.query;
      if (q.rule !== undefined && q.project === undefined) {
        throw AppError.validation('rule needs project', [
          { path: 'project', code: 'required', message: 'give project with rule' },
        ]);
      }
      for (const name of ['from', 'to'] as const) {
        const value = q[name];
        if (value !== undefined && Number.isNaN(Date.parse(value))) {
          throw AppError.validation(`${name} is not a time`, [
            { path: name, code: 'invalid_time', message: `${name} is an ISO 8601 time` },
          ]);
        }
      }
      const limit = q.limit ?? 100;
      const subject = q.rule === undefined ? undefined : `alert:${q.project ?? ''}/${q.rule}`;
      const transitions: Record<string, unknown>[] = [];
      let after = q.cursor ?? 0;
      let nextCursor: number | null = null;
      // Pages of the log: a project filter without a rule is applied to the payload.
      for (;;) {
        const page = await ctx.events.read({
          kind: AlertEventKind.transitioned,
          afterSeq: after,
          limit: 500,
          ...(subject === undefined ? {} : { subject }),
          ...(q.from === undefined ? {} : { from: q.from }),
          ...(q.to === undefined ? {} : { to: q.to }),
        });
        for (const e of page) {
          after = e.seq;
          if (q.project !== undefined && e.payload['project'] !== q.project) continue;
          transitions.push({ seq: e.seq, time: e.time, actor: e.actor, ...e.payload });
          if (transitions.length === limit) break;
        }
        if (transitions.length === limit) {
          nextCursor = after;
          break;
        }
        if (page.length < 500) break;
      }
      return { transitions, nextCursor };
    },
  );
}
