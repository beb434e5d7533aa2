import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { actorOf, requireAuth } from '../../platform/http.js';
import { expectedVersion } from '../../platform/http-concurrency.js';
import { adminSchema, type CommandContext, keySchema, projectParams, versionSchema } from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import { createRelease, type ReleaseAction, releaseAction, requireRelease } from './release.commands.js';
import type { ReleaseRecord } from './release.reducer.js';
import type { ReleaseLoop } from './release-loop.js';

export interface ReleaseRouteContext extends CommandContext {
  clock: Clock;
  /** The reconcile loop when this process runs it (status shows its latest evaluation). */
  loop?: ReleaseLoop;
}

const releaseParams = { type: 'object', properties: { p: keySchema, id: keySchema }, required: ['p', 'id'] };
const ACTIONS: ReleaseAction[] = ['start', 'pause', 'resume', 'approve', 'promote', 'rollback'];

/** The API resource: definition, state, the waves with their status, the current wave and the latest decision. */
export function toReleaseResource(record: ReleaseRecord, latestEvaluation?: unknown) {
  const { definition: def, state: s } = record;
  const waves = def.waves.map((w, i) => ({
    ...w,
    index: i,
    status:
      s.status === 'completed' || i < s.wave
        ? 'passed'
        : i === s.wave
          ? s.status === 'rolled_back'
            ? 'rolled_back'
            : 'current'
          : 'upcoming',
    approved: s.approvedWaves.includes(i),
  }));
  return {
    id: def.id,
    definition: def,
    status: s.status,
    wave: s.wave,
    currentWave: s.wave >= 0 && s.wave < def.waves.length ? waves[s.wave] : null,
    percentage: s.percentage,
    waveStartedAt: s.waveStartedAt === null ? null : new Date(s.waveStartedAt).toISOString(),
    evaluation: s.evaluation,
    reason: s.reason,
    waves,
    lastDecision: record.lastDecision,
    latestEvaluation: latestEvaluation ?? null,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: new Date(s.updatedAt).toISOString(),
    finishedAt: s.finishedAt === null ? null : new Date(s.finishedAt).toISOString(),
  };
}

export function registerReleaseRoutes(app: FastifyInstance, ctx: ReleaseRouteContext): void {
  const admin = requireAuth('admin');
  const view = (p: string, record: ReleaseRecord) =>
    toReleaseResource(record, ctx.loop?.latest.get(`${p}/${record.definition.id}`));

  app.get<{ Params: { p: string } }>(
    '/api/v1/projects/:p/releases',
    { preHandler: admin, schema: adminSchema('releases', 'List releases', { params: projectParams }) },
    async (request) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      return { releases: Object.values(project.releases ?? {}).map((r) => view(project.key, r)) };
    },
  );

  app.get<{ Params: { p: string; id: string } }>(
    '/api/v1/projects/:p/releases/:id',
    { preHandler: admin, schema: adminSchema('releases', 'Get a release and its status', { params: releaseParams }) },
    async (request, reply) => {
      const project = requireProject(ctx.projection.state, request.params.p);
      const record = requireRelease(project, request.params.id);
      return reply.header('etag', `"${record.version}"`).send(view(project.key, record));
    },
  );

  app.post<{ Params: { p: string }; Body: Record<string, unknown> }>(
    '/api/v1/projects/:p/releases',
    {
      preHandler: admin,
      schema: adminSchema('releases', 'Create a release (docs/releases.md: the model)', {
        params: projectParams,
        body: { type: 'object', description: 'a release definition; checked in depth (every problem with its path)' },
      }),
    },
    async (request, reply) => {
      const { p } = request.params;
      const now = ctx.clock.now().getTime();
      const { state } = await ctx.executor.execute(actorOf(request), (s) => createRelease(s, p, request.body, now));
      const project = requireProject(state, p);
      const record = requireRelease(project, String(request.body['id']));
      return reply.code(201).header('etag', `"${record.version}"`).send(view(p, record));
    },
  );

  for (const action of ACTIONS) {
    app.post<{ Params: { p: string; id: string }; Body: { version?: number; reason?: string } | null | undefined }>(
      `/api/v1/projects/:p/releases/:id/${action}`,
      {
        preHandler: admin,
        schema: adminSchema('releases', `${action[0]!.toUpperCase()}${action.slice(1)} a release`, {
          params: releaseParams,
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: { version: versionSchema, reason: { type: 'string', minLength: 1, maxLength: 500 } },
          },
        }),
      },
      async (request, reply) => {
        const { p, id } = request.params;
        const body = request.body ?? {};
        const actor = actorOf(request);
        const expected = expectedVersion(request, body.version, false);
        const now = ctx.clock.now().getTime();
        const { state } = await ctx.executor.execute(actor, (s) =>
          releaseAction(s, p, id, action, {
            now,
            actor,
            expected,
            ...(body.reason === undefined ? {} : { reason: body.reason }),
          }),
        );
        ctx.loop?.poke();
        const record = requireRelease(requireProject(state, p), id);
        return reply.header('etag', `"${record.version}"`).send(view(p, record));
      },
    );
  }
}
