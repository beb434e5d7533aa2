import { toEpochMs } from '@wavegate/core';
import { FieldMessages, NumberField, TextField, useField, useTypedText } from './field.js';
import type { ValueKind } from './operators.js';

type Scalar = string | number | boolean;

/** Typed text back to a value, keeping the original number or boolean a line still spells. */
function keepType(text: string, current: readonly Scalar[]): Scalar {
  return current.find((v) => typeof v !== 'string' && String(v) === text) ?? text;
}

function parseLines(text: string, current: Scalar[]): Scalar[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => keepType(line, current));
}

function ListInput({ path, values, onChange }: { path: string; values: Scalar[]; onChange(v: Scalar[]): void }) {
  const { id, aria } = useField(path);
  const [text, setText] = useTypedText(values, (v) => v.map(String).join('\n'), parseLines);
  return (
    <div className="field">
      <label htmlFor={id}>Values (one a line)</label>
      <textarea
        id={id}
        rows={Math.min(6, Math.max(2, values.length + 1))}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onChange(parseLines(e.target.value, values));
        }}
        spellCheck={false}
        {...aria}
      />
      <FieldMessages path={path} />
    </div>
  );
}

/** Checkboxes for segment keys: the project's segments, and any other key the draft names (so it can be unticked). */
export function SegmentPicker({
  path,
  legend,
  selected,
  segments,
  onChange,
}: {
  path: string;
  legend: string;
  selected: string[];
  segments: readonly string[];
  onChange(keys: string[]): void;
}) {
  const { id, aria } = useField(path);
  const keys = [...new Set([...segments, ...selected])];
  if (keys.length === 0) {
    return (
      <p id={id} tabIndex={-1} className="muted small field">
        {legend}: this project has no segments.
      </p>
    );
  }
  return (
    <fieldset id={id} tabIndex={-1} className="field segment-picker" {...aria}>
      <legend>{legend}</legend>
      {keys.map((key) => (
        <label key={key} className="inline">
          <input
            type="checkbox"
            checked={selected.includes(key)}
            onChange={(e) => onChange(e.target.checked ? [...selected, key] : selected.filter((k) => k !== key))}
          />
          {key}
          {!segments.includes(key) && <span className="muted"> (not in this project)</span>}
        </label>
      ))}
      <FieldMessages path={path} />
    </fieldset>
  );
}

function dateHint(value: Scalar | undefined): string {
  if (value === undefined || value === '') return 'ISO 8601 (UTC unless it has an offset) or epoch milliseconds';
  const ms = toEpochMs(value);
  return Number.isNaN(ms) ? 'not a date the core reads' : `= ${new Date(ms).toISOString()}`;
}

/** The input a condition's values need for its operator: a list, one text, a number, a version, a date, segments. */
export function ValuesInput({
  path,
  kind,
  values,
  segments,
  onChange,
}: {
  path: string;
  kind: ValueKind | undefined;
  values: Scalar[];
  segments: readonly string[];
  onChange(values: Scalar[]): void;
}) {
  const first = values[0];
  const one = (text: string) => onChange(text === '' ? [] : [keepType(text, values)]);
  switch (kind) {
    case 'none':
      return <p className="muted small field">takes no value</p>;
    case 'segments':
      return (
        <SegmentPicker
          path={path}
          legend="Segments (any of)"
          selected={values.map(String)}
          segments={segments}
          onChange={onChange}
        />
      );
    case 'number':
      return (
        <NumberField path={path} label="Number" value={first} onChange={(v) => onChange(v === undefined ? [] : [v])} />
      );
    case 'semver':
      return <TextField path={path} label="Version" value={String(first ?? '')} placeholder="1.4.0" onChange={one} />;
    case 'date':
      return (
        <TextField
          path={path}
          label="Date"
          value={String(first ?? '')}
          placeholder="2026-03-01T00:00:00Z"
          hint={dateHint(first)}
          onChange={(t) => onChange(t === '' ? [] : [/^\d+$/.test(t) ? Number(t) : t])}
        />
      );
    case 'regex':
      return (
        <TextField
          path={path}
          label="Pattern (RE2)"
          className="code"
          value={String(first ?? '')}
          spellCheck={false}
          onChange={one}
        />
      );
    case 'text':
      return <TextField path={path} label="Value" value={String(first ?? '')} onChange={one} />;
    default:
      return <ListInput path={path} values={values} onChange={onChange} />;
  }
}
