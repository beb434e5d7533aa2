/**
 * OFREP (OpenFeature Remote Evaluation Protocol): `POST /ofrep/v1/evaluate/flags/{key}` and the bulk
 * `POST /ofrep/v1/evaluate/flags`, for client and frontend tokens, evaluated with `@wavegate/core`.
 */
import { createEvaluator, type Evaluator } from '@wavegate/core';
import type { FastifyInstance } from 'fastify';
import type { StreamHub } from '../client/index.js';
import { registerOfrepRoutes } from './ofrep.routes.js';

export { bulkEtag, parseOfrepRequest, toOfrep } from './ofrep-map.js';

export interface OfrepModule {
  /** The evaluator of an environment's current snapshot, compiled once per config version. */
  evaluatorFor(project: string, environment: string): Evaluator | undefined;
  registerRoutes(app: FastifyInstance): Promise<void>;
}

/** Evaluators follow the client hub's channels, so OFREP and the snapshot endpoint serve the same version. */
export function createOfrepModule(hub: StreamHub): OfrepModule {
  const cache = new Map<string, Evaluator>();
  const evaluatorFor = (project: string, environment: string): Evaluator | undefined => {
    const channel = hub.channel(project, environment);
    if (!channel) return undefined;
    const key = `${project}\u0000${environment}`;
    const cached = cache.get(key);
    if (cached && cached.version === channel.version) return cached;
    const evaluator = createEvaluator(channel.current);
    cache.set(key, evaluator);
    return evaluator;
  };
  return { evaluatorFor, registerRoutes: (app) => registerOfrepRoutes(app, evaluatorFor) };
}
