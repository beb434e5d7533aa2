/** Environments of a project (any number; `protected` marks those whose changes will need approval). */

export { type EnvironmentPatch, updateEnvironment } from './environment.commands.js';
export { reduceEnvironment } from './environment.reducer.js';
export { type EnvironmentResource, registerEnvironmentRoutes, toEnvironmentResource } from './environment.routes.js';
