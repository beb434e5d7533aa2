/** The dashboard's server side: the SPA's static files at `/` and the admin event stream it listens to. */
export { registerEventStream } from './event-stream.js';
export { dashboardDir, registerDashboardStatic } from './static.js';
