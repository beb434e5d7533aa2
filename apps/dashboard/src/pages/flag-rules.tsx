import { type Flag, validateFlag } from '@wavegate/core';
import { useEffect, useId, useMemo, useState } from 'react';
import { api, enc } from '../api.js';
import { ErrorBox } from '../components/states.js';
import type { Environment } from '../project.js';
import type { FlagEnvironmentConfig, FlagResource } from './flags.js';

export interface ConfigDraft {
  rules: string;
  serve: string;
}

export const RULE_TEMPLATE = {
  conditions: [{ attribute: 'country', op: 'in', values: ['US'] }],
  serve: { rollout: 10, stickiness: 'userId' },
};

/**
 * Parses the editor's text and checks it with `@wavegate/core`'s `validateFlag` — the same messages and paths
 * the server answers with — so a person sees every problem before saving.
 */
export function checkDraft(
  flag: FlagResource,
  config: FlagEnvironmentConfig,
  draft: ConfigDraft,
  segments: string[],
): { problems: { path: string; message: string }[]; value?: Flag } {
  let rules: unknown;
  let serve: unknown;
  try {
    rules = JSON.parse(draft.rules);
  } catch (e) {
    return { problems: [{ path: 'rules', message: `not JSON: ${(e as Error).message}` }] };
  }
  try {
    serve = JSON.parse(draft.serve);
  } catch (e) {
    return { problems: [{ path: 'serve', message: `not JSON: ${(e as Error).message}` }] };
  }
  const candidate = {
    key: flag.key,
    type: flag.type,
    variants: flag.variants,
    enabled: config.enabled,
    rules,
    serve,
    offVariant: config.offVariant,
    ...(flag.salt === null ? {} : { salt: flag.salt }),
  };
  const result = validateFlag(candidate, { segments });
  return result.ok ? { problems: [], value: result.value } : { problems: result.problems };
}

export function RulesEditor({
  flag,
  env,
  segments,
  editable,
  onSaved,
  onDraft,
}: {
  flag: FlagResource;
  env: Environment;
  segments: string[];
  editable: boolean;
  onSaved(message: string): void;
  onDraft(flag: Flag | undefined): void;
}) {
  const config = flag.environments[env.key] ?? {
    enabled: false,
    rules: [],
    serve: { variant: 'off' },
    offVariant: 'off',
  };
  const initial = useMemo(
    () => ({ rules: JSON.stringify(config.rules, null, 2), serve: JSON.stringify(config.serve) }),
    [config],
  );
  const [draft, setDraft] = useState<ConfigDraft>(initial);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const rulesId = useId();
  const problemsId = useId();
  useEffect(() => setDraft(initial), [initial]);
  const segmentKeys = segments.join('\n');
  // Memoized on what it reads, so the draft handed to the preview keeps its identity between renders.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the segment list's content, not its identity
  const check = useMemo(() => checkDraft(flag, config, draft, segments), [flag, config, draft, segmentKeys]);
  useEffect(() => onDraft(check.value), [check.value, onDraft]);
  const dirty = draft.rules !== initial.rules || draft.serve !== initial.serve;
  const save = async () => {
    setBusy(true);
    setError(undefined);
    const body = { enabled: config.enabled, rules: JSON.parse(draft.rules), serve: JSON.parse(draft.serve) };
    try {
      if (env.protected) {
        await api('POST', '/api/v1/change-requests', {
          project: flag.project,
          environment: env.key,
          flag: flag.key,
          config: body,
        });
        onSaved(`Change request proposed for ${env.key}; another person approves it on the Change requests page.`);
      } else {
        const url = `/api/v1/projects/${enc(flag.project)}/flags/${enc(flag.key)}/environments/${enc(env.key)}`;
        await api('PUT', url, { ...body, version: flag.version });
        onSaved(`Rules saved in ${env.key}.`);
      }
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const addRule = () => {
    try {
      const rules = JSON.parse(draft.rules) as unknown[];
      setDraft({ ...draft, rules: JSON.stringify([...rules, RULE_TEMPLATE], null, 2) });
    } catch {
      setError(new Error('fix the rules JSON before adding a rule'));
    }
  };
  return (
    <div className="panel">
      <label htmlFor={rulesId}>Rules in {env.key} (JSON, first match wins)</label>
      <textarea
        id={rulesId}
        className="code"
        rows={Math.min(24, Math.max(6, draft.rules.split('\n').length + 1))}
        value={draft.rules}
        readOnly={!editable}
        aria-describedby={problemsId}
        aria-invalid={check.problems.length > 0}
        onChange={(e) => setDraft({ ...draft, rules: e.target.value })}
        spellCheck={false}
      />
      <label>
        Default serve (JSON)
        <input
          className="code"
          value={draft.serve}
          readOnly={!editable}
          onChange={(e) => setDraft({ ...draft, serve: e.target.value })}
          spellCheck={false}
        />
      </label>
      <div id={problemsId} aria-live="polite">
        {check.problems.length === 0 ? (
          <p className="ok small">Valid.</p>
        ) : (
          <ul className="problems">
            {check.problems.map((p) => (
              <li key={`${p.path}:${p.message}`}>
                <code>{p.path || '(flag)'}</code> {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <ErrorBox error={error} title="Not saved" />
      {editable && (
        <div className="actions">
          <button type="button" onClick={addRule}>
            Add rule
          </button>
          <button type="button" onClick={() => setDraft(initial)} disabled={!dirty}>
            Reset
          </button>
          <button
            type="button"
            className="primary"
            disabled={!dirty || busy || check.problems.length > 0}
            onClick={save}
          >
            {env.protected ? 'Propose change' : 'Save rules'}
          </button>
        </div>
      )}
    </div>
  );
}
