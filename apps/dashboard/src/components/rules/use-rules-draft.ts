import { useMemo, useState } from 'react';
import type { PathProblem } from './problem-paths.js';
import { type FormDraft, fromForm, toForm, unformable } from './rules-draft.js';
import { type JsonDraft, toJsonDraft } from './rules-json.js';

export type EditorMode = 'form' | 'json';

/** The part of a flag's environment config the editor changes. */
export interface ConfigValue {
  rules: unknown;
  serve: unknown;
  offVariant: unknown;
}

interface DraftState {
  mode: EditorMode;
  /** The form's draft; undefined while the JSON view holds something the form cannot show. */
  form: FormDraft | undefined;
  json: JsonDraft;
  offVariant: unknown;
  /** Why the last switch to the form did not happen. */
  blocked?: string;
}

function start(config: { rules: unknown; serve: unknown; offVariant: unknown }): DraftState {
  const why = unformable(config.rules, config.serve);
  return {
    mode: why === undefined ? 'form' : 'json',
    form: why === undefined ? toForm(config.rules as unknown[], config.serve) : undefined,
    json: toJsonDraft(config.rules, config.serve),
    offVariant: config.offVariant,
    ...(why === undefined ? {} : { blocked: `The form cannot show these rules (${why}): edit them as JSON.` }),
  };
}

/** The JSON view's text as a value, or the parse problem of each part, at the path of its field. */
export function parseJsonDraft(json: JsonDraft): {
  value?: { rules: unknown; serve: unknown };
  problems: PathProblem[];
} {
  const problems: PathProblem[] = [];
  const parse = (path: 'rules' | 'serve') => {
    try {
      return JSON.parse(json[path]) as unknown;
    } catch (e) {
      problems.push({ path, code: 'not_json', message: `not JSON: ${(e as Error).message}` });
      return undefined;
    }
  };
  const rules = parse('rules');
  const serve = parse('serve');
  return problems.length > 0 ? { problems } : { value: { rules, serve }, problems };
}

/**
 * The editor's draft of one environment's config, as a form or as JSON text; switching views carries the draft
 * over both ways. Starts again from `config` whenever the saved config's content changes.
 */
export function useRulesDraft(config: { rules: unknown; serve: unknown; offVariant: unknown }) {
  const initialKey = JSON.stringify({ rules: config.rules, serve: config.serve, offVariant: config.offVariant });
  const [state, setState] = useState<DraftState>(() => start(config));
  // A saved config with other content (a save, another person's change) replaces the draft; a refetch of the same
  // content does not, so a live update elsewhere in the flag leaves the work in progress alone.
  const [startedFrom, setStartedFrom] = useState(initialKey);
  if (startedFrom !== initialKey) {
    setStartedFrom(initialKey);
    setState(start(config));
  }
  const parsed = useMemo((): { value?: ConfigValue; problems: PathProblem[] } => {
    if (state.mode === 'form' && state.form !== undefined) {
      return { value: { ...fromForm(state.form), offVariant: state.offVariant }, problems: [] };
    }
    const json = parseJsonDraft(state.json);
    if (json.value === undefined) return { problems: json.problems };
    return { value: { ...json.value, offVariant: state.offVariant }, problems: [] };
  }, [state]);
  const dirty = parsed.value === undefined || JSON.stringify(parsed.value) !== initialKey;
  return {
    mode: state.mode,
    form: state.form,
    json: state.json,
    offVariant: state.offVariant,
    blocked: state.blocked,
    parsed,
    dirty,
    setForm: (form: FormDraft) => setState((s) => ({ ...s, form, blocked: undefined })),
    setJson: (json: JsonDraft) => setState((s) => ({ ...s, json, blocked: undefined })),
    setOffVariant: (offVariant: unknown) => setState((s) => ({ ...s, offVariant })),
    reset: () => setState(start(config)),
    showJson: () =>
      setState((s) =>
        s.form === undefined
          ? { ...s, mode: 'json' }
          : { ...s, mode: 'json', json: toJsonDraft(fromForm(s.form).rules, s.form.serve), blocked: undefined },
      ),
    showForm: () =>
      setState((s) => {
        const json = parseJsonDraft(s.json);
        if (json.value === undefined) {
          return {
            ...s,
            blocked: `Fix the JSON first: ${json.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
          };
        }
        const why = unformable(json.value.rules, json.value.serve);
        if (why !== undefined) return { ...s, blocked: `The form cannot show these rules (${why}): fix them as JSON.` };
        return {
          ...s,
          mode: 'form',
          form: toForm(json.value.rules as unknown[], json.value.serve),
          blocked: undefined,
        };
      }),
  };
}
