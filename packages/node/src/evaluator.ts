import { createEvaluator, type Evaluator, type Snapshot } from '@wavegate/core';

/** A snapshot compiled once by `@wavegate/core` for fast evaluation. */
export type SnapshotEvaluator = Evaluator;

/** Compile a snapshot with `@wavegate/core` (done once per new snapshot, never on the hot path). */
export function compileSnapshot(snapshot: Snapshot): SnapshotEvaluator {
  return createEvaluator(snapshot);
}
