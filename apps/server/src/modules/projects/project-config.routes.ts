import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { actorOf, requireAuth } from '../../platform/http.js';
import {
  type ProjectState as ConfigProjectState,
  exportDocument,
  type Plan,
  planApply,
  renderYaml,
  validateDocument,
} from '../config/index.js';
import type { JsonObject } from '../events/index.js';
import {
  adminSchema,
  type CommandContext,
  type DomainState,
  type PlannedEvent,
  projectParams,
} from '../projection/index.js';
import { requireProject } from './project.views.js';

/** A project as the config module reads it (null project when it does not exist yet). */
export function configStateOf(state: DomainState, key: string): ConfigProjectState {
  const p = state.projects[key];
  if (p === undefined) return { project: null, environments: [], flags: [], segments: [] };
  return {
    project: { key: p.key, name: p.name },
    environments: p.environmentOrder.map((k) => {
      const e = p.environments[k]!;
      return { key: e.key, name: e.name, protected: e.protected };
    }),
    flags: Object.values(p.flags).map((f) => ({
      key: f.key,
      type: f.type,
      description: f.description,
      variants: f.variants,
      salt: f.salt,
      tags: f.tags,
      archived: f.archived,
      // Only the configs the flag stores: an environment without one gets the default config of the flag's
      // current variants (it follows them), which the planner and export derive the same way.
      environments: Object.fromEntries(
        p.environmentOrder.flatMap((env) => (f.environments[env] === undefined ? [] : [[env, f.environments[env]]])),
      ),
    })),
    segments: Object.values(p.segments).map((s) => ({
      key: s.key,
      description: s.description,
      conditions: s.conditions,
    })),
    releases: Object.values(p.releases ?? {}).map((r) => ({ definition: r.definition, status: r.state.status })),
    alerts: Object.values(p.alerting?.rules ?? {}).map((r) => r.rule),
    notifications: p.notifications ?? null,
  };
}

function plan(state: DomainState, body: unknown, prune: boolean, now: number): { project: string; plan: Plan } {
  const document = validateDocument(body);
  if (!document.ok) throw AppError.validation('invalid config document', document.problems);
  const project = document.value.project;
  const planned = planApply(configStateOf(state, project), document.value, { prune, now });
  if (!planned.ok) throw AppError.validation('the document cannot be applied', planned.problems);
  return { project, plan: planned.value };
}

const toPlanned = (events: Plan['events']): PlannedEvent[] =>
  events.map((e) => ({ kind: e.kind, subject: e.subject, payload: e.payload as JsonObject }));

/** `clock` dates release events of an apply; `onApplied` runs after an apply appended events (wakes the release loop). */
export function registerConfigRoutes(
  app: FastifyInstance,
  ctx: CommandContext & { clock?: Clock; onApplied?: () => void },
): void {
  const now = () => (ctx.clock === undefined ? Date.now() : ctx.clock.now().getTime());
  const admin = requireAuth('admin');

  app.post<{ Querystring: { dryRun?: boolean; prune?: boolean }; Body: unknown }>(
    '/api/v1/apply',
    {
      preHandler: admin,
      schema: adminSchema('config', 'Apply a config-as-code document (all changes in one transaction)', {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            dryRun: { type: 'boolean', default: false },
            prune: { type: 'boolean', default: false, description: 'archive flags / delete segments not named' },
          },
        },
        body: { type: 'object', description: 'config document (docs/config.schema.json)' },
      }),
    },
    async (request) => {
      const prune = request.query.prune ?? false;
      if (request.query.dryRun === true) {
        const { project, plan: p } = plan(ctx.projection.state, request.body, prune, now());
        return { project, dryRun: true, changes: p.changes, version: ctx.projection.seq };
      }
      let outcome: { project: string; plan: Plan } | undefined;
      const { events } = await ctx.executor.execute(actorOf(request), (s) => {
        outcome = plan(s, request.body, prune, now());
        return toPlanned(outcome.plan.events);
      });
      if (events.length > 0) ctx.onApplied?.();
      const result = outcome!;
      return {
        project: result.project,
        dryRun: false,
        changes: result.plan.changes,
        version: events.at(-1)?.seq ?? ctx.projection.seq,
      };
    },
  );

  app.get<{ Params: { p: string }; Querystring: { format?: 'json' | 'yaml' } }>(
    '/api/v1/projects/:p/export',
    {
      preHandler: admin,
      schema: adminSchema('config', 'Export a project as a config-as-code document', {
        params: projectParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['json', 'yaml'], default: 'json' } },
        },
      }),
    },
    async (request, reply) => {
      requireProject(ctx.projection.state, request.params.p);
      const document = exportDocument(configStateOf(ctx.projection.state, request.params.p));
      if (request.query.format === 'yaml')
        return reply.type('application/yaml; charset=utf-8').send(renderYaml(document));
      return document;
    },
  );
}
