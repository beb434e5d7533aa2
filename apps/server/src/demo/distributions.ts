import { mulberry32, normalDraw, type Random } from '@wavegate/core';

/**
 * How a simulated quantity is drawn, per request:
 * - `lognormal`: positive, right-skewed (latencies, page-load times), given by its median and 95th percentile;
 * - `bernoulli`: 1 with probability `p`, else 0 (a conversion);
 * - `normal`: mean and standard deviation (clamped at 0 when `min` is 0);
 * - `constant`: always `value`.
 */
export type Distribution =
  | { kind: 'lognormal'; median: number; p95: number }
  | { kind: 'bernoulli'; p: number }
  | { kind: 'normal'; mean: number; sd: number; min?: number }
  | { kind: 'constant'; value: number };

/** z of the 95th percentile of the standard normal. */
const Z95 = 1.6448536269514722;

/** A seeded source of draws: the same seed gives the same sequence of draws. */
export class Draws {
  readonly random: Random;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.random() < p;
  }

  /** An integer in [0, n). */
  index(n: number): number {
    return Math.min(n - 1, Math.floor(this.random() * n));
  }

  /** One draw of `d`. */
  draw(d: Distribution): number {
    switch (d.kind) {
      case 'lognormal': {
        const sigma = d.p95 > d.median ? Math.log(d.p95 / d.median) / Z95 : 0;
        return d.median * Math.exp(sigma * normalDraw(this.random));
      }
      case 'bernoulli':
        return this.random() < d.p ? 1 : 0;
      case 'normal': {
        const v = d.mean + d.sd * normalDraw(this.random);
        return d.min === undefined ? v : Math.max(d.min, v);
      }
      case 'constant':
        return d.value;
    }
  }
}

/** Problems of a distribution (empty when it is valid), with `path` in front of each. */
export function distributionProblems(d: Distribution, path: string): string[] {
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  switch (d?.kind) {
    case 'lognormal':
      return finite(d.median) && d.median > 0 && finite(d.p95) && d.p95 >= d.median
        ? []
        : [`${path}: lognormal needs 0 < median ≤ p95`];
    case 'bernoulli':
      return finite(d.p) && d.p >= 0 && d.p <= 1 ? [] : [`${path}: bernoulli needs 0 ≤ p ≤ 1`];
    case 'normal':
      return finite(d.mean) && finite(d.sd) && d.sd >= 0 ? [] : [`${path}: normal needs a finite mean and sd ≥ 0`];
    case 'constant':
      return finite(d.value) ? [] : [`${path}: constant needs a finite value`];
    default:
      return [`${path}: kind is lognormal, bernoulli, normal or constant`];
  }
}
