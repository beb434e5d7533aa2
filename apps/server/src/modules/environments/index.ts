/** Environments of a project (any number; `protected` marks those whose changes will need approval). */

export { reduceEnvironment } from './environment.reducer.js';
export { type EnvironmentResource, registerEnvironmentRoutes, toEnvironmentResource } from './environment.routes.js';
