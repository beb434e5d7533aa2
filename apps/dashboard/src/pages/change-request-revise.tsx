import { useId, useState } from 'react';
import { api, enc } from '../api.js';
import { FieldContext } from '../components/rules/field.js';
import { groupProblems, JSON_PATHS, type PathProblem } from '../components/rules/problem-paths.js';
import { RulesJson, toJsonDraft } from '../components/rules/rules-json.js';
import { parseJsonDraft } from '../components/rules/use-rules-draft.js';
import { ErrorBox } from '../components/states.js';
import type { Current, Operation } from './change-request-operation.js';
import type { ChangeRequest } from './change-requests.js';

const UNCONFIGURED = { enabled: false, rules: [], serve: { variant: 'off' } };

/** What the form sends as the revised operation, or the problems that keep it from sending (shown at once). */
type Draft = { operation?: Operation; problems: PathProblem[] };

/** A flag's config in one environment: enabled and the JSON view of the rules editor (rules, default serve). */
function FlagEnvironmentDraft({
  op,
  current,
  onDraft,
}: {
  op: Extract<Operation, { kind: 'flag-environment' }>;
  current: Current;
  onDraft(draft: Draft): void;
}) {
  // The config as it would be after applying the proposal: the flag's config now, with the proposal over it.
  const now = current.flags.find((f) => f.key === op.flag)?.environments[op.environment] ?? UNCONFIGURED;
  const start: Record<string, unknown> = { ...now, ...op.config };
  const [enabled, setEnabled] = useState(start['enabled'] === true);
  const [json, setJson] = useState(toJsonDraft(start['rules'] ?? [], start['serve'] ?? {}));
  const parsed = parseJsonDraft(json);
  const base = useId();
  const update = (nextEnabled: boolean, nextJson: typeof json) => {
    const next = parseJsonDraft(nextJson);
    onDraft(
      next.value === undefined
        ? { problems: next.problems }
        : { operation: { ...op, config: { ...op.config, enabled: nextEnabled, ...next.value } }, problems: [] },
    );
  };
  return (
    <FieldContext.Provider value={{ base, byOwner: groupProblems(parsed.problems, JSON_PATHS) }}>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => {
            setEnabled(e.target.checked);
            update(e.target.checked, json);
          }}
        />{' '}
        Enabled in {op.environment}
      </label>
      <RulesJson
        env={op.environment}
        draft={json}
        onChange={(next) => {
          setJson(next);
          update(enabled, next);
        }}
      />
    </FieldContext.Provider>
  );
}

/** Any other kind: its payload (the operation without `kind`) as JSON; the server checks it in depth. */
function PayloadDraft({ op, onDraft }: { op: Operation; onDraft(draft: Draft): void }) {
  const { kind, ...payload } = op;
  const [text, setText] = useState(JSON.stringify(payload, null, 2));
  const [problem, setProblem] = useState<string | undefined>();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Operation {kind} (JSON)</label>
      <textarea
        id={id}
        className="code"
        rows={Math.min(24, Math.max(6, text.split('\n').length + 1))}
        value={text}
        spellCheck={false}
        aria-invalid={problem === undefined ? undefined : true}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const value = JSON.parse(e.target.value) as unknown;
            if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
            setProblem(undefined);
            onDraft({ operation: { ...(value as object), kind } as Operation, problems: [] });
          } catch (err) {
            const message = `not a JSON object: ${(err as Error).message}`;
            setProblem(message);
            onDraft({ problems: [{ path: 'operation', code: 'not_json', message }] });
          }
        }}
      />
      {problem !== undefined && <p className="field-problems">{problem}</p>}
    </div>
  );
}

/**
 * The proposer's revision of their own open change request: same kind, new payload. Saving clears the approvals
 * (the server's rule: an approval is of one revision); `onRevised` gets the revised request.
 */
export function ReviseForm({
  cr,
  current,
  onRevised,
  onCancel,
}: {
  cr: ChangeRequest;
  current: Current;
  onRevised(revised: ChangeRequest, clearedApprovals: string[]): void;
  onCancel(): void;
}) {
  const [draft, setDraft] = useState<Draft>({ operation: cr.operation, problems: [] });
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (draft.operation === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const { changeRequest } = await api<{ changeRequest: ChangeRequest }>(
        'PUT',
        `/api/v1/change-requests/${enc(cr.id)}`,
        { operation: draft.operation },
      );
      onRevised(changeRequest, cr.approvals);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="revise"
      aria-label={`Revise change request ${cr.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {cr.operation.kind === 'flag-environment' ? (
        <FlagEnvironmentDraft op={cr.operation} current={current} onDraft={setDraft} />
      ) : (
        <PayloadDraft op={cr.operation} onDraft={setDraft} />
      )}
      {cr.approvals.length > 0 && (
        <p className="small muted">Saving a revision clears its {cr.approvals.length} approval(s).</p>
      )}
      <ErrorBox error={error} title="Revision refused" />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || draft.operation === undefined}>
          Save revision
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
