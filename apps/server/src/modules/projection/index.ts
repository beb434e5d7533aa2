/**
 * The projection: the in-memory read model of projects, environments, flags and segments, folded from the event
 * log. Other modules read `projection.state`, `getSnapshot(project, environment)` (core Snapshot, archived flags
 * left out, version = seq of the last event that changed that environment's evaluation data) and subscribe to
 * `onChange` (per applied batch: which flags/segments changed in which project × environment, new version) or
 * `onApplied` (every applied event, for other read models such as tokens).
 */

export { CommandExecutor, type Decide, type ExecuteResult, type PlannedEvent } from './command-executor.js';
export type { CommandContext } from './context.js';
export { type AppliedListener, type ChangeListener, Projection, type ProjectionDeps } from './projection.js';
export { changesOf, reduce, type SnapshotChange } from './projection.reducer.js';
export {
  MemoryProjectionSnapshotStore,
  PROJECTION_FORMAT,
  type ProjectionSnapshotStore,
  SqlProjectionSnapshotStore,
} from './projection-snapshot.store.js';
export { addResourceSchemas, listOf, ref } from './resource-schemas.js';
export {
  adminSchema,
  descriptionSchema,
  errorResponseSchema,
  keySchema,
  nameSchema,
  projectParams,
  versionSchema,
} from './schemas.js';
export { buildSnapshot, type ChangesSince, changesSince, toCoreFlag } from './snapshot-build.js';
export * from './state.js';
