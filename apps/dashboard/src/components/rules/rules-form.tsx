import { useEffect, useRef, useState } from 'react';
import { FieldMessages, useField, useFieldIds, useReadOnly } from './field.js';
import { RuleCard, type RuleContext } from './rule-card.js';
import { addRule, type FormDraft, moveRule, newRule, removeRule, replaceRule } from './rules-draft.js';
import { ServeEditor } from './serve-editor.js';

/** Focus requested by an action, taken after the render that shows its result (the first id that can take it). */
function useFocusAfterRender(): (ids: string[]) => void {
  const pending = useRef<string[]>([]);
  useEffect(() => {
    if (pending.current.length === 0) return;
    const target = pending.current
      .map((id) => document.getElementById(id))
      .find((el) => el !== null && !(el as HTMLButtonElement).disabled);
    pending.current = [];
    target?.focus();
  });
  return (ids) => {
    pending.current = ids;
  };
}

/**
 * The structured rules editor: rules in order (first match wins) with their conditions and serves, then the
 * default serve. Every change hands the whole draft up; the caller validates it with the core.
 */
export function RulesForm({
  form,
  onChange,
  env,
  ctx,
}: {
  form: FormDraft;
  onChange(form: FormDraft): void;
  env: string;
  ctx: Omit<RuleContext, 'focus'>;
}) {
  const focus = useFocusAfterRender();
  const idOf = useFieldIds();
  const list = useField('rules');
  const [announcement, setAnnouncement] = useState('');
  const full: RuleContext = { ...ctx, focus };
  const addId = `${list.id}-add`;
  const count = form.rules.length;
  const readOnly = useReadOnly();
  return (
    <div className="rules-form">
      <h3 id={list.id} tabIndex={-1} className="rules-title">
        Rules in {env} (first match wins)
      </h3>
      <FieldMessages path="rules" />
      {count === 0 && <p className="muted small">No rules: everyone gets the default serve.</p>}
      <ol className="rule-list">
        {form.rules.map((draft, i) => {
          const idPrefix = `${list.id}-${draft.uid}`;
          return (
            <li key={draft.uid}>
              <RuleCard
                index={i}
                draft={draft}
                ctx={full}
                onChange={(d) => onChange(replaceRule(form, i, d))}
                actions={{
                  idPrefix,
                  index: i,
                  count,
                  name: `rule ${i + 1}`,
                  onMove: (delta) => {
                    onChange(moveRule(form, i, delta));
                    setAnnouncement(`Rule ${i + 1} moved ${delta < 0 ? 'up' : 'down'} to position ${i + 1 + delta}.`);
                    const [same, other] = delta < 0 ? ['up', 'down'] : ['down', 'up'];
                    focus([`${idPrefix}-${same}`, `${idPrefix}-${other}`]);
                  },
                  onRemove: () => {
                    onChange(removeRule(form, i));
                    setAnnouncement(`Rule ${i + 1} removed.`);
                    focus([addId]);
                  },
                }}
              />
            </li>
          );
        })}
      </ol>
      {!readOnly && (
        <button
          type="button"
          id={addId}
          onClick={() => {
            onChange(addRule(form, newRule(ctx.variants)));
            setAnnouncement(`Rule ${count + 1} added.`);
            focus([idOf(`rules[${count}].id`)]);
          }}
        >
          Add rule
        </button>
      )}
      <p className="sr-only" role="status">
        {announcement}
      </p>
      <ServeEditor
        path="serve"
        legend="Default serve (when no rule serves)"
        serve={form.serve}
        variants={ctx.variants}
        flagType={ctx.flagType}
        attributesList={ctx.attributesList}
        onChange={(serve) => onChange({ ...form, serve })}
      />
    </div>
  );
}
