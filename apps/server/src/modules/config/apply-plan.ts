import { type Flag, validateFlag } from '@wavegate/core';
import { planAlerts } from './alerts-plan.js';
import { plainCondition, plainRule, plainServe, sameEnvironmentConfig, sameJson } from './canonical.js';
import type {
  Change,
  ConfigDocument,
  ConfigProblem,
  ConfigResult,
  DesiredFlag,
  DesiredState,
  FieldDiff,
  FlagEnvironmentConfig,
  FlagResource,
  Plan,
  PlannedEvent,
  PlanOptions,
  ProjectState,
} from './config.types.js';
import { formatPath } from './config-path.js';
import { parseCorePath } from './core-check.js';
import { defaultEnvironmentConfig, defaultOffVariant, normalizeLocated } from './document-normalize.js';
import { planNotifications } from './notifications-plan.js';
import { keepReleasePercentages, planReleases } from './releases-section.js';
import { toConfigProblem } from './schema-check.js';

/** The state of a project that does not exist yet. */
export const EMPTY_STATE: ProjectState = Object.freeze({ project: null, environments: [], flags: [], segments: [] });

function plainConfig(config: FlagEnvironmentConfig): FlagEnvironmentConfig {
  return {
    enabled: config.enabled,
    rules: config.rules.map(plainRule),
    serve: plainServe(config.serve),
    offVariant: config.offVariant,
  };
}

function currentConfig(flag: FlagResource, environment: string): FlagEnvironmentConfig {
  return flag.environments?.[environment] ?? defaultEnvironmentConfig(defaultOffVariant(flag.type, flag.variants));
}

function definitionPayload(project: string, flag: DesiredFlag): Record<string, unknown> {
  return {
    project,
    key: flag.key,
    description: flag.description,
    variants: flag.variants,
    salt: flag.salt,
    tags: flag.tags,
  };
}

class Planner {
  readonly events: PlannedEvent[] = [];
  readonly changes: Change[] = [];
  readonly problems: ConfigProblem[] = [];
  private readonly deletions: PlannedEvent[] = [];
  private readonly p: string;

  constructor(
    private readonly current: ProjectState,
    private readonly desired: DesiredState,
    private readonly prune: boolean,
    /** The segments the project has once the plan is applied. */
    private readonly segmentsAfter: ReadonlySet<string>,
  ) {
    this.p = desired.project.key;
  }

  private add(kind: string, subject: string, payload: Record<string, unknown>): void {
    this.events.push({ kind, subject, payload: { project: this.p, ...payload } });
  }

  planProject(): void {
    if (this.current.project !== null) return;
    const payload: Record<string, unknown> = {};
    if (this.desired.project.name !== undefined) payload['name'] = this.desired.project.name;
    this.add('project.created', `project:${this.p}`, payload);
    this.changes.push({ action: 'create', subject: `project:${this.p}`, summary: `create project ${this.p}` });
  }

  planEnvironments(): void {
    const existing = new Map(this.current.environments.map((e) => [e.key, e]));
    for (const environment of this.desired.environments) {
      const subject = `environment:${this.p}/${environment.key}`;
      const now = existing.get(environment.key);
      if (now === undefined) {
        const name = environment.name ?? environment.key;
        const isProtected = environment.protected ?? false;
        this.add('environment.created', subject, { environment: environment.key, name, protected: isProtected });
        this.changes.push({
          action: 'create',
          subject,
          summary: `create environment ${environment.key}${isProtected ? ' (protected)' : ''}`,
        });
        continue;
      }
      const before = { name: now.name ?? now.key, protected: now.protected ?? false };
      const after = { name: environment.name ?? before.name, protected: environment.protected ?? before.protected };
      const diff: FieldDiff[] = [];
      if (before.name !== after.name) diff.push({ path: 'name', before: before.name, after: after.name });
      if (before.protected !== after.protected)
        diff.push({ path: 'protected', before: before.protected, after: after.protected });
      if (diff.length === 0) continue;
      this.add('environment.updated', subject, { environment: environment.key, ...after });
      this.changes.push({ action: 'update', subject, summary: `update environment ${environment.key}`, diff });
    }
  }

  planSegments(): void {
    const existing = new Map(this.current.segments.map((s) => [s.key, s]));
    const named = new Set<string>();
    for (const segment of this.desired.segments) {
      named.add(segment.key);
      const subject = `segment:${this.p}/${segment.key}`;
      const payload = { key: segment.key, description: segment.description, conditions: segment.conditions };
      const now = existing.get(segment.key);
      if (now === undefined) {
        this.add('segment.created', subject, payload);
        this.changes.push({ action: 'create', subject, summary: `create segment ${segment.key}` });
        continue;
      }
      const diff: FieldDiff[] = [];
      if ((now.description ?? null) !== segment.description) {
        diff.push({ path: 'description', before: now.description ?? null, after: segment.description });
      }
      const before = now.conditions.map(plainCondition);
      const after = segment.conditions.map(plainCondition);
      if (!sameJson(before, after)) diff.push({ path: 'conditions', before, after });
      if (diff.length === 0) continue;
      this.add('segment.updated', subject, payload);
      this.changes.push({ action: 'update', subject, summary: `update segment ${segment.key}`, diff });
    }
    if (!this.prune) return;
    for (const segment of this.current.segments) {
      if (named.has(segment.key)) continue;
      const subject = `segment:${this.p}/${segment.key}`;
      this.deletions.push({ kind: 'segment.deleted', subject, payload: { project: this.p, key: segment.key } });
      this.changes.push({ action: 'delete', subject, summary: `delete segment ${segment.key} (not in the file)` });
    }
  }

  private createFlag(flag: DesiredFlag, subject: string): void {
    this.add('flag.created', subject, {
      key: flag.key,
      type: flag.type,
      description: flag.description,
      variants: flag.variants,
      salt: flag.salt,
      tags: flag.tags,
      environments: flag.environments,
    });
    const enabledIn = Object.keys(flag.environments).filter((e) => flag.environments[e]?.enabled);
    const where = enabledIn.length > 0 ? `, enabled in ${enabledIn.join(', ')}` : '';
    this.changes.push({ action: 'create', subject, summary: `create flag ${flag.key} (${flag.type}${where})` });
  }

  private updateFlag(flag: DesiredFlag, now: FlagResource, subject: string): void {
    if (now.type !== flag.type) {
      this.problems.push({
        path: formatPath(['flags', flag.key, 'type']),
        code: 'type_change',
        message: `flag "${flag.key}" is a ${now.type} flag on the server; a flag's type never changes (use a new key)`,
      });
      return;
    }
    const diff: FieldDiff[] = [];
    const before = {
      description: now.description ?? null,
      variants: now.variants,
      salt: now.salt ?? null,
      tags: now.tags ?? [],
    };
    for (const field of ['description', 'variants', 'salt', 'tags'] as const) {
      if (!sameJson(before[field], flag[field])) diff.push({ path: field, before: before[field], after: flag[field] });
    }
    if (!this.checkUnnamedEnvironments(flag, now)) return;
    const restore = now.archived === true;
    if (restore) this.add('flag.restored', subject, { key: flag.key });
    if (diff.length > 0) this.add('flag.updated', subject, definitionPayload(this.p, flag));
    for (const [environment, config] of Object.entries(flag.environments)) {
      const was = currentConfig(now, environment);
      if (sameEnvironmentConfig(was, config)) continue;
      const plainWas = plainConfig(was);
      const plainNow = plainConfig(config);
      for (const field of ['enabled', 'rules', 'serve', 'offVariant'] as const) {
        if (!sameJson(plainWas[field], plainNow[field])) {
          diff.push({ path: `environments.${environment}.${field}`, before: plainWas[field], after: plainNow[field] });
        }
      }
      this.add('flag.environment.updated', subject, { key: flag.key, environment, config });
    }
    if (restore) {
      this.changes.push({ action: 'restore', subject, summary: `restore flag ${flag.key} (was archived)`, diff });
    } else if (diff.length > 0) {
      const fields = diff.map((d) => d.path).join(', ');
      this.changes.push({ action: 'update', subject, summary: `update flag ${flag.key}: ${fields}`, diff });
    }
  }

  /**
   * The environments the server has and the document does not name keep the flag's config they have (archived
   * flags' too: naming the flag restores it). That config must still be valid with the document's variants and
   * salt, and with the segments left after the plan; else the server would hold (and export) a flag that no
   * document can apply. An environment without a stored config follows the variants (default config): no check.
   */
  private checkUnnamedEnvironments(flag: DesiredFlag, now: FlagResource): boolean {
    const before = this.problems.length;
    for (const { key: environment } of this.current.environments) {
      if (Object.hasOwn(flag.environments, environment)) continue;
      const config = now.environments?.[environment];
      if (config === undefined) continue;
      const evaluationForm: Flag = { key: flag.key, type: flag.type, variants: flag.variants, ...config };
      if (flag.salt !== null) evaluationForm.salt = flag.salt;
      const result = validateFlag(evaluationForm, { segments: this.segmentsAfter });
      if (result.ok) continue;
      for (const problem of result.problems) {
        this.problems.push({
          path: formatPath(['flags', flag.key, 'environments', environment, ...parseCorePath(problem.path)]),
          code: problem.code,
          message:
            `${problem.message}: environment "${environment}" is not in the file, so it keeps this flag's config ` +
            'from the server; name the environment in the file (with a config for this flag) to change it',
        });
      }
    }
    return this.problems.length === before;
  }

  planFlags(): void {
    const existing = new Map(this.current.flags.map((f) => [f.key, f]));
    const named = new Set<string>();
    for (const flag of this.desired.flags) {
      named.add(flag.key);
      const subject = `flag:${this.p}/${flag.key}`;
      const now = existing.get(flag.key);
      if (now === undefined) this.createFlag(flag, subject);
      else this.updateFlag(flag, now, subject);
    }
    if (!this.prune) return;
    for (const flag of this.current.flags) {
      if (named.has(flag.key) || flag.archived === true) continue;
      const subject = `flag:${this.p}/${flag.key}`;
      this.add('flag.archived', subject, { key: flag.key });
      this.changes.push({ action: 'archive', subject, summary: `archive flag ${flag.key} (not in the file)` });
    }
  }

  finish(): void {
    // Segments go last: by then no flag of the plan refers to them any more.
    this.events.push(...this.deletions);
  }
}

/**
 * Plans an apply: the events (contract kinds and payloads, in an order that applies: project, environments,
 * segments, flags, then segment deletions) that make `current` match `document`, and the changes for people.
 *
 * Idempotent: planning a document against the state its own events produced gives no events. Without
 * `prune` nothing is archived or deleted; with it, flags the document does not name are archived and
 * segments it does not name are deleted. Problems (a segment that exists nowhere, a flag's type changing, a
 * flag's config in an environment the document does not name that its new variants or the pruned segments
 * would make invalid) fail the whole plan.
 */
export function planApply(
  current: ProjectState | null | undefined,
  document: ConfigDocument,
  options: PlanOptions = {},
): ConfigResult<Plan> {
  const normalized = normalizeLocated(document);
  if (!normalized.ok) return { ok: false, problems: normalized.problems.map(toConfigProblem) };
  const { references } = normalized.value;
  const now = current ?? EMPTY_STATE;
  // A rule driven by a started release keeps the percentage the release gave it (releases-section.ts).
  const state = keepReleasePercentages(now, normalized.value.state, document);
  const prune = options.prune === true;
  // The segments after the plan: the document's, and (without prune, nothing is deleted) the server's.
  const known = new Set(state.segments.map((s) => s.key));
  if (!prune) for (const segment of now.segments) known.add(segment.key);
  const problems: ConfigProblem[] = [];
  for (const reference of references) {
    if (known.has(reference.segment)) continue;
    problems.push({
      path: formatPath(reference.segments),
      code: 'unknown_segment',
      message: `unknown segment "${reference.segment}"${prune ? ' (with --prune, only segments in the file count)' : ''}`,
    });
  }
  const planner = new Planner(now, state, prune, known);
  planner.planProject();
  planner.planEnvironments();
  planner.planSegments();
  planner.planFlags();
  planner.finish();
  const releases = planReleases(now, state, document, options.now ?? 0);
  const alerts = planAlerts(now, state, document, prune);
  const notifications = planNotifications(now, document, prune);
  problems.push(...planner.problems, ...releases.problems, ...alerts.problems);
  if (problems.length > 0) return { ok: false, problems };
  const events = [...planner.events, ...releases.events, ...alerts.events, ...notifications.events];
  const changes = [...planner.changes, ...releases.changes, ...alerts.changes, ...notifications.changes];
  return { ok: true, value: { events, changes } };
}
