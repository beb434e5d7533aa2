/**
 * Config-as-code: the `wavegate.yaml` document (docs/config-as-code.md, schema in docs/config.schema.json).
 * Pure functions, no I/O. The admin API's `POST /api/v1/apply` and `GET /api/v1/projects/:p/export`, and the
 * CLI's apply / diff / export, are built on these:
 *
 *   validateDocument(jsonBody)            → {ok, value: ConfigDocument} | {ok: false, problems}
 *   planApply(projectState, document, {prune})
 *                                         → {ok, value: {events, changes}} | {ok: false, problems}
 *     append `events` in one transaction (all or nothing); `changes` is the response's list for people.
 *     `problems` → 400 VALIDATION_FAILED with details.problems.
 *   exportDocument(projectState)          → ConfigDocument (JSON);  renderYaml(document) → YAML text
 *
 * Events use the contract's kinds and payloads. `flag.updated` from an apply carries the whole definition:
 * description, variants, salt and tags, with `null` (or `[]`) meaning "none". `environment.updated` carries
 * both `name` and `protected`. Every flag event carries, for each environment the document names, the
 * complete `FlagEnvironmentConfig` (an explicit offVariant included).
 */

export * from './alerts.types.js';
export { RESERVED_LABELS, renderAlertRule, validateAlertRule, validateAlertsSection } from './alerts-section.js';
export { EMPTY_STATE, planApply } from './apply-plan.js';
export { canonicalJson } from './canonical.js';
export { configSchema, KEY_PATTERN } from './config.schema.js';
export type * from './config.types.js';
export { ChangeAction } from './config.types.js';
export { exportDocument } from './document-export.js';
export { BOOLEAN_VARIANTS, defaultEnvironmentConfig, defaultOffVariant } from './document-normalize.js';
export { normalize, parseDocument, validateDocument } from './document-parse.js';
export { renderYaml } from './document-render.js';
export type * from './notifications.types.js';
export {
  formatNotificationDuration,
  type NotificationsCheckOptions,
  parseNotificationDuration,
  validateNotificationsSection,
} from './notifications-section.js';
export type * from './releases.types.js';
export { documentReleases } from './releases-section.js';
