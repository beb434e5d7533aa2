/** One changed leaf between two JSON values: its path (`rules[0].serve.rollout`), before and after. */
export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The leaves that differ between `before` and `after` (arrays compared by index), in path order. */
export function diffJson(before: unknown, after: unknown, path = ''): Change[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: Change[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      changes.push(...diffJson(before[i], after[i], `${path}[${i}]`));
    }
    return changes;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], path === '' ? k : `${path}.${k}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || '(value)', before, after }];
}

export interface HistoryEvent {
  seq: number;
  time: string;
  actor: string;
  kind: string;
  payload: Record<string, unknown>;
}

export interface HistoryEntry {
  event: HistoryEvent;
  /** What changed, against the previous state of the same part (definition, or one environment's config). */
  changes: Change[];
}

/**
 * A flag's history with diffs, from its events in seq order: `flag.created` sets the baseline, each
 * `flag.updated` is diffed against the previous definition and each `flag.environment.updated` against the
 * previous config of that environment. Newest first.
 */
export function flagHistory(events: readonly HistoryEvent[]): HistoryEntry[] {
  let definition: Record<string, unknown> = {};
  const configs: Record<string, unknown> = {};
  const entries: HistoryEntry[] = [];
  for (const event of events) {
    const p = event.payload;
    let changes: Change[] = [];
    if (event.kind === 'flag.created') {
      const {
        environments,
        project: _p,
        ...def
      } = p as { environments?: Record<string, unknown> } & Record<string, unknown>;
      definition = def;
      Object.assign(configs, environments ?? {});
      changes = diffJson({}, def);
    } else if (event.kind === 'flag.updated') {
      const { project: _p, ...def } = p;
      changes = diffJson(definition, { ...definition, ...def });
      definition = { ...definition, ...def };
    } else if (event.kind === 'flag.environment.updated') {
      const env = String(p['environment']);
      changes = diffJson(configs[env] ?? {}, p['config']).map((c) => ({ ...c, path: `${env}.${c.path}` }));
      configs[env] = p['config'];
    }
    entries.push({ event, changes });
  }
  return entries.reverse();
}
