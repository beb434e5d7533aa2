import type { ReleaseDefinition, Rule, Serve } from '@wavegate/core';
import { sameJson } from './canonical.js';
import type {
  Change,
  ConfigDocument,
  ConfigProblem,
  DesiredState,
  FlagEnvironmentConfig,
  PlannedEvent,
  ProjectState,
} from './config.types.js';
import { formatPath } from './config-path.js';
import { defaultEnvironmentConfig, defaultOffVariant } from './document-normalize.js';
import type { DocumentRelease, ReleaseResource } from './releases.types.js';

/** Statuses in which a release drives its rule (one such release per rule). */
const UNFINISHED = new Set(['pending', 'running', 'awaiting_approval', 'paused']);

/** The release definitions a document names, with their `start` flag. */
export function documentReleases(document: ConfigDocument): { definition: ReleaseDefinition; start: boolean }[] {
  return Object.entries(document.releases ?? {}).map(([id, written]) => {
    const { start, ...rest } = (written ?? {}) as DocumentRelease;
    return { definition: { id, ...rest } as ReleaseDefinition, start: start === true };
  });
}

/** Index of the rule a release drives, or -1. */
export function releaseRuleIndex(rules: readonly Rule[], ref: ReleaseDefinition['rule']): number {
  if ('id' in ref) return rules.findIndex((r) => r.id === ref.id);
  return ref.index < rules.length ? ref.index : -1;
}

const withRollout = (serve: Serve, rollout: number, variant: string | undefined): Serve =>
  ({ ...serve, rollout, ...(variant === undefined ? {} : { variant }) }) as Serve;

/**
 * A rule driven by a release that has started owns its percentage: apply keeps the server's `rollout` and
 * `variant` for it (the release moves them), when the release is unfinished or named in the document. Returns
 * the desired state with those serves replaced (the input is not changed).
 */
export function keepReleasePercentages(
  current: ProjectState,
  desired: DesiredState,
  document: ConfigDocument,
): DesiredState {
  const named = new Set(Object.keys(document.releases ?? {}));
  const owners = (current.releases ?? []).filter(
    (r) => r.status !== 'pending' && (UNFINISHED.has(r.status) || named.has(r.definition.id)),
  );
  if (owners.length === 0) return desired;
  const flags = desired.flags.map((flag) => {
    let environments = flag.environments;
    for (const { definition: def } of owners) {
      if (def.flag !== flag.key) continue;
      const config = environments[def.environment];
      const serverRules = current.flags.find((f) => f.key === flag.key)?.environments?.[def.environment]?.rules;
      if (config === undefined || serverRules === undefined) continue;
      const serverIndex = releaseRuleIndex(serverRules, def.rule);
      if (serverIndex < 0) continue;
      // A rule the file writes without an id is matched by position (the server assigned its id).
      let index = releaseRuleIndex(config.rules, def.rule);
      if (index < 0 && 'id' in def.rule && config.rules[serverIndex]?.id === undefined) index = serverIndex;
      const wanted = config.rules[index]?.serve;
      const server = serverRules[serverIndex]!.serve;
      if (wanted === undefined || !('rollout' in wanted) || !('rollout' in server)) continue;
      const rules = config.rules.map((r, i) =>
        i === index ? { ...r, serve: withRollout(wanted, server.rollout, server.variant) } : r,
      );
      environments = { ...environments, [def.environment]: { ...config, rules } };
    }
    return environments === flag.environments ? flag : { ...flag, environments };
  });
  return { ...desired, flags };
}

interface FinalFlag {
  variants: Record<string, unknown>;
  archived: boolean;
  config: FlagEnvironmentConfig;
}

/** The flag's config in an environment once the plan is applied (the document's, else the server's). */
function finalFlag(current: ProjectState, desired: DesiredState, key: string, env: string): FinalFlag | undefined {
  const wanted = desired.flags.find((f) => f.key === key);
  const server = current.flags.find((f) => f.key === key);
  if (wanted !== undefined) {
    const config =
      wanted.environments[env] ??
      server?.environments?.[env] ??
      defaultEnvironmentConfig(defaultOffVariant(wanted.type, wanted.variants));
    return { variants: wanted.variants, archived: false, config };
  }
  if (server === undefined) return undefined;
  const config =
    server.environments?.[env] ?? defaultEnvironmentConfig(defaultOffVariant(server.type, server.variants));
  return { variants: server.variants, archived: server.archived === true, config };
}

export interface ReleasePlan {
  events: PlannedEvent[];
  changes: Change[];
  problems: ConfigProblem[];
}

function describe(def: ReleaseDefinition): string {
  return `${def.flag} in ${def.environment}, waves ${def.waves.map((w) => `${w.percentage}%`).join(' → ')}`;
}

/** Checks of a new release against the project as the plan leaves it: flag, environment, rule, variant. */
function serverProblems(current: ProjectState, desired: DesiredState, def: ReleaseDefinition): ConfigProblem[] {
  const at = (field: string) => formatPath(['releases', def.id, field]);
  const problems: ConfigProblem[] = [];
  const environments = new Set([...desired.environments, ...current.environments].map((e) => e.key));
  if (!environments.has(def.environment)) {
    problems.push({
      path: at('environment'),
      code: 'unknown_environment',
      message: `no environment "${def.environment}"`,
    });
  }
  const flag = finalFlag(current, desired, def.flag, def.environment);
  if (flag === undefined) problems.push({ path: at('flag'), code: 'unknown_flag', message: `no flag "${def.flag}"` });
  if (flag === undefined || problems.length > 0) return problems;
  if (flag.archived) problems.push({ path: at('flag'), code: 'archived', message: `flag "${def.flag}" is archived` });
  const index = releaseRuleIndex(flag.config.rules, def.rule);
  if (index < 0) {
    problems.push({ path: at('rule'), code: 'unknown_rule', message: `no such rule in "${def.environment}"` });
  } else if (!('rollout' in flag.config.rules[index]!.serve)) {
    problems.push({ path: at('rule'), code: 'not_a_rollout', message: 'the rule does not serve a rollout' });
  }
  if (!Object.hasOwn(flag.variants, def.variant)) {
    problems.push({
      path: at('variant'),
      code: 'unknown_variant',
      message: `flag "${def.flag}" has no variant "${def.variant}"`,
    });
  }
  return problems;
}

const sameRule = (a: ReleaseDefinition, b: ReleaseDefinition) =>
  a.flag === b.flag && a.environment === b.environment && sameJson(a.rule, b.rule);

/**
 * The events that create (and, with `start: true`, start) the document's releases, after the flags' events.
 * A release that exists is never changed: a different definition is a problem (`release_changed`); one that is
 * still pending is started when the document says `start: true`. Releases the document does not name are left
 * alone (apply never deletes a release).
 */
export function planReleases(
  current: ProjectState,
  desired: DesiredState,
  document: ConfigDocument,
  now: number,
): ReleasePlan {
  const out: ReleasePlan = { events: [], changes: [], problems: [] };
  const p = desired.project.key;
  const existing = new Map((current.releases ?? []).map((r) => [r.definition.id, r]));
  const taken = (current.releases ?? []).filter((r) => UNFINISHED.has(r.status)).map((r) => r.definition);
  for (const { definition: def, start } of documentReleases(document)) {
    const subject = `release:${p}/${def.id}`;
    const server = existing.get(def.id);
    if (server !== undefined) {
      if (!sameJson(server.definition, def)) {
        const fields = Object.keys({ ...server.definition, ...def }).filter(
          (k) => !sameJson((server.definition as never)[k], (def as never)[k]),
        );
        out.problems.push({
          path: formatPath(['releases', def.id]),
          code: 'release_changed',
          message:
            `release "${def.id}" exists with a different ${fields.join(', ')}; a release never changes once ` +
            'created: give the new plan a new id (roll back or finish the old release first)',
        });
      } else if (start && server.status === 'pending') {
        planStart(out, current, desired, def, now, 'update');
      }
      continue;
    }
    const problems = serverProblems(current, desired, def);
    const clash = taken.find((t) => sameRule(t, def));
    if (clash !== undefined) {
      problems.push({
        path: formatPath(['releases', def.id, 'rule']),
        code: 'rule_taken',
        message: `release "${clash.id}" already drives this rule (one unfinished release per rule)`,
      });
    }
    if (problems.length > 0) {
      out.problems.push(...problems);
      continue;
    }
    taken.push(def);
    out.events.push({ kind: 'release.created', subject, payload: { project: p, id: def.id, at: now, release: def } });
    out.changes.push({ action: 'create', subject, summary: `create release ${def.id} (${describe(def)})` });
    if (start) planStart(out, current, desired, def, now, 'create');
  }
  return out;
}

function planStart(
  out: ReleasePlan,
  current: ProjectState,
  desired: DesiredState,
  def: ReleaseDefinition,
  now: number,
  action: 'create' | 'update',
): void {
  const p = desired.project.key;
  const percentage = def.waves[0]!.percentage;
  out.events.push({
    kind: 'release.started',
    subject: `release:${p}/${def.id}`,
    payload: { project: p, id: def.id, at: now, percentage },
  });
  const flag = finalFlag(current, desired, def.flag, def.environment);
  const index = flag === undefined ? -1 : releaseRuleIndex(flag.config.rules, def.rule);
  if (flag !== undefined && index >= 0) {
    const rule = flag.config.rules[index]!;
    const serve = withRollout(rule.serve, percentage, def.variant);
    if (!sameJson(serve, rule.serve)) {
      const rules = flag.config.rules.map((r, i) => (i === index ? { ...r, serve } : r));
      out.events.push({
        kind: 'flag.environment.updated',
        subject: `flag:${p}/${def.flag}`,
        payload: { project: p, key: def.flag, environment: def.environment, config: { ...flag.config, rules } },
      });
    }
  }
  const summary = `start release ${def.id}: ${def.flag} in ${def.environment} at ${percentage}%`;
  if (action === 'update') out.changes.push({ action, subject: `release:${p}/${def.id}`, summary });
  else out.changes[out.changes.length - 1]!.summary += `, started at ${percentage}%`;
}

const ORDER = {
  release: [
    'flag',
    'environment',
    'rule',
    'variant',
    'waves',
    'gates',
    'onNoData',
    'onSampleRatioMismatch',
    'alpha',
    'nStar',
  ],
  wave: ['percentage', 'minBakeSeconds', 'minSamples', 'approval'],
  gate: ['type', 'name', 'metric', 'direction', 'tolerance', 'max', 'severity'],
  metric: ['kind', 'thresholdMs', 'metric'],
} as const;

function ordered(value: object, order: readonly string[]): Record<string, unknown> {
  const v = value as Record<string, unknown>;
  const keys = [...order.filter((k) => Object.hasOwn(v, k)), ...Object.keys(v).filter((k) => !order.includes(k))];
  return Object.fromEntries(keys.filter((k) => v[k] !== undefined).map((k) => [k, v[k]]));
}

/** The `releases:` section of an export: every release by id, `start: true` once it has started. */
export function exportReleases(releases: readonly ReleaseResource[]): Record<string, DocumentRelease> | undefined {
  if (releases.length === 0) return undefined;
  const out: Record<string, DocumentRelease> = {};
  for (const release of [...releases].sort((a, b) => (a.definition.id < b.definition.id ? -1 : 1))) {
    const { id: _id, ...def } = release.definition;
    const written = ordered(def, ORDER.release);
    written['waves'] = def.waves.map((w) => ordered(w, ORDER.wave));
    written['gates'] = def.gates.map((g) => {
      const gate = ordered(g, ORDER.gate);
      if ('metric' in g) gate['metric'] = ordered(g.metric, ORDER.metric);
      return gate;
    });
    if (release.status !== 'pending') written['start'] = true;
    out[release.definition.id] = written as DocumentRelease;
  }
  return out;
}
