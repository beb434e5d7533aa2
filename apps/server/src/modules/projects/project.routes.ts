import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { actorOf, requireAuth } from '../../platform/http.js';
import { EventKind, type JsonObject, Subject } from '../events/index.js';
import {
  adminSchema,
  type CommandContext,
  keySchema,
  listOf,
  nameSchema,
  projectParams,
  ref,
} from '../projection/index.js';
import { requireProject, toProjectResource } from './project.views.js';

interface CreateProjectBody {
  key: string;
  name?: string;
}

export function registerProjectRoutes(app: FastifyInstance, ctx: CommandContext): void {
  const admin = requireAuth('admin');

  app.get(
    '/api/v1/projects',
    {
      preHandler: admin,
      schema: adminSchema('projects', 'List projects', { response: { 200: listOf('projects', 'Project') } }),
    },
    async () => ({
      projects: Object.values(ctx.projection.state.projects).map(toProjectResource),
    }),
  );

  app.get<{ Params: { p: string } }>(
    '/api/v1/projects/:p',
    {
      preHandler: admin,
      schema: adminSchema('projects', 'Get a project', { params: projectParams, response: { 200: ref('Project') } }),
    },
    async (request) => toProjectResource(requireProject(ctx.projection.state, request.params.p)),
  );

  app.post<{ Body: CreateProjectBody }>(
    '/api/v1/projects',
    {
      preHandler: admin,
      schema: adminSchema('projects', 'Create a project', {
        response: { 201: ref('Project') },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key'],
          properties: { key: keySchema, name: nameSchema },
        },
      }),
    },
    async (request, reply) => {
      const { key, name } = request.body;
      const { state } = await ctx.executor.execute(actorOf(request), (s) => {
        if (s.projects[key] !== undefined) throw AppError.conflict(`project "${key}" already exists`);
        const payload: JsonObject = { project: key };
        if (name !== undefined) payload['name'] = name;
        return [{ kind: EventKind.projectCreated, subject: Subject.project(key), payload }];
      });
      return reply.status(201).send(toProjectResource(requireProject(state, key)));
    },
  );
}
