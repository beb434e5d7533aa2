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
    <form className="panel" onSubmit={submit} aria-label="New silence">
      <label>
        Matchers (one a line, e.g. <code>severity="critical"</code>)
        <textarea value={draft.matchers} onChange={(e) => set({ matchers: e.target.value })} rows={2} required />
      </label>
      <fieldset>
        <legend>Until</legend>
        <label>
          <input
            type="radio"
            name="silence-until"
            checked={draft.until === 'duration'}
            onChange={() => set({ until: 'duration' })}
          />{' '}
          for
        </label>{' '}
        <label>
          <span className="sr-only">Duration</span>
          <input
            value={draft.duration}
            onChange={(e) => set({ duration: e.target.value })}
            disabled={draft.until !== 'duration'}
            size={6}
            placeholder="2h"
          />
        </label>{' '}
        <label>
          <input
            type="radio"
            name="silence-until"
            checked={draft.until === 'endsAt'}
            onChange={() => set({ until: 'endsAt' })}
          />{' '}
          until
        </label>{' '}
        <label>
          <span className="sr-only">Ends at</span>
          <input
            type="datetime-local"
            value={draft.endsAt}
            onChange={(e) => set({ endsAt: e.target.value })}
            disabled={draft.until !== 'endsAt'}
          />
        </label>
      </fieldset>
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
