import type { Problem } from '../../platform/errors.js';
import { ACTION_TYPES, type AlertAction, type AlertActionType } from '../config/index.js';
import type { DomainState } from '../projection/index.js';
import { fingerprintOf } from './alert-labels.js';

/** Labels that map an Alertmanager alert to Wavegate actions. */
export const HookLabel = {
  action: 'wavegate_action',
  project: 'wavegate_project',
  flag: 'wavegate_flag',
  environment: 'wavegate_environment',
  release: 'wavegate_release',
} as const;

/** One firing alert of the payload that asks for actions. */
export interface HookRequest {
  alertname: string;
  project: string;
  flag: string | null;
  environment: string | null;
  actions: AlertAction[];
  fingerprint: string;
  activeAt: number | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(value: unknown, path: string, problems: Problem[]): Record<string, string> {
  if (value === undefined) return {};
  if (!isObj(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    problems.push({ path, code: 'invalid_type', message: `${path} is a map of label name to text` });
    return {};
  }
  return value as Record<string, string>;
}

function targetProblems(state: DomainState, r: HookRequest, release: string | null, path: string): Problem[] {
  const problems: Problem[] = [];
  const project = state.projects[r.project];
  if (project === undefined) return [{ path, code: 'unknown_project', message: `no project "${r.project}"` }];
  if (r.flag !== null && project.flags[r.flag] === undefined) {
    problems.push({ path, code: 'unknown_flag', message: `no flag "${r.flag}" in "${r.project}"` });
  }
  if (r.environment !== null && project.environments[r.environment] === undefined) {
    problems.push({
      path,
      code: 'unknown_environment',
      message: `no environment "${r.environment}" in "${r.project}"`,
    });
  }
  if (release !== null && project.releases?.[release] === undefined) {
    problems.push({ path, code: 'unknown_release', message: `no release "${release}" in "${r.project}"` });
  }
  for (const action of r.actions) {
    const needsScope = action.type === 'disable_flag' || !('release' in action && action.release !== undefined);
    if (needsScope && (r.flag === null || r.environment === null)) {
      problems.push({
        path,
        code: 'missing_target',
        message: `${action.type} needs ${HookLabel.flag} and ${HookLabel.environment}${action.type === 'disable_flag' ? '' : ` (or ${HookLabel.release})`}`,
      });
    }
  }
  return problems;
}

function parseAlert(
  state: DomainState,
  a: unknown,
  i: number,
  common: Record<string, string>,
  defaultProject: string | undefined,
  problems: Problem[],
): HookRequest | null {
  const path = `alerts.${i}`;
  if (!isObj(a)) {
    problems.push({ path, code: 'invalid_type', message: 'an alert is {status, labels, annotations, startsAt, …}' });
    return null;
  }
  if (a['status'] !== 'firing' && a['status'] !== 'resolved') {
    problems.push({ path: `${path}.status`, code: 'invalid_value', message: 'status is firing or resolved' });
  }
  const labels = { ...common, ...strings(a['labels'], `${path}.labels`, problems) };
  strings(a['annotations'], `${path}.annotations`, problems);
  const startsAt = a['startsAt'] === undefined ? Number.NaN : Date.parse(String(a['startsAt']));
  if (a['startsAt'] !== undefined && Number.isNaN(startsAt)) {
    problems.push({ path: `${path}.startsAt`, code: 'invalid_value', message: 'startsAt is an RFC 3339 time' });
  }
  const wanted = labels[HookLabel.action];
  if (wanted === undefined || a['status'] !== 'firing') return null;
  const types = wanted.split(',').map((t) => t.trim());
  const bad = types.filter((t) => !(ACTION_TYPES as readonly string[]).includes(t));
  if (bad.length > 0) {
    problems.push({
      path: `${path}.labels.${HookLabel.action}`,
      code: 'invalid_value',
      message: `unknown action ${bad.join(', ')}: one of ${ACTION_TYPES.join(', ')}`,
    });
    return null;
  }
  const project = labels[HookLabel.project] ?? defaultProject;
  if (project === undefined) {
    problems.push({
      path: `${path}.labels.${HookLabel.project}`,
      code: 'required',
      message: `${HookLabel.project} label (or ?project=) is required`,
    });
    return null;
  }
  const release = labels[HookLabel.release] ?? null;
  const actions = (types as AlertActionType[]).map(
    (type): AlertAction => (type === 'disable_flag' ? { type } : release === null ? { type } : { type, release }),
  );
  const alertname = labels['alertname'] ?? 'unnamed';
  const request: HookRequest = {
    alertname,
    project,
    flag: labels[HookLabel.flag] ?? null,
    environment: labels[HookLabel.environment] ?? null,
    actions,
    fingerprint:
      typeof a['fingerprint'] === 'string' && a['fingerprint'] !== '' ? a['fingerprint'] : fingerprintOf(labels),
    activeAt: Number.isNaN(startsAt) ? null : startsAt,
  };
  problems.push(...targetProblems(state, request, release, `${path}.labels`));
  return request;
}

/**
 * Parses an Alertmanager webhook payload (version 4) and maps its firing alerts to actions by their labels
 * (`wavegate_action`, `wavegate_project`, `wavegate_flag`, `wavegate_environment`, `wavegate_release`; the
 * group's common labels apply to every alert). Resolved alerts and alerts without `wavegate_action` ask for
 * nothing. Every problem (shape, unknown action, unknown project / flag / environment / release) is listed.
 */
export function parseAlertmanagerPayload(
  state: DomainState,
  body: unknown,
  defaultProject?: string,
): { ok: true; requests: HookRequest[]; received: number } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!isObj(body)) return { ok: false, problems: [{ path: '', code: 'invalid_type', message: 'a JSON object' }] };
  if (body['version'] !== '4') {
    problems.push({
      path: 'version',
      code: 'unsupported_version',
      message: 'version "4" (Alertmanager webhook) expected',
    });
  }
  if (!Array.isArray(body['alerts'])) {
    problems.push({ path: 'alerts', code: 'required', message: 'alerts is a list' });
    return { ok: false, problems };
  }
  const common = strings(body['commonLabels'], 'commonLabels', problems);
  const requests: HookRequest[] = [];
  body['alerts'].forEach((a, i) => {
    const r = parseAlert(state, a, i, common, defaultProject, problems);
    if (r !== null) requests.push(r);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, requests, received: body['alerts'].length };
}
