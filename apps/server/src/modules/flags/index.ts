/** Flags: definitions (type, variants) and per-environment configs (enabled, rules, default serve). */
export {
  type CreateFlagInput,
  createFlag,
  type EnvironmentConfigInput,
  setArchived,
  setFlagEnvironment,
  type UpdateFlagInput,
  updateFlag,
} from './flag.commands.js';
export { reduceFlag } from './flag.reducer.js';
export { registerFlagRoutes } from './flag.routes.js';
export { type FlagResource, requireFlag, toFlagResource } from './flag.views.js';
