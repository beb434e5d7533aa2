/** Health: `/health/live` (process up), `/health/ready` (database reachable, projection caught up), `/health`. */
import type { FastifyInstance } from 'fastify';
import { registerHealthRoutes } from './health.routes.js';
import { type HealthDeps, HealthService } from './health.service.js';

export type { HealthDeps, HealthReport } from './health.service.js';
export { HealthService } from './health.service.js';

export interface HealthModule {
  service: HealthService;
  registerRoutes(app: FastifyInstance): void;
}

export function createHealthModule(deps: HealthDeps): HealthModule {
  const service = new HealthService(deps);
  return { service, registerRoutes: (app) => registerHealthRoutes(app, service) };
}
