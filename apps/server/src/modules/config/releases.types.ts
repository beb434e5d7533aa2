import type { ReleaseDefinition } from '@wavegate/core';

/**
 * A release as a document writes it under `releases:` (the map key is its id): the core definition without `id`,
 * plus `start` (start the release when apply creates it, or when it is still pending). See docs/releases.md.
 */
export type DocumentRelease = Omit<ReleaseDefinition, 'id'> & { start?: boolean };

/** A release on the server, as the planner and export read it. */
export interface ReleaseResource {
  definition: ReleaseDefinition;
  /** The core state's status: pending, running, awaiting_approval, paused, completed, rolled_back. */
  status: string;
}
