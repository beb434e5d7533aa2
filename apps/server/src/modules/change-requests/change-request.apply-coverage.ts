import type { FlagType, JsonValue } from '@wavegate/core';
import {
  canonicalJson,
  defaultEnvironmentConfig,
  defaultOffVariant,
  planApply,
  validateDocument,
} from '../config/index.js';
import type { DomainState, ProjectState } from '../projection/index.js';
import { configStateOf } from '../projects/index.js';
import type { OperationKind } from './change-request.operation.js';

/** One change of a config apply that a session must propose as a change request (`operation`) instead. */
export interface CoveredPart {
  operation: OperationKind;
  subject: string;
  summary: string;
}

interface PlanEvent {
  kind: string;
  subject: string;
  payload: Record<string, unknown>;
}

const isProtected = (project: ProjectState, env: unknown): boolean =>
  typeof env === 'string' && project.environments[env]?.protected === true;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The parts of `POST /api/v1/apply` (this body, `prune`) that change what a protected environment serves, by the
 * same rules as the direct requests (coverage.ts): an environment unprotected; a flag's config in a protected
 * environment (also in a new flag); in a project with a protected environment, a flag's variants or salt, archive,
 * restore, and any segment change; a release created or started in a protected environment. Empty when nothing
 * is covered, and when the document or its plan is invalid (the route then answers 400 with every problem).
 * Protection is read from the current state: an environment the apply creates or protects serves nothing that
 * was approved before, as with the direct requests (configure first, then protect).
 */
export function coveredApplyParts(state: DomainState, body: unknown, prune: boolean): CoveredPart[] {
  const document = validateDocument(body);
  if (!document.ok) return [];
  const p = document.value.project;
  const project = state.projects[p];
  if (project === undefined || !Object.values(project.environments).some((e) => e.protected)) return [];
  const planned = planApply(configStateOf(state, p), document.value, { prune, now: 0 });
  if (!planned.ok) return [];
  const releaseEnvironments = new Map<string, string>(
    Object.values(project.releases ?? {}).map((r) => [r.definition.id, r.definition.environment]),
  );
  return planned.value.events.flatMap((event) => classify(project, event, releaseEnvironments));
}

function classify(project: ProjectState, event: PlanEvent, releases: Map<string, string>): CoveredPart[] {
  const { kind, subject, payload } = event;
  const part = (operation: OperationKind, summary: string): CoveredPart[] => [{ operation, subject, summary }];
  const key = text(payload['key']);
  switch (kind) {
    case 'environment.updated':
      return isProtected(project, payload['environment']) && payload['protected'] === false
        ? part('environment-unprotect', `unprotect environment ${text(payload['environment'])}`)
        : [];
    case 'flag.environment.updated':
      return isProtected(project, payload['environment'])
        ? part('flag-environment', `flag ${key} in ${text(payload['environment'])}`)
        : [];
    case 'flag.created': {
      // The plan gives a new flag a config in every environment the document names; the default one (disabled,
      // serving the off variant) is what a flag created without environments serves there too.
      const variants = (payload['variants'] ?? {}) as Record<string, JsonValue>;
      const fallback = canonicalJson(
        defaultEnvironmentConfig(defaultOffVariant(payload['type'] as FlagType, variants)),
      );
      const configs = Object.entries((payload['environments'] ?? {}) as Record<string, unknown>);
      return configs
        .filter(([env, config]) => isProtected(project, env) && canonicalJson(config) !== fallback)
        .flatMap(([env]) => part('flag-environment', `new flag ${key} configured in ${env}`));
    }
    case 'flag.updated': {
      const flag = project.flags[key];
      const variants = flag !== undefined && canonicalJson(flag.variants) !== canonicalJson(payload['variants']);
      const salt = flag !== undefined && (flag.salt ?? null) !== (payload['salt'] ?? null);
      const fields = [variants ? 'variants' : '', salt ? 'salt' : ''].filter((f) => f !== '');
      return fields.length > 0 ? part('flag', `flag ${key}: ${fields.join(', ')}`) : [];
    }
    case 'flag.archived':
      return part('flag-archive', `archive flag ${key}`);
    case 'flag.restored':
      return part('flag-restore', `restore flag ${key}`);
    case 'segment.created':
    case 'segment.updated':
      return part('segment-upsert', `segment ${key}`);
    case 'segment.deleted':
      return part('segment-delete', `delete segment ${key}`);
    case 'release.created': {
      const definition = (payload['release'] ?? {}) as Record<string, unknown>;
      releases.set(text(payload['id']), text(definition['environment']));
      return isProtected(project, definition['environment'])
        ? part('release-create', `release ${text(payload['id'])} in ${text(definition['environment'])}`)
        : [];
    }
    case 'release.started':
      return isProtected(project, releases.get(text(payload['id'])))
        ? part('release-start', `start release ${text(payload['id'])}`)
        : [];
    default:
      return [];
  }
}
