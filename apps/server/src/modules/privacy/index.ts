/** GDPR: export of a person's data (`GET /api/v1/people/:id/export`, `wavegate privacy export`). */
export { registerPrivacyRoutes } from './privacy.routes.js';
export { exportPerson, type PersonExport } from './privacy.service.js';
