/**
 * Change requests: how a dashboard user changes what a protected environment serves (propose an operation →
 * another person approves → apply; ADR 0013, 0015). State is folded from `change-request.*` events; users appear
 * only as `user:<id>`.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { EventStore, StoredEvent } from '../events/index.js';
import type { CommandExecutor } from '../projection/index.js';
import { registerChangeRequestRoutes } from './change-request.routes.js';
import { ChangeRequestService } from './change-request.service.js';
import { CHANGE_REQUEST_KINDS, ChangeRequestTable } from './change-request.table.js';

export { coveredOperation } from './change-request.coverage.js';
export { type Operation, OperationKind } from './change-request.operation.js';
export { ChangeRequestService } from './change-request.service.js';
export type { ChangeRequest } from './change-request.table.js';

export interface ChangeRequestsModuleDeps {
  events: Pick<EventStore, 'read'>;
  executor: CommandExecutor;
  clock: Clock;
  /** Called after an applied release operation (wakes the release loop). */
  onReleaseApplied?: () => void;
  /** Every committed batch, this replica's and others' (the projection's `onApplied`). Returns unsubscribe. */
  follow(listener: (events: readonly StoredEvent[]) => void): () => void;
}

export interface ChangeRequestsModule {
  service: ChangeRequestService;
  /** Follows the log, then loads the change requests already in it. */
  start(): Promise<void>;
  registerRoutes(app: FastifyInstance): void;
  stop(): void;
}

export function createChangeRequestsModule(deps: ChangeRequestsModuleDeps): ChangeRequestsModule {
  const service = new ChangeRequestService({
    table: new ChangeRequestTable(),
    executor: deps.executor,
    clock: deps.clock,
    ...(deps.onReleaseApplied === undefined ? {} : { onReleaseApplied: deps.onReleaseApplied }),
  });
  let unsubscribe: (() => void) | undefined;
  return {
    service,
    async start() {
      unsubscribe = deps.follow((events) => service.applyAll(events));
      const loaded = await Promise.all(CHANGE_REQUEST_KINDS.map((kind) => deps.events.read({ kind })));
      service.applyAll(loaded.flat().sort((a, b) => a.seq - b.seq));
    },
    registerRoutes(app) {
      registerChangeRequestRoutes(app, service);
    },
    stop() {
      unsubscribe?.();
    },
  };
}
