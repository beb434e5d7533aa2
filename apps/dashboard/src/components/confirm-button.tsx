import type { ReactNode } from 'react';
import { type ConfirmRequest, useConfirm } from './confirm.js';

export interface ConfirmButtonProps extends Omit<ConfirmRequest, 'onConfirm'> {
  /** The button's text. */
  label: ReactNode;
  /** Accessible name when the text alone is ambiguous in a table row ("Revoke" → "Revoke token ci"). */
  ariaLabel?: string;
  className?: string;
  disabled?: boolean;
  /** The action; a throw keeps the dialog open with the error in it. */
  onConfirm(): Promise<void> | void;
}

/**
 * A row or header action that asks first: the button, its confirmation dialog (with the error in it when the
 * action fails), in one element.
 */
export function ConfirmButton({ label, ariaLabel, className, disabled, ...request }: ConfirmButtonProps) {
  const [dialog, ask] = useConfirm();
  return (
    <>
      {dialog}
      <button
        type="button"
        className={className ?? (request.danger ? 'danger' : undefined)}
        aria-label={ariaLabel}
        disabled={disabled}
        onClick={() => ask(request)}
      >
        {label}
      </button>
    </>
  );
}
