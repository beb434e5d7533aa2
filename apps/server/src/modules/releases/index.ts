/**
 * Releases (issue 5): a release moves one rollout rule of a flag in an environment through waves gated by
 * statistics (`@wavegate/core`'s model, reducer and `decide`). Events through the command executor, a reducer in
 * the projection, the admin API and the reconcile loop that decides and applies (the rule's percentage).
 */

export { type PrometheusEvidence, prometheusEvidence } from './evidence-prometheus.js';
export { appendDecision, applyPercentage, createRelease, releaseAction } from './release.commands.js';
export { type ReleaseRecord, reduceReleases } from './release.reducer.js';
export { type ReleaseRouteContext, registerReleaseRoutes, toReleaseResource } from './release.routes.js';
export { AdvisoryLeader, type LeaderOptions, RELEASE_LOCK_KEY } from './release-leader.js';
export { type LoopRun, type LoopTimer, lastDataOf, ReleaseLoop, systemTimer } from './release-loop.js';
