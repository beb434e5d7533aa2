import { type FormEvent, useState } from 'react';
import { api, enc } from '../api.js';
import { ErrorBox } from '../components/states.js';

export interface SilenceDraft {
  /** One matcher a line: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"` (docs/alerting.md). */
  matchers: string;
  /** `duration` (e.g. `2h`) or an absolute `endsAt` (a datetime-local value). */
  until: 'duration' | 'endsAt';
  duration: string;
  endsAt: string;
  comment: string;
}

/** The body of `POST /api/v1/projects/:p/silences` for a draft; the server checks it and lists every problem. */
export function silenceBody(draft: SilenceDraft, author: string | undefined): Record<string, unknown> {
  const matchers = draft.matchers
    .split('\n')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const end =
    draft.until === 'duration'
      ? { duration: draft.duration.trim() }
      : { endsAt: draft.endsAt === '' ? '' : new Date(draft.endsAt).toISOString() };
  return { matchers, ...end, comment: draft.comment.trim(), ...(author ? { createdBy: author } : {}) };
}

const EMPTY: SilenceDraft = { matchers: '', until: 'duration', duration: '2h', endsAt: '', comment: '' };

/** Creates a silence in the project; the author is the signed-in user. */
export function SilenceForm({
  project,
  author,
  onCreated,
}: {
  project: string;
  author: string | undefined;
  onCreated: () => void;
}) {
  const [draft, setDraft] = useState<SilenceDraft>(EMPTY);
  const [error, setError] = useState<Error | undefined>();
  const set = (change: Partial<SilenceDraft>) => setDraft((d) => ({ ...d, ...change }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api('POST', `/api/v1/projects/${enc(project)}/silences`, silenceBody(draft, author));
      setDraft(EMPTY);
      onCreated();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form className="row-form panel" onSubmit={submit} aria-label="New silence">
      <label>
        Matchers (one a line: name="v", !=, =~, !~)
        <textarea value={draft.matchers} onChange={(e) => set({ matchers: e.target.value })} rows={2} required />
      </label>
      <label>
        Ends
        <select value={draft.until} onChange={(e) => set({ until: e.target.value as SilenceDraft['until'] })}>
          <option value="duration">after a duration</option>
          <option value="endsAt">at a time</option>
        </select>
      </label>
      {draft.until === 'duration' ? (
        <label>
          Duration
          <input value={draft.duration} onChange={(e) => set({ duration: e.target.value })} size={6} required />
        </label>
      ) : (
        <label>
          Ends at
          <input
            type="datetime-local"
            value={draft.endsAt}
            onChange={(e) => set({ endsAt: e.target.value })}
            required
          />
        </label>
      )}
      <label>
        Comment
        <input value={draft.comment} onChange={(e) => set({ comment: e.target.value })} required maxLength={1000} />
      </label>
      <button type="submit" className="primary">
        Create silence
      </button>
      <ErrorBox error={error} title="Silence not created" />
    </form>
  );
}
