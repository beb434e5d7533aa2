import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { actorOf, requireAuth } from '../../platform/http.js';
import { expectedVersion } from '../../platform/http-concurrency.js';
import { EventKind, Subject } from '../events/index.js';
import {
  adminSchema,
  type CommandContext,
  type EnvironmentState,
  keySchema,
  listOf,
  nameSchema,
  projectParams,
  ref,
  versionSchema,
} from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import { updateEnvironment } from './environment.commands.js';

export interface EnvironmentResource {
  project: string;
  key: string;
  name: string;
  protected: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toEnvironmentResource(project: string, e: EnvironmentState): EnvironmentResource {
  return { project, ...e };
}

const envParams = {
  type: 'object',
  properties: { p: keySchema, env: keySchema },
  required: ['p', 'env'],
};

export function registerEnvironmentRoutes(app: FastifyInstance, ctx: CommandContext): void {
  const admin = requireAuth('admin');

  app.get<{ Params: { p: string } }>(
    '/api/v1/projects/:p/environments',
    {
      preHandler: admin,
      schema: adminSchema('environments', 'List environments', {
        params: projectParams,
        response: { 200: listOf('environments', 'Environment') },
      }),
    },
    async (request) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      return {
        environments: project.environmentOrder.map((k) => toEnvironmentResource(project.key, project.environments[k]!)),
      };
    },
  );

  app.post<{ Params: { p: string }; Body: { key: string; name?: string; protected?: boolean } }>(
    '/api/v1/projects/:p/environments',
    {
      preHandler: admin,
      schema: adminSchema('environments', 'Create an environment', {
        response: { 201: ref('Environment') },
        params: projectParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key'],
          properties: { key: keySchema, name: nameSchema, protected: { type: 'boolean' } },
        },
      }),
    },
    async (request, reply) => {
      const { p } = request.params;
      const { key, name, protected: isProtected } = request.body;
      const { state } = await ctx.executor.execute(actorOf(request), (s) => {
        const project = requireProject(s, p);
        if (project.environments[key] !== undefined) throw AppError.conflict(`environment "${key}" already exists`);
        const payload = { project: p, environment: key, name: name ?? key, protected: isProtected ?? false };
        return [{ kind: EventKind.environmentCreated, subject: Subject.environment(p, key), payload }];
      });
      const env = requireProject(state, p).environments[key]!;
      return reply.status(201).send(toEnvironmentResource(p, env));
    },
  );

  app.patch<{ Params: { p: string; env: string }; Body: { name?: string; protected?: boolean; version?: number } }>(
    '/api/v1/projects/:p/environments/:env',
    {
      preHandler: admin,
      schema: adminSchema('environments', 'Update an environment', {
        response: { 200: ref('Environment') },
        params: envParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { name: nameSchema, protected: { type: 'boolean' }, version: versionSchema },
        },
      }),
    },
    async (request) => {
      const { p, env } = request.params;
      const expected = expectedVersion(request, request.body.version, true);
      const { state } = await ctx.executor.execute(actorOf(request), (s) =>
        updateEnvironment(s, p, env, request.body, expected),
      );
      return toEnvironmentResource(p, requireProject(state, p).environments[env]!);
    },
  );
}
