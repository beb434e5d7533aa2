/** The `wavegate` package: start the server in-process, or build it for tests. */
export {
  type App,
  type AppDeps,
  createApp,
  openDb,
  type RunningServer,
  type StartOptions,
  startServer,
} from './main.js';
export { AppError, ErrorCode, statusByCode } from './platform/errors.js';
export type { RequestAuth } from './platform/http.js';
