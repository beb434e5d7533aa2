import { type FormEvent, useState } from 'react';
import { api, enc } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBox } from '../components/states.js';
import { useProject } from '../project.js';
import type { Operation } from './change-request-operation.js';
import type { FlagResource } from './flags.js';

/** Proposes an operation as a change request (what a protected environment asks of dashboard users). */
export async function proposeChange(project: string, operation: Operation): Promise<void> {
  await api('POST', '/api/v1/change-requests', { project, operation });
}

const PROTECTED_NOTE = (
  <p>
    This project has a protected environment: this proposes a change request, which another person approves before it is
    applied.
  </p>
);

/**
 * The flag-level actions of the flag page: archive or restore, and the definition (variants, salt). Both change
 * what every environment serves, so in a project with a protected environment they become change requests.
 */
export function FlagHeaderActions({ flag, onDone }: { flag: FlagResource; onDone(notice: string): void }) {
  const { environments } = useProject();
  const guarded = environments.some((e) => e.protected);
  const action = flag.archived ? 'restore' : 'archive';
  const verb = flag.archived ? 'Restore' : 'Archive';
  return (
    <div className="actions">
      <ConfirmButton
        label={guarded ? `Propose: ${verb.toLowerCase()}` : verb}
        title={`${verb} flag ${flag.key}?`}
        body={
          <>
            <p>
              {flag.archived
                ? 'The flag is served again in every environment, with its last configuration.'
                : 'Every environment stops serving the flag; SDKs fall back to their defaults.'}
            </p>
            {guarded && PROTECTED_NOTE}
          </>
        }
        confirmLabel={guarded ? 'Propose change request' : verb}
        danger={!flag.archived && !guarded}
        onConfirm={async () => {
          if (guarded) {
            await proposeChange(flag.project, { kind: `flag-${action}`, flag: flag.key });
            onDone(`Change request proposed: ${action} ${flag.key} (needs another person's approval)`);
          } else {
            await api('POST', `/api/v1/projects/${enc(flag.project)}/flags/${enc(flag.key)}/${action}`, {
              version: flag.version,
            });
            onDone(`${flag.key} is ${flag.archived ? 'restored' : 'archived'}`);
          }
        }}
      />
      {!flag.archived && <DefinitionForm flag={flag} guarded={guarded} onDone={onDone} />}
    </div>
  );
}

function DefinitionForm({ flag, guarded, onDone }: { flag: FlagResource; guarded: boolean; onDone(n: string): void }) {
  const [variants, setVariants] = useState(() => JSON.stringify(flag.variants, null, 2));
  const [salt, setSalt] = useState(flag.salt ?? '');
  const [error, setError] = useState<Error | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const patch: Record<string, unknown> = {};
      const parsed = JSON.parse(variants) as Record<string, unknown>;
      if (JSON.stringify(parsed) !== JSON.stringify(flag.variants)) patch['variants'] = parsed;
      if ((flag.salt ?? '') !== salt) patch['salt'] = salt === '' ? null : salt;
      if (Object.keys(patch).length === 0) throw new Error('nothing changed');
      if (guarded) {
        await proposeChange(flag.project, { kind: 'flag', flag: flag.key, patch });
        onDone(`Change request proposed: ${Object.keys(patch).join(', ')} of ${flag.key}`);
      } else {
        await api('PATCH', `/api/v1/projects/${enc(flag.project)}/flags/${enc(flag.key)}`, {
          ...patch,
          version: flag.version,
        });
        onDone(`${flag.key}: ${Object.keys(patch).join(', ')} saved`);
      }
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <details className="panel">
      <summary>Definition (variants, salt)</summary>
      <form onSubmit={submit}>
        <label>
          Variants (JSON)
          <textarea
            className="code"
            rows={4}
            value={variants}
            onChange={(e) => setVariants(e.target.value)}
            spellCheck={false}
          />
        </label>
        <label>
          Salt
          <input value={salt} onChange={(e) => setSalt(e.target.value)} placeholder="(the flag key)" />
        </label>
        {guarded && PROTECTED_NOTE}
        <button type="submit" className="primary">
          {guarded ? 'Propose definition change' : 'Save definition'}
        </button>
      </form>
      <ErrorBox error={error} title="Not saved" />
    </details>
  );
}
