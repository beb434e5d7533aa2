import type { AlertRule } from './alerts.types.js';
import { renderAlertRule, validateAlertRule } from './alerts-section.js';
import { sameJson } from './canonical.js';
import type {
  Change,
  ConfigDocument,
  ConfigProblem,
  DesiredState,
  PlannedEvent,
  ProjectState,
} from './config.types.js';
import type { LocatedProblem } from './schema-check.js';

/** Every rule of the document's `alerts:` section checked in depth, problems under `alerts.<key>`. */
export function checkAlertsLocated(document: ConfigDocument, problems: LocatedProblem[]): void {
  for (const [key, body] of Object.entries(document.alerts ?? {})) {
    const result = validateAlertRule(body ?? {}, '', key);
    if (result.ok) continue;
    for (const problem of result.problems) {
      const segments = problem.path === '' ? [] : problem.path.split('.');
      problems.push({
        segments: ['alerts', key, ...segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s))],
        code: problem.code,
        message: problem.message,
      });
    }
  }
}

/** The document's rules (already checked by `checkAlertsLocated`). */
function documentRules(document: ConfigDocument): AlertRule[] {
  return Object.entries(document.alerts ?? {}).flatMap(([key, body]) => {
    const result = validateAlertRule(body ?? {}, '', key);
    return result.ok ? [result.value] : [];
  });
}

/** What a rule refers to must exist once the plan is applied: flags and environments of the desired state. */
function referenceProblems(current: ProjectState, desired: DesiredState, rule: AlertRule): ConfigProblem[] {
  const flags = new Map<string, Record<string, unknown>>();
  for (const f of current.flags) flags.set(f.key, f.variants);
  for (const f of desired.flags) flags.set(f.key, f.variants);
  const environments = new Set([...current.environments.map((e) => e.key), ...desired.environments.map((e) => e.key)]);
  const releases = new Set((current.releases ?? []).map((r) => r.definition.id));
  const out: ConfigProblem[] = [];
  const at = (path: string) => `alerts.${rule.key}.${path}`;
  const flagRefs: [string, string | null][] = [['flag', rule.flag]];
  const envRefs: [string, string | null][] = [['environment', rule.environment]];
  rule.actions.forEach((a, i) => {
    if (a.type === 'disable_flag') {
      flagRefs.push([`actions.${i}.flag`, a.flag ?? null]);
      envRefs.push([`actions.${i}.environment`, a.environment ?? null]);
    } else if (a.release !== undefined && !releases.has(a.release)) {
      out.push({ path: at(`actions.${i}.release`), code: 'unknown_release', message: `no release "${a.release}"` });
    }
  });
  for (const [path, flag] of flagRefs) {
    if (flag !== null && !flags.has(flag))
      out.push({ path: at(path), code: 'unknown_flag', message: `no flag "${flag}"` });
  }
  for (const [path, env] of envRefs) {
    if (env !== null && !environments.has(env)) {
      out.push({ path: at(path), code: 'unknown_environment', message: `no environment "${env}"` });
    }
  }
  const variant = 'promql' in rule.query ? undefined : rule.query.variant;
  if (variant !== undefined && rule.flag !== null && flags.get(rule.flag)?.[variant] === undefined) {
    out.push({ path: at('query.variant'), code: 'unknown_variant', message: `no variant "${variant}"` });
  }
  return out;
}

/**
 * The alert rule events of an apply: rules the document names are created or replaced (whole); with `prune`,
 * rules it does not name are deleted. A document without `alerts:` leaves the rules alone (unless pruning).
 */
export function planAlerts(
  current: ProjectState,
  desired: DesiredState,
  document: ConfigDocument,
  prune: boolean,
): { events: PlannedEvent[]; changes: Change[]; problems: ConfigProblem[] } {
  const out = { events: [] as PlannedEvent[], changes: [] as Change[], problems: [] as ConfigProblem[] };
  const p = desired.project.key;
  const existing = new Map((current.alerts ?? []).map((r) => [r.key, r]));
  const named = new Set<string>();
  for (const rule of documentRules(document)) {
    named.add(rule.key);
    const problems = referenceProblems(current, desired, rule);
    if (problems.length > 0) {
      out.problems.push(...problems);
      continue;
    }
    const subject = `alert:${p}/${rule.key}`;
    const before = existing.get(rule.key);
    if (before !== undefined && sameJson(before, rule)) continue;
    const kind = before === undefined ? 'alert.rule.created' : 'alert.rule.updated';
    out.events.push({ kind, subject, payload: { project: p, key: rule.key, rule } });
    const fields =
      before === undefined ? [] : Object.keys(rule).filter((k) => !sameJson((before as never)[k], (rule as never)[k]));
    out.changes.push({
      action: before === undefined ? 'create' : 'update',
      subject,
      summary: `${before === undefined ? 'create' : 'update'} alert rule ${rule.key} (${rule.severity})`,
      ...(before === undefined
        ? {}
        : { diff: fields.map((k) => ({ path: k, before: (before as never)[k], after: (rule as never)[k] })) }),
    });
  }
  if (prune) {
    for (const key of existing.keys()) {
      if (named.has(key)) continue;
      const subject = `alert:${p}/${key}`;
      out.events.push({ kind: 'alert.rule.deleted', subject, payload: { project: p, key } });
      out.changes.push({ action: 'delete', subject, summary: `delete alert rule ${key}` });
    }
  }
  return out;
}

/** The `alerts:` section of an export (undefined when the project has no rules). */
export function exportAlerts(rules: readonly AlertRule[]): Record<string, Record<string, unknown>> | undefined {
  if (rules.length === 0) return undefined;
  const sorted = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return Object.fromEntries(sorted.map((r) => [r.key, renderAlertRule(r)]));
}
