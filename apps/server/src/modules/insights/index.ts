/**
 * Insights (issue 5): DORA figures of releases — release frequency, change failure rate, lead time, time to
 * restore — computed from the releases the projection reduces from the event log. `GET /api/v1/insights/dora`.
 */
export { computeDora, type DoraQuery, type DoraReport, type ReleaseFacts } from './dora.js';
export { type InsightsRouteContext, registerInsightsRoutes, releaseFacts } from './insights.routes.js';
