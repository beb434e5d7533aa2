import type { SketchJson } from '@wavegate/core';
import { type HllJson, HyperLogLog, UnitCounter } from './hll.js';
import { LatencyRecorder } from './latency.js';

/** Arm index: 0 = the unit reached no rollout, 1 = treatment, 2 = control. */
export type ArmIndex = 0 | 1 | 2;
const ARM_NAMES = [null, 'treatment', 'control'] as const;

/** Totals of one `track()` metric in one series. */
export interface TrackJson {
  count: number;
  sum: number;
  sumSquares: number;
  units?: { estimate: number; hll: HllJson };
}

/** One series of a window: flag × variant served × arm. See "Metrics batch v1" in docs/sdk-node.md. */
export interface SeriesJson {
  flag: string;
  variant: string;
  arm: 'treatment' | 'control' | null;
  evaluations: number;
  units?: { estimate: number; hll: HllJson };
  requests?: { count: number; errors: number; latencyMs: SketchJson };
  metrics?: Record<string, TrackJson>;
}

/** One closed window. */
export interface WindowJson {
  start: number;
  end: number;
  series: SeriesJson[];
}

/** Most distinct `track()` metric names per series and window; further names are ignored. */
export const MAX_TRACKED_METRICS = 64;

class TrackStats {
  count = 0;
  sum = 0;
  sumSquares = 0;
  units: UnitCounter | undefined;
}

/** Counters of one flag × variant × arm in one window. */
export class Series {
  evaluations = 0;
  /** Distinct units served this series (rollout arms, or every series with `units: 'all'`). */
  units: HyperLogLog | undefined;
  requests = 0;
  errors = 0;
  latency: LatencyRecorder | undefined;
  tracks: Map<string, TrackStats> | undefined;

  constructor(
    readonly flag: string,
    readonly variant: string,
    readonly arm: ArmIndex,
  ) {}

  /** The HyperLogLog of this series' distinct units, allocated on first use. */
  private unitHll(): HyperLogLog {
    if (this.units === undefined) this.units = new HyperLogLog();
    return this.units;
  }

  /** The registers of this series' distinct units (a rollout arm's, noted by `noteArmHash`). */
  unitRegisters(): Uint8Array {
    return this.unitHll().registers;
  }

  /** Note one unit by its packed register (`unitRegister` of its key). */
  addUnitRegister(packed: number): void {
    this.unitHll().addRegister(packed);
  }

  request(latencyMs: number, error: boolean): void {
    this.requests++;
    if (error) this.errors++;
    if (this.latency === undefined) this.latency = new LatencyRecorder();
    this.latency.add(Math.max(latencyMs, 0));
  }

  track(metric: string, value: number, unit: string | undefined): void {
    if (this.tracks === undefined) this.tracks = new Map();
    let t = this.tracks.get(metric);
    if (t === undefined) {
      // Metric names come from application code: bound them, so a name built from user data cannot grow memory.
      if (this.tracks.size >= MAX_TRACKED_METRICS) return;
      t = new TrackStats();
      this.tracks.set(metric, t);
    }
    t.count++;
    t.sum += value;
    t.sumSquares += value * value;
    if (unit !== undefined) {
      if (t.units === undefined) t.units = new UnitCounter();
      t.units.add(unit);
    }
  }

  toJSON(): SeriesJson {
    const out: SeriesJson = {
      flag: this.flag,
      variant: this.variant,
      arm: ARM_NAMES[this.arm],
      evaluations: this.evaluations,
    };
    const hll = this.units;
    if (hll !== undefined) out.units = { estimate: hll.estimate(), hll: hll.toJSON() };
    if (this.requests > 0 && this.latency !== undefined) {
      out.requests = { count: this.requests, errors: this.errors, latencyMs: this.latency.toJSON() };
    }
    if (this.tracks !== undefined) {
      out.metrics = {};
      for (const [name, t] of this.tracks) {
        const m: TrackJson = { count: t.count, sum: t.sum, sumSquares: t.sumSquares };
        if (t.units !== undefined && !t.units.empty) {
          const hll = t.units.toHll();
          m.units = { estimate: hll.estimate(), hll: hll.toJSON() };
        }
        out.metrics[name] = m;
      }
    }
    return out;
  }
}

/** The series of one flag in one window: few variants, so parallel arrays scanned linearly. */
class FlagSeries {
  readonly variants: string[] = [];
  readonly arms: Series[][] = [];
}

/** Everything counted in one window, by flag → variant → arm. */
export class MetricsWindow {
  readonly flags = new Map<string, FlagSeries>();
  private lastFlag: string | undefined;
  private lastSeries: FlagSeries | undefined;

  constructor(readonly start: number) {}

  /** The series of flag × variant × arm, created on first use. */
  series(flag: string, variant: string, arm: ArmIndex): Series {
    let f: FlagSeries | undefined;
    if (flag === this.lastFlag) {
      f = this.lastSeries!;
    } else {
      f = this.flags.get(flag);
      if (f === undefined) {
        f = new FlagSeries();
        this.flags.set(flag, f);
      }
      this.lastFlag = flag;
      this.lastSeries = f;
    }
    const variants = f.variants;
    let i = 0;
    while (i < variants.length && variants[i] !== variant) i++;
    if (i === variants.length) {
      variants.push(variant);
      f.arms.push([]);
    }
    const arms = f.arms[i]!;
    let s = arms[arm];
    if (s === undefined) {
      s = new Series(flag, variant, arm);
      arms[arm] = s;
    }
    return s;
  }

  /** The closed window's JSON, or undefined when nothing was counted. */
  toJSON(end: number): WindowJson | undefined {
    const series: SeriesJson[] = [];
    for (const f of this.flags.values()) {
      for (const arms of f.arms) for (const s of arms) if (s !== undefined) series.push(s.toJSON());
    }
    return series.length === 0 ? undefined : { start: this.start, end, series };
  }
}
