import type { DomainState, ProjectState } from '../projection/index.js';
import { type CoveredPart, coveredApplyParts } from './change-request.apply-coverage.js';
import { GATED_RELEASE_ACTIONS, type OperationKind } from './change-request.operation.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const PROJECT = '^/api/v1/projects/([^/]+)';
const FLAG_ENVIRONMENT = new RegExp(`${PROJECT}/flags/([^/]+)/environments/([^/]+)(?:/enable|/disable)?$`);
const FLAG = new RegExp(`${PROJECT}/flags/([^/]+)$`);
const FLAGS = new RegExp(`${PROJECT}/flags$`);
const FLAG_ARCHIVE = new RegExp(`${PROJECT}/flags/([^/]+)/(archive|restore)$`);
const SEGMENTS = new RegExp(`${PROJECT}/segments(?:/([^/]+))?$`);
const RELEASES = new RegExp(`${PROJECT}/releases$`);
const ENVIRONMENT = new RegExp(`${PROJECT}/environments/([^/]+)$`);
const APPLY = /^\/api\/v1\/apply$/;
const RELEASE_ACTION = new RegExp(`${PROJECT}/releases/([^/]+)/(${GATED_RELEASE_ACTIONS.join('|')})$`);

const hasProtected = (project: ProjectState | undefined): boolean =>
  project !== undefined && Object.values(project.environments).some((e) => e.protected === true);

const isProtected = (project: ProjectState | undefined, env: unknown): boolean =>
  project !== undefined && typeof env === 'string' && project.environments[env]?.protected === true;

const decode = (match: RegExpExecArray): string[] =>
  match.map((part) => (part === undefined ? '' : decodeURIComponent(part)));

const field = (body: unknown, name: string): unknown =>
  body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;

/**
 * The operation kind a state-changing request would be as a change request, when it changes what a protected
 * environment serves; undefined when it is applied directly. Covered:
 * - a flag's config in a protected environment (PUT, enable, disable);
 * - a new flag whose body configures a protected environment (to be proposed after creating it without that);
 * - in a project with a protected environment: a flag's variants or salt (PATCH), archive, restore, and segment
 *   create, update, delete (flag definitions and segments are shared by every environment);
 * - a release created in a protected environment, and its start, resume, approve and promote;
 * - unprotecting an environment (PATCH `protected: false`); protecting one only adds safety and stays direct;
 * - a config apply (not a dry run) with any covered part: `{covered}` lists them (change-request.apply-coverage.ts).
 * Pause and rollback only reduce exposure and are never covered; nor is anything the release engine does itself.
 * An unknown project, flag or release is not covered (the route answers 404).
 */
export function coveredOperation(
  state: DomainState,
  method: string,
  url: string,
  body: unknown,
): OperationKind | { covered: CoveredPart[] } | undefined {
  if (SAFE.has(method)) return undefined;
  const [path = '', query = ''] = url.split('?');
  if (method === 'POST' && APPLY.test(path)) {
    const params = new URLSearchParams(query);
    const dryRun = params.getAll('dryRun');
    if (dryRun.length > 0 && dryRun.every((v) => v === 'true')) return undefined;
    // Any spelling of prune the route might read as true: count the parts of both plans.
    const prunes = params.getAll('prune').every((v) => v === 'false') ? [false] : [false, true];
    const covered = new Map<string, CoveredPart>();
    for (const prune of prunes)
      for (const part of coveredApplyParts(state, body, prune)) covered.set(part.summary, part);
    return covered.size === 0 ? undefined : { covered: [...covered.values()] };
  }
  const at = (re: RegExp) => {
    const match = re.exec(path);
    return match === null ? undefined : decode(match);
  };
  const project = (key: string | undefined) => state.projects[key ?? ''];
  const environment = method === 'PATCH' ? at(ENVIRONMENT) : undefined;
  if (environment) {
    const unprotect = field(body, 'protected') === false && isProtected(project(environment[1]), environment[2]);
    return unprotect ? 'environment-unprotect' : undefined;
  }
  const env = at(FLAG_ENVIRONMENT);
  if (env) return isProtected(project(env[1]), env[3]) ? 'flag-environment' : undefined;
  const archive = at(FLAG_ARCHIVE);
  if (archive) return hasProtected(project(archive[1])) ? (`flag-${archive[3]}` as OperationKind) : undefined;
  const flag = method === 'PATCH' ? at(FLAG) : undefined;
  if (flag) {
    const definition = field(body, 'variants') !== undefined || field(body, 'salt') !== undefined;
    return definition && hasProtected(project(flag[1])) ? 'flag' : undefined;
  }
  const flags = method === 'POST' ? at(FLAGS) : undefined;
  if (flags) {
    const environments = field(body, 'environments');
    const configured = environments !== null && typeof environments === 'object' ? Object.keys(environments) : [];
    return configured.some((e) => isProtected(project(flags[1]), e)) ? 'flag-environment' : undefined;
  }
  const segment = at(SEGMENTS);
  if (segment) {
    if (!hasProtected(project(segment[1]))) return undefined;
    return method === 'DELETE' ? 'segment-delete' : 'segment-upsert';
  }
  const create = method === 'POST' ? at(RELEASES) : undefined;
  if (create) return isProtected(project(create[1]), field(body, 'environment')) ? 'release-create' : undefined;
  const action = at(RELEASE_ACTION);
  if (action) {
    const p = project(action[1]);
    const release = p?.releases?.[action[2] ?? ''];
    return release !== undefined && isProtected(p, release.definition.environment)
      ? (`release-${action[3]}` as OperationKind)
      : undefined;
  }
  return undefined;
}
