import { FieldMessages, useField } from './field.js';

/** The text of the JSON view: the rules list and the default serve. */
export interface JsonDraft {
  rules: string;
  serve: string;
}

export function toJsonDraft(rules: unknown, serve: unknown): JsonDraft {
  return { rules: JSON.stringify(rules, null, 2), serve: JSON.stringify(serve) };
}

/** The advanced view: the rules and the default serve as JSON, checked by the same validator as the form. */
export function RulesJson({
  env,
  draft,
  onChange,
}: {
  env: string;
  draft: JsonDraft;
  onChange(draft: JsonDraft): void;
}) {
  const rules = useField('rules');
  const serve = useField('serve');
  return (
    <div className="rules-json">
      <div className="field">
        <label htmlFor={rules.id}>Rules in {env} (JSON, first match wins)</label>
        <textarea
          id={rules.id}
          className="code"
          rows={Math.min(24, Math.max(6, draft.rules.split('\n').length + 1))}
          value={draft.rules}
          onChange={(e) => onChange({ ...draft, rules: e.target.value })}
          spellCheck={false}
          {...rules.aria}
        />
        <FieldMessages path="rules" />
      </div>
      <div className="field">
        <label htmlFor={serve.id}>Default serve (JSON)</label>
        <input
          id={serve.id}
          className="code"
          value={draft.serve}
          onChange={(e) => onChange({ ...draft, serve: e.target.value })}
          spellCheck={false}
          {...serve.aria}
        />
        <FieldMessages path="serve" />
      </div>
    </div>
  );
}
