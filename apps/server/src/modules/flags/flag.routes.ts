import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, requireAuth } from '../../platform/http.js';
import { expectedVersion } from '../../platform/http-concurrency.js';
import {
  adminSchema,
  type CommandContext,
  type DomainState,
  descriptionSchema,
  keySchema,
  listOf,
  type PlannedEvent,
  projectParams,
  ref,
  versionSchema,
} from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import {
  type CreateFlagInput,
  createFlag,
  type EnvironmentConfigInput,
  setArchived,
  setFlagEnvironment,
  type UpdateFlagInput,
  updateFlag,
} from './flag.commands.js';
import { requireFlag, toFlagResource } from './flag.views.js';

const flagParams = { type: 'object', properties: { p: keySchema, key: keySchema }, required: ['p', 'key'] };
const flagEnvParams = {
  type: 'object',
  properties: { p: keySchema, key: keySchema, env: keySchema },
  required: ['p', 'key', 'env'],
};
const variantsSchema = {
  type: 'object',
  description: 'variant key → value (of the flag type)',
  minProperties: 1,
  maxProperties: 100,
  propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
};
const tagsSchema = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 };
const saltSchema = { type: ['string', 'null'], minLength: 1, maxLength: 200 };
// Rules and serves are checked in depth by @wavegate/core's validateFlag (every problem with its path).
const configProperties = {
  enabled: { type: 'boolean' },
  rules: { type: 'array', maxItems: 500, items: { type: 'object', description: '@wavegate/core Rule' } },
  serve: { type: 'object', description: '{variant} | {split, stickiness?} | {rollout, variant?, stickiness?}' },
  offVariant: { type: 'string' },
};
const configSchema = { type: 'object', additionalProperties: false, properties: configProperties };

type Params = { p: string; key: string };
type EnvParams = Params & { env: string };

export function registerFlagRoutes(app: FastifyInstance, ctx: CommandContext): void {
  const admin = requireAuth('admin');

  // Runs a command and answers with the flag as it is afterwards.
  const run = async (request: FastifyRequest, p: string, key: string, decide: (s: DomainState) => PlannedEvent[]) => {
    const { state } = await ctx.executor.execute(actorOf(request), decide);
    const project = requireProject(state, p);
    return toFlagResource(project, requireFlag(project, key));
  };

  app.get<{ Params: { p: string }; Querystring: { archived?: boolean; q?: string } }>(
    '/api/v1/projects/:p/flags',
    {
      preHandler: admin,
      schema: adminSchema('flags', 'List flags', {
        response: { 200: listOf('flags', 'Flag') },
        params: projectParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            archived: { type: 'boolean', description: 'true: archived flags only; default: active flags only' },
            q: { type: 'string', maxLength: 200, description: 'substring of the key or description' },
          },
        },
      }),
    },
    async (request) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      const archived = request.query.archived ?? false;
      const q = request.query.q?.toLowerCase();
      const flags = Object.values(project.flags)
        .filter((f) => f.archived === archived)
        .filter(
          (f) => q === undefined || f.key.toLowerCase().includes(q) || (f.description ?? '').toLowerCase().includes(q),
        )
        .map((f) => toFlagResource(project, f));
      return { flags };
    },
  );

  app.get<{ Params: Params }>(
    '/api/v1/projects/:p/flags/:key',
    {
      preHandler: admin,
      schema: adminSchema('flags', 'Get a flag', { params: flagParams, response: { 200: ref('Flag') } }),
    },
    async (request, reply) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      const flag = toFlagResource(project, requireFlag(project, request.params.key));
      return reply.header('etag', `"${flag.version}"`).send(flag);
    },
  );

  app.post<{ Params: { p: string }; Body: CreateFlagInput }>(
    '/api/v1/projects/:p/flags',
    {
      preHandler: admin,
      schema: adminSchema('flags', 'Create a flag', {
        response: { 201: ref('Flag') },
        params: projectParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'type'],
          properties: {
            key: keySchema,
            type: { type: 'string', enum: ['boolean', 'string', 'number', 'json'] },
            description: descriptionSchema,
            variants: variantsSchema,
            salt: saltSchema,
            tags: tagsSchema,
            environments: { type: 'object', additionalProperties: configSchema },
          },
        },
      }),
    },
    async (request, reply: FastifyReply) => {
      const { p } = request.params;
      const flag = await run(request, p, request.body.key, (s) => createFlag(s, p, request.body));
      return reply.status(201).send(flag);
    },
  );

  app.patch<{ Params: Params; Body: UpdateFlagInput & { version?: number } }>(
    '/api/v1/projects/:p/flags/:key',
    {
      preHandler: admin,
      schema: adminSchema('flags', "Update a flag's definition", {
        response: { 200: ref('Flag') },
        params: flagParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            description: descriptionSchema,
            variants: variantsSchema,
            salt: saltSchema,
            tags: tagsSchema,
            version: versionSchema,
          },
        },
      }),
    },
    async (request) => {
      const { p, key } = request.params;
      const { version, ...input } = request.body;
      const expected = expectedVersion(request, version, true);
      return run(request, p, key, (s) => updateFlag(s, p, key, input, expected));
    },
  );

  app.put<{ Params: EnvParams; Body: EnvironmentConfigInput & { version?: number } }>(
    '/api/v1/projects/:p/flags/:key/environments/:env',
    {
      preHandler: admin,
      schema: adminSchema('flags', "Replace a flag's config in one environment", {
        response: { 200: ref('Flag') },
        params: flagEnvParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'rules', 'serve'],
          properties: { ...configProperties, version: versionSchema },
        },
      }),
    },
    async (request) => {
      const { p, key, env } = request.params;
      const { version, ...input } = request.body;
      const expected = expectedVersion(request, version, true);
      return run(request, p, key, (s) => setFlagEnvironment(s, p, key, env, input, expected));
    },
  );

  const optionalVersionBody = {
    type: ['object', 'null'],
    additionalProperties: false,
    properties: { version: versionSchema },
  };
  for (const action of ['enable', 'disable'] as const) {
    app.post<{ Params: EnvParams; Body: { version?: number } | null | undefined }>(
      `/api/v1/projects/:p/flags/:key/environments/:env/${action}`,
      {
        preHandler: admin,
        schema: adminSchema('flags', `${action === 'enable' ? 'Enable' : 'Disable'} a flag in one environment`, {
          response: { 200: ref('Flag') },
          params: flagEnvParams,
          body: optionalVersionBody,
        }),
      },
      async (request) => {
        const { p, key, env } = request.params;
        const expected = expectedVersion(request, request.body?.version, false);
        const enabled = action === 'enable';
        return run(request, p, key, (s) => setFlagEnvironment(s, p, key, env, { enabled }, expected));
      },
    );
  }
  for (const action of ['archive', 'restore'] as const) {
    app.post<{ Params: Params; Body: { version?: number } | null | undefined }>(
      `/api/v1/projects/:p/flags/:key/${action}`,
      {
        preHandler: admin,
        schema: adminSchema('flags', `${action === 'archive' ? 'Archive' : 'Restore'} a flag`, {
          response: { 200: ref('Flag') },
          params: flagParams,
          body: optionalVersionBody,
        }),
      },
      async (request) => {
        const { p, key } = request.params;
        const expected = expectedVersion(request, request.body?.version, false);
        return run(request, p, key, (s) => setArchived(s, p, key, action === 'archive', expected));
      },
    );
  }
}
