import { DDSketch } from '@datadog/sketches-js';

/** Relative accuracy of every latency sketch the SDK sends (1%). */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** Bins of one side of a sketch: `counts[i]` is the count of key `offset + i`. */
export interface SketchStoreJson {
  offset: number;
  counts: number[];
}

/**
 * A DDSketch in plain JSON ("Metrics batch v1", docs/sdk-node.md). Logarithmic mapping with
 * `gamma = (1 + relativeAccuracy) / (1 − relativeAccuracy)`: a value v > 0 falls in key `ceil(log_gamma(v)) +
 * indexOffset`; values with |v| below the smallest indexable value count in `zeroCount`. Merging two sketches of the
 * same `relativeAccuracy` adds counts key by key and combines `count`, `sum`, `min`, `max`.
 */
export interface SketchJson {
  relativeAccuracy: number;
  gamma: number;
  indexOffset: number;
  zeroCount: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  positive: SketchStoreJson;
  negative: SketchStoreJson;
}

interface StoreView {
  bins: number[];
  offset: number;
  minKey: number;
  maxKey: number;
  count: number;
}

function storeToJson(store: StoreView): SketchStoreJson {
  if (store.count === 0) return { offset: 0, counts: [] };
  return {
    offset: store.minKey,
    counts: store.bins.slice(store.minKey - store.offset, store.maxKey - store.offset + 1),
  };
}

/** Serialise a DDSketch (from `@datadog/sketches-js`) to its JSON form. */
export function sketchToJson(sketch: DDSketch): SketchJson {
  const mapping = sketch.mapping as unknown as { relativeAccuracy: number; gamma: number; _offset: number };
  return {
    relativeAccuracy: mapping.relativeAccuracy,
    gamma: mapping.gamma,
    indexOffset: mapping._offset,
    zeroCount: sketch.zeroCount,
    count: sketch.count,
    sum: sketch.sum,
    min: sketch.count === 0 ? 0 : sketch.min,
    max: sketch.count === 0 ? 0 : sketch.max,
    positive: storeToJson(sketch.store as unknown as StoreView),
    negative: storeToJson(sketch.negativeStore as unknown as StoreView),
  };
}

/** Rebuild a DDSketch from its JSON form (what a server merging batches does). */
export function sketchFromJson(json: SketchJson): DDSketch {
  const sketch = new DDSketch({ relativeAccuracy: json.relativeAccuracy });
  json.positive.counts.forEach((c, i) => {
    if (c > 0) sketch.store.add(json.positive.offset + i, c);
  });
  json.negative.counts.forEach((c, i) => {
    if (c > 0) sketch.negativeStore.add(json.negative.offset + i, c);
  });
  sketch.zeroCount = json.zeroCount;
  sketch.count = json.count;
  sketch.sum = json.sum;
  if (json.count > 0) {
    sketch.min = json.min;
    sketch.max = json.max;
  }
  return sketch;
}

/** A new latency sketch with the SDK's accuracy. */
export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}
