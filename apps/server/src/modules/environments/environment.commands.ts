import { AppError } from '../../platform/errors.js';
import { checkVersion } from '../../platform/http-concurrency.js';
import { EventKind, Subject } from '../events/index.js';
import type { DomainState, PlannedEvent } from '../projection/index.js';
import { requireProject } from '../projects/index.js';

export interface EnvironmentPatch {
  name?: string;
  protected?: boolean;
}

/**
 * The events of an environment update (PATCH …/environments/:env, and an approved `environment-unprotect` change
 * request): none when nothing changes; CONFLICT when `expected` is given and the environment has moved. Pure.
 */
export function updateEnvironment(
  state: DomainState,
  p: string,
  env: string,
  patch: EnvironmentPatch,
  expected: number | undefined,
): PlannedEvent[] {
  const current = requireProject(state, p).environments[env];
  if (current === undefined) throw AppError.notFound(`environment "${env}"`);
  checkVersion(`environment "${env}"`, current.version, expected);
  const payload = {
    project: p,
    environment: env,
    name: patch.name ?? current.name,
    protected: patch.protected ?? current.protected,
  };
  if (payload.name === current.name && payload.protected === current.protected) return [];
  return [{ kind: EventKind.environmentUpdated, subject: Subject.environment(p, env), payload }];
}
