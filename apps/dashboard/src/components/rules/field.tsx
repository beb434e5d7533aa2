import { createContext, type InputHTMLAttributes, useContext, useState } from 'react';
import { fieldId, type PathProblem } from './problem-paths.js';

interface FieldState {
  base: string;
  byOwner: ReadonlyMap<string, PathProblem[]>;
  /** The person may not change the rules (a viewer, an archived flag): no add, move or remove controls. */
  readOnly?: boolean;
}

/** The problems of the draft grouped by the field that shows them, and the id scheme of those fields. */
export const FieldContext = createContext<FieldState>({ base: 'rules', byOwner: new Map() });

/** Whether the editor only shows the rules (see `FieldState.readOnly`). */
export const useReadOnly = (): boolean => useContext(FieldContext).readOnly === true;

/** The DOM id of the field at a path. */
export function useFieldIds(): (path: string) => string {
  const { base } = useContext(FieldContext);
  return (path) => fieldId(base, path);
}

/** The id, problems and ARIA attributes of the field at `path`: invalid, described by its messages when it has some. */
export function useField(path: string) {
  const { base, byOwner } = useContext(FieldContext);
  const id = fieldId(base, path);
  const problems = byOwner.get(path) ?? [];
  const messagesId = `${id}-problems`;
  return {
    id,
    messagesId,
    problems,
    aria: {
      'aria-invalid': problems.length > 0 ? true : undefined,
      'aria-describedby': problems.length > 0 ? messagesId : undefined,
    },
  };
}

/** The messages of the field at `path`, right under it; the field points at them with aria-describedby. */
export function FieldMessages({ path }: { path: string }) {
  const { messagesId, problems } = useField(path);
  if (problems.length === 0) return null;
  return (
    <ul id={messagesId} className="field-problems">
      {problems.map((p) => (
        <li key={`${p.path}:${p.code}:${p.message}`}>
          {p.message}
          {p.path !== path && <span className="muted"> ({p.path})</span>}
        </li>
      ))}
    </ul>
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Text the person is typing for a value that is not a string (a number, a list): the typed text stays as typed
 * while it still means the current value ("1." while typing "1.5"), and follows the value when it changes elsewhere.
 */
export function useTypedText<T>(value: T, format: (v: T) => string, parse: (text: string, current: T) => T) {
  const [text, setText] = useState(() => format(value));
  const shown = same(parse(text, value), value) ? text : format(value);
  return [shown, setText] as const;
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'id'>;

/** A labelled text input for the field at `path`, with its messages under it. */
export function TextField({
  path,
  label,
  value,
  onChange,
  hint,
  ...rest
}: { path: string; label: string; value: string; onChange(text: string): void; hint?: string } & InputProps) {
  const { id, aria } = useField(path);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onChange(e.target.value)} {...aria} {...rest} />
      {hint !== undefined && <span className="muted small">{hint}</span>}
      <FieldMessages path={path} />
    </div>
  );
}

/** A number typed as text: a number when it reads as one, else the text itself (so the core names the problem). */
export function parseNumber(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && Number.isFinite(n) ? n : text;
}

/** A labelled input for a number at `path` (undefined when empty). */
export function NumberField({
  path,
  label,
  value,
  onChange,
  ...rest
}: { path: string; label: string; value: unknown; onChange(value: number | string | undefined): void } & InputProps) {
  const [text, setText] = useTypedText(
    value,
    (v) => (v === undefined ? '' : String(v)),
    (t) => parseNumber(t),
  );
  return (
    <TextField
      path={path}
      label={label}
      value={text}
      inputMode="decimal"
      onChange={(t) => {
        setText(t);
        onChange(parseNumber(t));
      }}
      {...rest}
    />
  );
}
