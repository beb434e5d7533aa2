import type { Operator } from '@wavegate/core';
import { FieldMessages, useField, useReadOnly } from './field.js';
import { CASE_OPERATORS, OPERATOR_INFO, OPERATORS, operatorKind, withOperator } from './operators.js';
import type { Json } from './rules-draft.js';
import { ValuesInput } from './values-input.js';

function Check({
  path,
  label,
  checked,
  onChange,
}: {
  path: string;
  label: string;
  checked: boolean;
  onChange(on: boolean): void;
}) {
  const { id, aria } = useField(path);
  return (
    <div className="field">
      <label className="inline" htmlFor={id}>
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} {...aria} />
        {label}
      </label>
      <FieldMessages path={path} />
    </div>
  );
}

/** Sets or removes an optional boolean field (`false` is left out, as the JSON would be written by hand). */
function flag(cond: Json, field: 'negate' | 'caseInsensitive', on: boolean): Json {
  const next = { ...cond };
  if (on) next[field] = true;
  else delete next[field];
  return next;
}

export interface MoveControls {
  /** Prefix of the buttons' ids: stable while the item moves, so focus can follow it. */
  idPrefix: string;
  index: number;
  count: number;
  name: string;
  onMove(delta: number): void;
  onRemove(): void;
}

/** Move up, move down and remove buttons for one item of an ordered list, named for screen readers. */
export function ItemActions({ idPrefix, index, count, name, onMove, onRemove }: MoveControls) {
  if (useReadOnly()) return null;
  return (
    <div className="item-actions">
      <button
        type="button"
        id={`${idPrefix}-up`}
        aria-label={`Move ${name} up`}
        disabled={index === 0}
        onClick={() => onMove(-1)}
      >
        ↑<span className="label-wide"> Up</span>
      </button>
      <button
        type="button"
        id={`${idPrefix}-down`}
        aria-label={`Move ${name} down`}
        disabled={index === count - 1}
        onClick={() => onMove(1)}
      >
        ↓<span className="label-wide"> Down</span>
      </button>
      <button type="button" className="danger" aria-label={`Remove ${name}`} onClick={onRemove}>
        Remove
      </button>
    </div>
  );
}

/** One condition (clause) of a rule: attribute, operator, the values the operator needs, negate, ignore case. */
export function ConditionEditor({
  path,
  cond,
  attributesList,
  segments,
  onChange,
  actions,
}: {
  path: string;
  cond: Json;
  attributesList: string;
  segments: readonly string[];
  onChange(cond: Json): void;
  actions: MoveControls;
}) {
  const group = useField(path);
  const attribute = useField(`${path}.attribute`);
  const op = useField(`${path}.op`);
  const known = operatorKind(cond.op) !== undefined;
  const values = Array.isArray(cond.values) ? (cond.values as (string | number | boolean)[]) : [];
  const showCase = CASE_OPERATORS.has(String(cond.op)) || cond.caseInsensitive !== undefined;
  return (
    <fieldset id={group.id} tabIndex={-1} className="condition" {...group.aria}>
      <legend>Condition {actions.index + 1}</legend>
      <div className="condition-fields">
        {cond.op !== 'segment' && (
          <div className="field">
            <label htmlFor={attribute.id}>Attribute</label>
            <input
              id={attribute.id}
              list={attributesList}
              value={typeof cond.attribute === 'string' ? cond.attribute : ''}
              onChange={(e) => onChange({ ...cond, attribute: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              {...attribute.aria}
            />
            <FieldMessages path={`${path}.attribute`} />
          </div>
        )}
        <div className="field">
          <label htmlFor={op.id}>Operator</label>
          <select
            id={op.id}
            value={String(cond.op ?? '')}
            onChange={(e) => onChange(withOperator(cond, e.target.value as Operator))}
            {...op.aria}
          >
            {!known && <option value={String(cond.op ?? '')}>{String(cond.op ?? '(none)')} (unknown)</option>}
            {OPERATORS.map((o) => (
              <option key={o} value={o}>
                {OPERATOR_INFO[o].label} ({o})
              </option>
            ))}
          </select>
          <FieldMessages path={`${path}.op`} />
        </div>
        <ValuesInput
          path={`${path}.values`}
          kind={operatorKind(cond.op)}
          values={values}
          segments={segments}
          onChange={(v) => onChange({ ...cond, values: v })}
        />
        <div className="condition-flags">
          <Check
            path={`${path}.negate`}
            label="Negate (NOT)"
            checked={cond.negate === true}
            onChange={(on) => onChange(flag(cond, 'negate', on))}
          />
          {showCase && (
            <Check
              path={`${path}.caseInsensitive`}
              label="Ignore case"
              checked={cond.caseInsensitive === true}
              onChange={(on) => onChange(flag(cond, 'caseInsensitive', on))}
            />
          )}
        </div>
      </div>
      <FieldMessages path={path} />
      <ItemActions {...actions} />
    </fieldset>
  );
}
