import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { requireAuth } from '../../platform/http.js';
import { adminSchema, type CommandContext, keySchema } from '../projection/index.js';
import { type ActionOutcome, planActions } from './alert-actions.js';
import { parseAlertmanagerPayload } from './alertmanager-hook.js';

export interface HookContext extends CommandContext {
  clock: Clock;
}

/**
 * `POST /api/v1/hooks/alertmanager`: Alertmanager's webhook receiver (admin token: Alertmanager sends it with
 * `http_config.authorization`). The whole payload is checked first (400 listing every problem, nothing done);
 * then each firing alert's actions are applied, with actor `alert:alertmanager/<alertname>`. Idempotent in effect:
 * Alertmanager's repeats find the release already paused or rolled back, the flag already off (skipped).
 */
export function registerAlertmanagerHook(app: FastifyInstance, ctx: HookContext): void {
  app.post<{ Querystring: { project?: string }; Body: unknown }>(
    '/api/v1/hooks/alertmanager',
    {
      preHandler: requireAuth('admin'),
      schema: adminSchema('alerts', 'Alertmanager webhook (version 4): apply actions mapped by wavegate_* labels', {
        querystring: { type: 'object', additionalProperties: false, properties: { project: keySchema } },
        body: { type: 'object', description: 'Alertmanager webhook payload, version 4' },
      }),
    },
    async (request) => {
      const parsed = parseAlertmanagerPayload(ctx.projection.state, request.body, request.query.project);
      if (!parsed.ok) {
        throw AppError.validation(
          `invalid Alertmanager payload: ${parsed.problems.length} problem(s)`,
          parsed.problems,
        );
      }
      const token = request.auth?.tokenId ?? 'unknown';
      const applied: (ActionOutcome & { alertname: string })[] = [];
      for (const r of parsed.requests) {
        const actor = `alert:alertmanager/${r.alertname}`;
        const now = ctx.clock.now().getTime();
        let outcomes: ActionOutcome[] = [];
        await ctx.executor.execute(actor, (s) => {
          const plan = planActions(
            s,
            {
              project: r.project,
              rule: r.alertname,
              flag: r.flag,
              environment: r.environment,
              actions: r.actions,
              fingerprint: r.fingerprint,
              activeAt: r.activeAt,
              actor,
              reason: `Alertmanager alert ${r.alertname} firing`,
              extra: { source: 'alertmanager', token },
            },
            now,
          );
          outcomes = plan.outcomes;
          return plan.events;
        });
        applied.push(...outcomes.map((o) => ({ alertname: r.alertname, ...o })));
      }
      return { received: parsed.received, actions: applied };
    },
  );
}
