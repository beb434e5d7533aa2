/** The audit trail: reading the event log (GET /api/v1/events) and verifying its hash chain. */
export { registerAuditRoutes } from './audit.routes.js';
export { ChainBreak, type VerifyResult, verifyChain, verifyEventLog } from './chain-verify.js';
