import { type Flag, type Segment, validateFlag } from '@wavegate/core';
import { useEffect, useId, useMemo, useState } from 'react';
import { ApiError, api, enc } from '../api.js';
import { FieldContext } from '../components/rules/field.js';
import { formPaths, groupProblems, JSON_PATHS, ownerOf, type PathProblem } from '../components/rules/problem-paths.js';
import { type PlacedProblem, ProblemSummary } from '../components/rules/problem-summary.js';
import { seenAttributes } from '../components/rules/rules-draft.js';
import { RulesForm } from '../components/rules/rules-form.js';
import { RulesJson } from '../components/rules/rules-json.js';
import { VariantSelect } from '../components/rules/serve-editor.js';
import { type ConfigValue, parseJsonDraft, useRulesDraft } from '../components/rules/use-rules-draft.js';
import { ErrorBox } from '../components/states.js';
import type { Environment } from '../project.js';
import type { FlagEnvironmentConfig, FlagResource } from './flags.js';

/** The JSON view's text (rules list, default serve). */
export interface ConfigDraft {
  rules: string;
  serve: string;
}

/**
 * Checks a config draft with `@wavegate/core`'s `validateFlag` — the same messages and paths the server answers
 * with (`rules[0].serve.rollout`) — so a person sees every problem before saving.
 */
export function checkConfig(
  flag: FlagResource,
  enabled: boolean,
  value: ConfigValue,
  segments: string[],
): { problems: PathProblem[]; value?: Flag } {
  const candidate = {
    key: flag.key,
    type: flag.type,
    variants: flag.variants,
    enabled,
    rules: value.rules,
    serve: value.serve,
    offVariant: value.offVariant,
    ...(flag.salt === null ? {} : { salt: flag.salt }),
  };
  const result = validateFlag(candidate, { segments });
  return result.ok ? { problems: [], value: result.value } : { problems: result.problems };
}

/** {@link checkConfig} of the JSON view's text; text that is not JSON is a problem of its field. */
export function checkDraft(
  flag: FlagResource,
  config: FlagEnvironmentConfig,
  draft: ConfigDraft,
  segments: string[],
): { problems: PathProblem[]; value?: Flag } {
  const parsed = parseJsonDraft(draft);
  if (parsed.value === undefined) return { problems: parsed.problems };
  return checkConfig(flag, config.enabled, { ...parsed.value, offVariant: config.offVariant }, segments);
}

const UNCONFIGURED: FlagEnvironmentConfig = { enabled: false, rules: [], serve: { variant: 'off' }, offVariant: 'off' };

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
  segments: readonly Segment[];
  editable: boolean;
  onSaved(message: string): void;
  onDraft(flag: Flag | undefined): void;
}) {
  const config = flag.environments[env.key] ?? UNCONFIGURED;
  const draft = useRulesDraft(config);
  const [error, setError] = useState<Error | undefined>();
  const [refused, setRefused] = useState<{ key: string; problems: PathProblem[] }>();
  const [busy, setBusy] = useState(false);
  const base = useId();
  const summaryId = `${base}-summary`;
  const segmentKeys = useMemo(() => segments.map((s) => s.key), [segments]);
  const value = draft.parsed.value;
  const check = useMemo(
    () =>
      value === undefined ? { problems: draft.parsed.problems } : checkConfig(flag, config.enabled, value, segmentKeys),
    [flag, config.enabled, value, draft.parsed.problems, segmentKeys],
  );
  useEffect(() => {
    onDraft(check.value);
  }, [check.value, onDraft]);
  const valueKey = JSON.stringify(value ?? null);
  const serverProblems = refused !== undefined && refused.key === valueKey ? refused.problems : [];
  const shown = draft.mode === 'form' && draft.form !== undefined ? formPaths(draft.form, flag.variants) : JSON_PATHS;
  const placed: PlacedProblem[] = [
    ...check.problems.map((p) => ({ ...p, source: 'core' as const, owner: ownerOf(p.path, shown) })),
    ...serverProblems.map((p) => ({ ...p, source: 'server' as const, owner: ownerOf(p.path, shown) })),
  ];
  const byOwner = groupProblems(placed, shown);
  const attributes = useMemo(
    () => seenAttributes([...Object.values(flag.environments).map((c) => c.rules), value?.rules ?? []], segments),
    [flag.environments, value?.rules, segments],
  );
  const save = async () => {
    if (value === undefined) return;
    setBusy(true);
    setError(undefined);
    setRefused(undefined);
    const body = { enabled: config.enabled, rules: value.rules, serve: value.serve, offVariant: value.offVariant };
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
      if (e instanceof ApiError && e.problems.length > 0) setRefused({ key: valueKey, problems: e.problems });
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const attributesList = `${base}-attributes`;
  return (
    <FieldContext.Provider value={{ base, byOwner, readOnly: !editable }}>
      <div className="panel rules-editor">
        <fieldset className="view-toggle">
          <legend className="sr-only">Editor view</legend>
          <button type="button" aria-pressed={draft.mode === 'form'} onClick={draft.showForm}>
            Form
          </button>
          <button type="button" aria-pressed={draft.mode === 'json'} onClick={draft.showJson}>
            JSON
          </button>
        </fieldset>
        {draft.blocked !== undefined && (
          <p className="error" role="alert">
            {draft.blocked}
          </p>
        )}
        <datalist id={attributesList}>
          {attributes.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        {!editable && (
          <p className="muted small">
            Read-only: {flag.archived ? 'the flag is archived.' : 'your role cannot change rules.'}
          </p>
        )}
        <fieldset className="editor-body" disabled={!editable} aria-describedby={summaryId}>
          <legend className="sr-only">
            Rules of {flag.key} in {env.key}
          </legend>
          {draft.mode === 'form' && draft.form !== undefined ? (
            <RulesForm
              form={draft.form}
              onChange={draft.setForm}
              env={env.key}
              ctx={{ variants: flag.variants, flagType: flag.type, segments: segmentKeys, attributesList }}
            />
          ) : (
            <RulesJson env={env.key} draft={draft.json} onChange={draft.setJson} />
          )}
          <div className="off-variant">
            <VariantSelect
              path="offVariant"
              label="Off variant (served while the flag is off)"
              value={draft.offVariant}
              variants={flag.variants}
              onChange={(v) => draft.setOffVariant(v ?? '')}
            />
          </div>
        </fieldset>
        <ProblemSummary problems={placed} id={summaryId} />
        {error !== undefined && (
          <ErrorBox
            error={serverProblems.length > 0 ? new Error(`${error.message} (shown next to the fields)`) : error}
            title="Not saved"
          />
        )}
        {editable && (
          <div className="actions">
            <button type="button" onClick={draft.reset} disabled={!draft.dirty}>
              Reset
            </button>
            <button
              type="button"
              className="primary"
              disabled={!draft.dirty || busy || check.problems.length > 0}
              onClick={save}
            >
              {env.protected ? 'Propose change' : 'Save rules'}
            </button>
          </div>
        )}
      </div>
    </FieldContext.Provider>
  );
}
