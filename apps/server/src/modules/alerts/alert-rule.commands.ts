import { AppError, type Problem } from '../../platform/errors.js';
import { checkVersion } from '../../platform/http-concurrency.js';
import { type AlertRule, isPromql, validateAlertRule } from '../config/index.js';
import type { JsonObject } from '../events/index.js';
import type { DomainState, PlannedEvent, ProjectState } from '../projection/index.js';
import { requireProject } from '../projects/index.js';
import { AlertEventKind, type AlertRuleRecord, alertSubject } from './alert.reducer.js';

/** What a rule refers to and the server must have: its flag, environment, variant and named releases. */
export function ruleReferenceProblems(
  known: { flags: Record<string, { variants: Record<string, unknown> }>; environments: Record<string, unknown> },
  releases: Record<string, unknown>,
  rule: AlertRule,
  base = '',
): Problem[] {
  const at = (path: string) => [base, path].filter((s) => s !== '').join('.');
  const problems: Problem[] = [];
  const flag = rule.flag === null ? undefined : known.flags[rule.flag];
  if (rule.flag !== null && flag === undefined) {
    problems.push({ path: at('flag'), code: 'unknown_flag', message: `no flag "${rule.flag}"` });
  }
  if (rule.environment !== null && known.environments[rule.environment] === undefined) {
    problems.push({
      path: at('environment'),
      code: 'unknown_environment',
      message: `no environment "${rule.environment}"`,
    });
  }
  if (!isPromql(rule.query) && rule.query.variant !== undefined && flag !== undefined) {
    if (flag.variants[rule.query.variant] === undefined) {
      problems.push({
        path: at('query.variant'),
        code: 'unknown_variant',
        message: `no variant "${rule.query.variant}"`,
      });
    }
  }
  rule.actions.forEach((action, i) => {
    if (action.type === 'disable_flag') {
      const f = action.flag ?? rule.flag;
      const env = action.environment ?? rule.environment;
      if (f !== null && known.flags[f] === undefined) {
        problems.push({ path: at(`actions.${i}.flag`), code: 'unknown_flag', message: `no flag "${f}"` });
      }
      if (env !== null && known.environments[env] === undefined) {
        problems.push({
          path: at(`actions.${i}.environment`),
          code: 'unknown_environment',
          message: `no environment "${env}"`,
        });
      }
    } else if (action.release !== undefined && releases[action.release] === undefined) {
      problems.push({
        path: at(`actions.${i}.release`),
        code: 'unknown_release',
        message: `no release "${action.release}"`,
      });
    }
  });
  return problems;
}

/** Validates a rule body against the schema and the project; throws 400 with every problem. */
export function checkRule(project: ProjectState, input: unknown, key?: string): AlertRule {
  const checked = validateAlertRule(input, '', key);
  if (!checked.ok) {
    throw AppError.validation(`invalid alert rule: ${checked.problems.length} problem(s)`, checked.problems);
  }
  const problems = ruleReferenceProblems(project, project.releases ?? {}, checked.value);
  if (problems.length > 0) throw AppError.validation(`invalid alert rule: ${problems.length} problem(s)`, problems);
  return checked.value;
}

export function requireRule(project: ProjectState, key: string): AlertRuleRecord {
  const record = project.alerting?.rules[key];
  if (record === undefined) throw AppError.notFound(`alert rule "${key}"`);
  return record;
}

const ruleEvent = (kind: string, p: string, rule: AlertRule): PlannedEvent => ({
  kind,
  subject: alertSubject(p, rule.key),
  payload: { project: p, key: rule.key, rule: rule as unknown as JsonObject },
});

export function createAlertRule(state: DomainState, p: string, input: unknown): PlannedEvent[] {
  const project = requireProject(state, p);
  const rule = checkRule(project, input);
  if (project.alerting?.rules[rule.key] !== undefined)
    throw AppError.conflict(`alert rule "${rule.key}" already exists`);
  return [ruleEvent(AlertEventKind.ruleCreated, p, rule)];
}

/** Replaces a rule (the whole body); nothing is appended when it is unchanged. */
export function updateAlertRule(
  state: DomainState,
  p: string,
  key: string,
  input: unknown,
  expected: number | undefined,
): PlannedEvent[] {
  const project = requireProject(state, p);
  const record = requireRule(project, key);
  checkVersion(`alert rule "${key}"`, record.version, expected);
  const rule = checkRule(project, input, key);
  if (JSON.stringify(rule) === JSON.stringify(record.rule)) return [];
  return [ruleEvent(AlertEventKind.ruleUpdated, p, rule)];
}

/** Deletes a rule; its active alerts are resolved by the next evaluation. */
export function deleteAlertRule(
  state: DomainState,
  p: string,
  key: string,
  expected: number | undefined,
): PlannedEvent[] {
  const project = requireProject(state, p);
  const record = requireRule(project, key);
  checkVersion(`alert rule "${key}"`, record.version, expected);
  return [{ kind: AlertEventKind.ruleDeleted, subject: alertSubject(p, key), payload: { project: p, key } }];
}
