import { LatencySketch, type SketchJson } from '@wavegate/core';

/** The core sketch that defines the index function (1% relative accuracy). */
const REFERENCE = new LatencySketch();
/** Values at or below this count as zero, as in the core's sketch. */
const MIN_INDEXABLE = 2 ** -1023 * REFERENCE.gamma;

/**
 * A latency recorder for the request hot path: the core's `LatencySketch` buckets (same index function, so the same
 * JSON), kept in a dense array instead of a Map. Converted to the core's sketch JSON when its window closes.
 */
export class LatencyRecorder {
  private counts: number[] = [];
  private offset = 0;
  private zeroCount = 0;
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  /** Count one value (ms, finite, ≥ 0; anything else is ignored). */
  add(value: number): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return;
    if (value > MIN_INDEXABLE) {
      const index = REFERENCE.index(value);
      const counts = this.counts;
      if (counts.length === 0) this.offset = index;
      let at = index - this.offset;
      if (at < 0) {
        this.counts = new Array<number>(-at).fill(0).concat(counts);
        this.offset = index;
        at = 0;
      }
      while (this.counts.length <= at) this.counts.push(0);
      this.counts[at]! += 1;
    } else {
      this.zeroCount++;
    }
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** The core's sketch JSON of everything counted. */
  toJSON(): SketchJson {
    const sketch = new LatencySketch();
    this.counts.forEach((c, k) => {
      if (c > 0) sketch.bins.set(this.offset + k, c);
    });
    sketch.zeroCount = this.zeroCount;
    sketch.count = this.count;
    sketch.sum = this.sum;
    sketch.min = this.min;
    sketch.max = this.max;
    return sketch.toJSON();
  }
}
