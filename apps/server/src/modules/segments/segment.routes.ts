import type { FastifyInstance } from 'fastify';
import { actorOf, requireAuth } from '../../platform/http.js';
import { expectedVersion } from '../../platform/http-concurrency.js';
import {
  adminSchema,
  type CommandContext,
  descriptionSchema,
  keySchema,
  listOf,
  type ProjectState,
  projectParams,
  ref,
  type SegmentState,
  versionSchema,
} from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import { createSegment, deleteSegment, requireSegment, type SegmentInput, updateSegment } from './segment.commands.js';

export interface SegmentResource {
  project: string;
  key: string;
  description: string | null;
  conditions: SegmentState['conditions'];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toSegmentResource(project: ProjectState, s: SegmentState): SegmentResource {
  return { project: project.key, ...s };
}

const segmentParams = { type: 'object', properties: { p: keySchema, key: keySchema }, required: ['p', 'key'] };
// Conditions are checked in depth by @wavegate/core's validateSegment.
const conditionsSchema = {
  type: 'array',
  maxItems: 500,
  items: {
    type: 'object',
    description: '@wavegate/core Condition {attribute?, op, values?, negate?, caseInsensitive?}',
  },
};

export function registerSegmentRoutes(app: FastifyInstance, ctx: CommandContext): void {
  const admin = requireAuth('admin');

  app.get<{ Params: { p: string } }>(
    '/api/v1/projects/:p/segments',
    {
      preHandler: admin,
      schema: adminSchema('segments', 'List segments', {
        params: projectParams,
        response: { 200: listOf('segments', 'Segment') },
      }),
    },
    async (request) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      return { segments: Object.values(project.segments).map((s) => toSegmentResource(project, s)) };
    },
  );

  app.get<{ Params: { p: string; key: string } }>(
    '/api/v1/projects/:p/segments/:key',
    {
      preHandler: admin,
      schema: adminSchema('segments', 'Get a segment', { params: segmentParams, response: { 200: ref('Segment') } }),
    },
    async (request, reply) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      const segment = requireSegment(project, request.params.key);
      return reply.header('etag', `"${segment.version}"`).send(toSegmentResource(project, segment));
    },
  );

  app.post<{ Params: { p: string }; Body: SegmentInput & { key: string } }>(
    '/api/v1/projects/:p/segments',
    {
      preHandler: admin,
      schema: adminSchema('segments', 'Create a segment', {
        response: { 201: ref('Segment') },
        params: projectParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'conditions'],
          properties: { key: keySchema, description: descriptionSchema, conditions: conditionsSchema },
        },
      }),
    },
    async (request, reply) => {
      const { p } = request.params;
      const { key, ...input } = request.body;
      const { state } = await ctx.executor.execute(actorOf(request), (s) => createSegment(s, p, key, input));
      const project = requireProject(state, p);
      return reply.status(201).send(toSegmentResource(project, requireSegment(project, key)));
    },
  );

  app.put<{ Params: { p: string; key: string }; Body: SegmentInput & { version?: number } }>(
    '/api/v1/projects/:p/segments/:key',
    {
      preHandler: admin,
      schema: adminSchema('segments', 'Replace a segment', {
        response: { 200: ref('Segment') },
        params: segmentParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['conditions'],
          properties: { description: descriptionSchema, conditions: conditionsSchema, version: versionSchema },
        },
      }),
    },
    async (request) => {
      const { p, key } = request.params;
      const { version, ...input } = request.body;
      const expected = expectedVersion(request, version, true);
      const { state } = await ctx.executor.execute(actorOf(request), (s) => updateSegment(s, p, key, input, expected));
      const project = requireProject(state, p);
      return toSegmentResource(project, requireSegment(project, key));
    },
  );

  app.delete<{ Params: { p: string; key: string }; Querystring: { version?: number } }>(
    '/api/v1/projects/:p/segments/:key',
    {
      preHandler: admin,
      schema: adminSchema('segments', 'Delete a segment (refused while a flag or segment uses it)', {
        response: { 204: { type: 'null', description: 'deleted' } },
        params: segmentParams,
        querystring: { type: 'object', additionalProperties: false, properties: { version: versionSchema } },
      }),
    },
    async (request, reply) => {
      const { p, key } = request.params;
      const expected = expectedVersion(request, request.query.version, true);
      await ctx.executor.execute(actorOf(request), (s) => deleteSegment(s, p, key, expected));
      return reply.status(204).send();
    },
  );
}
