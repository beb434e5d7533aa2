/** Projects: hold environments, flags and segments. */

export { reduceProject } from './project.reducer.js';
export { registerProjectRoutes } from './project.routes.js';
export { type ProjectResource, requireProject, toProjectResource } from './project.views.js';
export { configStateOf, registerConfigRoutes } from './project-config.routes.js';
