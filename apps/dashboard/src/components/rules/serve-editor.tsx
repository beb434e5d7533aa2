import { FieldMessages, NumberField, TextField, useField } from './field.js';
import { childPath, type ServeKind, serveKind } from './problem-paths.js';
import { isRecord, type Json } from './rules-draft.js';

const KIND_LABELS: Record<ServeKind, string> = {
  variant: 'one variant',
  rollout: 'a rollout (%)',
  split: 'a split (weights)',
};

/** Weights in thousandths of a percent, as equal as can be, summing to exactly 100. */
export function evenSplit(keys: string[]): Record<string, number> {
  const each = Math.floor(100_000 / Math.max(1, keys.length));
  const first = 100_000 - each * (keys.length - 1);
  return Object.fromEntries(keys.map((k, i) => [k, (i === 0 ? first : each) / 1000]));
}

/** The serve after choosing another kind; the variant and the bucket-by attribute carry over. */
export function withKind(serve: Json, kind: ServeKind, variants: Record<string, unknown>): Json {
  const keys = Object.keys(variants);
  const variant = typeof serve.variant === 'string' ? serve.variant : (keys[0] ?? '');
  const stickiness = typeof serve.stickiness === 'string' ? { stickiness: serve.stickiness } : {};
  if (kind === 'variant') return { variant };
  if (kind === 'rollout') return { rollout: 0, variant, ...stickiness };
  return { split: evenSplit(keys), ...stickiness };
}

/** A select of the flag's variants (and the draft's value when it is not one of them, so it can be seen). */
export function VariantSelect({
  path,
  label = 'Variant',
  value,
  variants,
  emptyLabel,
  onChange,
}: {
  path: string;
  label?: string;
  value: unknown;
  variants: Record<string, unknown>;
  emptyLabel?: string;
  onChange(variant: string | undefined): void;
}) {
  const { id, aria } = useField(path);
  const current = value === undefined ? '' : String(value);
  const unknown = current !== '' && !Object.hasOwn(variants, current);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={current} onChange={(e) => onChange(e.target.value || undefined)} {...aria}>
        {(emptyLabel !== undefined || current === '') && <option value="">{emptyLabel ?? 'choose a variant'}</option>}
        {unknown && <option value={current}>{current} (not a variant of this flag)</option>}
        {Object.entries(variants).map(([key, v]) => (
          <option key={key} value={key}>
            {key} ({JSON.stringify(v)})
          </option>
        ))}
      </select>
      <FieldMessages path={path} />
    </div>
  );
}

function set(serve: Json, field: string, value: unknown): Json {
  const next = { ...serve };
  if (value === undefined || value === '') delete next[field];
  else next[field] = value;
  return next;
}

function SplitWeights({
  path,
  split,
  variants,
  onChange,
}: {
  path: string;
  split: Json;
  variants: Record<string, unknown>;
  onChange(split: Json): void;
}) {
  const { id } = useField(path);
  const keys = [...new Set([...Object.keys(variants), ...Object.keys(split)])];
  const sum = Object.values(split).reduce<number>((s, w) => s + (typeof w === 'number' ? w : 0), 0);
  const total = Math.round(sum * 1000) / 1000;
  return (
    <div className="split" id={id} tabIndex={-1}>
      <div className="split-weights">
        {keys.map((key) => (
          <NumberField
            key={key}
            path={childPath(path, key)}
            label={`Weight of ${key} (%)`}
            value={split[key]}
            onChange={(w) => onChange(set(split, key, w))}
          />
        ))}
      </div>
      <p className={`small ${total === 100 ? 'ok' : 'bad'}`}>
        Total {total}%{total === 100 ? '' : ' (the weights must sum to 100%)'}
      </p>
      <FieldMessages path={path} />
    </div>
  );
}

/** What a rule (or the flag by default) serves: one variant, a percentage rollout, or a split by weights. */
export function ServeEditor({
  path,
  legend,
  serve,
  variants,
  flagType,
  attributesList,
  onChange,
}: {
  path: string;
  legend: string;
  serve: Json;
  variants: Record<string, unknown>;
  flagType: string;
  attributesList: string;
  onChange(serve: Json): void;
}) {
  const group = useField(path);
  const kindId = `${group.id}-kind`;
  const kind = serveKind(serve);
  return (
    <fieldset id={group.id} tabIndex={-1} className="serve" {...group.aria}>
      <legend>{legend}</legend>
      <div className="serve-fields">
        <div className="field">
          <label htmlFor={kindId}>Serves</label>
          <select
            id={kindId}
            value={kind}
            onChange={(e) => onChange(withKind(serve, e.target.value as ServeKind, variants))}
          >
            {Object.entries(KIND_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {kind === 'rollout' && (
          <NumberField
            path={`${path}.rollout`}
            label="Percentage (0–100)"
            value={serve.rollout}
            onChange={(r) => onChange({ ...serve, rollout: r ?? '' })}
          />
        )}
        {kind !== 'split' && (
          <VariantSelect
            path={`${path}.variant`}
            value={serve.variant}
            variants={variants}
            {...(kind === 'rollout' && flagType === 'boolean' ? { emptyLabel: 'the variant whose value is true' } : {})}
            onChange={(v) => onChange(set(serve, 'variant', v))}
          />
        )}
        {kind !== 'variant' && (
          <TextField
            path={`${path}.stickiness`}
            label="Bucket by attribute"
            list={attributesList}
            placeholder="userId (default)"
            autoComplete="off"
            spellCheck={false}
            value={typeof serve.stickiness === 'string' ? serve.stickiness : ''}
            onChange={(s) => onChange(set(serve, 'stickiness', s))}
          />
        )}
      </div>
      {kind === 'split' && (
        <SplitWeights
          path={`${path}.split`}
          split={isRecord(serve.split) ? serve.split : {}}
          variants={variants}
          onChange={(split) => onChange({ ...serve, split })}
        />
      )}
      <FieldMessages path={path} />
    </fieldset>
  );
}
