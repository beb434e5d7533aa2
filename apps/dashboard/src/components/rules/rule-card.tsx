import { ConditionEditor, ItemActions, type MoveControls } from './condition-editor.js';
import { FieldMessages, TextField, useField, useFieldIds, useReadOnly } from './field.js';
import {
  addCondition,
  type DraftRule,
  isRecord,
  type Json,
  moveCondition,
  removeCondition,
  setCondition,
} from './rules-draft.js';
import { ServeEditor } from './serve-editor.js';
import { SegmentPicker } from './values-input.js';

export interface RuleContext {
  variants: Record<string, unknown>;
  flagType: string;
  segments: readonly string[];
  attributesList: string;
  /** Asks the form to move focus, after the next render, to the first of these elements that can take it. */
  focus(ids: string[]): void;
}

function segmentKeys(segment: unknown): string[] {
  if (typeof segment === 'string') return [segment];
  return Array.isArray(segment) ? segment.map(String) : [];
}

/** `segment` as the rule writes it: left out when none, one key as a string, several as a list. */
function withSegments(rule: Json, keys: string[]): Json {
  const next = { ...rule };
  if (keys.length === 0) delete next.segment;
  else next.segment = keys.length === 1 ? keys[0] : keys;
  return next;
}

/** One rule: its id, the segments it is limited to, its conditions (all must hold) and what it serves. */
export function RuleCard({
  index,
  draft,
  ctx,
  onChange,
  actions,
}: {
  index: number;
  draft: DraftRule;
  ctx: RuleContext;
  onChange(draft: DraftRule): void;
  actions: MoveControls;
}) {
  const path = `rules[${index}]`;
  const { rule } = draft;
  const idOf = useFieldIds();
  const heading = useField(path);
  const conditionsField = useField(`${path}.conditions`);
  const conditions = Array.isArray(rule.conditions) ? (rule.conditions as Json[]) : [];
  const addId = `${heading.id}-add-condition`;
  const readOnly = useReadOnly();
  return (
    <section className="rule-card" aria-labelledby={heading.id}>
      <div className="rule-head">
        <h3 id={heading.id} tabIndex={-1} {...heading.aria}>
          Rule {index + 1}
          {typeof rule.id === 'string' && rule.id !== '' && <code className="rule-id"> {rule.id}</code>}
        </h3>
        <ItemActions {...actions} />
      </div>
      <FieldMessages path={path} />
      <TextField
        path={`${path}.id`}
        label="Rule id (optional; releases name the rule they roll out)"
        value={typeof rule.id === 'string' ? rule.id : ''}
        spellCheck={false}
        autoComplete="off"
        onChange={(id) => {
          const next: Json = { ...rule, id };
          if (id === '') delete next.id;
          onChange({ ...draft, rule: next });
        }}
      />
      <SegmentPicker
        path={`${path}.segment`}
        legend="Only units in these segments (any of)"
        selected={segmentKeys(rule.segment)}
        segments={ctx.segments}
        onChange={(keys) => onChange({ ...draft, rule: withSegments(rule, keys) })}
      />
      <div className="conditions" id={conditionsField.id} tabIndex={-1}>
        <h4>Conditions (all must hold; none: everyone)</h4>
        <FieldMessages path={`${path}.conditions`} />
        {conditions.map((cond, j) => {
          const idPrefix = `${heading.id}-${draft.conditionUids[j] ?? j}`;
          return (
            <ConditionEditor
              key={draft.conditionUids[j] ?? j}
              path={`${path}.conditions[${j}]`}
              cond={cond}
              attributesList={ctx.attributesList}
              segments={ctx.segments}
              onChange={(c) => onChange(setCondition(draft, j, c))}
              actions={{
                idPrefix,
                index: j,
                count: conditions.length,
                name: `condition ${j + 1} of rule ${index + 1}`,
                onMove: (delta) => {
                  onChange(moveCondition(draft, j, delta));
                  const [same, other] = delta < 0 ? ['up', 'down'] : ['down', 'up'];
                  ctx.focus([`${idPrefix}-${same}`, `${idPrefix}-${other}`]);
                },
                onRemove: () => {
                  onChange(removeCondition(draft, j));
                  ctx.focus([addId]);
                },
              }}
            />
          );
        })}
        {!readOnly && (
          <button
            type="button"
            id={addId}
            onClick={() => {
              onChange(addCondition(draft));
              ctx.focus([idOf(`${path}.conditions[${conditions.length}].attribute`)]);
            }}
          >
            Add condition
          </button>
        )}
      </div>
      {isRecord(rule.serve) && (
        <ServeEditor
          path={`${path}.serve`}
          legend="Serve"
          serve={rule.serve}
          variants={ctx.variants}
          flagType={ctx.flagType}
          attributesList={ctx.attributesList}
          onChange={(serve) => onChange({ ...draft, rule: { ...rule, serve } })}
        />
      )}
    </section>
  );
}
