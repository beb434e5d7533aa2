import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

export interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** When set, the person must type this word to confirm (protected environments, rollbacks). */
  typeToConfirm?: string;
  onConfirm(): Promise<void> | void;
}

/** A modal confirmation: focus moves into it, Escape cancels, the confirm button waits for the action. */
export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose(): void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const titleId = useId();
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null);
  useEffect(() => {
    setTyped('');
    setError(undefined);
    if (request !== null) first.current?.focus();
  }, [request]);
  if (request === null) return null;
  const ready = request.typeToConfirm === undefined || typed === request.typeToConfirm;
  return (
    <div className="backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <h2 id={titleId}>{request.title}</h2>
        <div>{request.body}</div>
        {request.typeToConfirm !== undefined && (
          <label>
            Type <code>{request.typeToConfirm}</code> to confirm
            <input ref={first} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </label>
        )}
        {error !== undefined && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose} ref={request.typeToConfirm === undefined ? first : undefined}>
            Cancel
          </button>
          <button
            type="button"
            className={request.danger ? 'danger' : 'primary'}
            disabled={!ready || busy}
            onClick={async () => {
              setBusy(true);
              try {
                await request.onConfirm();
                onClose();
              } catch (e) {
                setError((e as Error).message);
              } finally {
                setBusy(false);
              }
            }}
          >
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/** State for one dialog: `ask(request)` opens it. */
export function useConfirm(): [ReactNode, (request: ConfirmRequest) => void] {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  return [<ConfirmDialog key="confirm" request={request} onClose={() => setRequest(null)} />, setRequest];
}
