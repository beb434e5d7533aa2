import type { JsonObject } from '../events/index.js';
import { flagOf, type Operation, operationOfPayload } from './change-request.operation.js';

export const ChangeRequestStatus = { open: 'open', applied: 'applied', closed: 'closed' } as const;
export type ChangeRequestStatus = (typeof ChangeRequestStatus)[keyof typeof ChangeRequestStatus];

/** A proposed operation on a project (protected environments). Users appear only as `user:<id>`. */
export interface ChangeRequest {
  id: string;
  project: string;
  operation: Operation;
  /** The environment the operation acts in, when it acts in one (flag environment config, releases). */
  environment?: string;
  /** The flag it concerns, when it concerns one. */
  flag?: string;
  /** flag-environment only (as before operations): the proposed config (fields of PUT …/environments/:env). */
  config?: JsonObject;
  /** The target's version the proposal was based on; applying checks it is still current. */
  baseVersion: number;
  /** Release actions: the release's position the proposal was based on (checked instead of its version). */
  baseRelease?: { status: string; wave: number };
  status: ChangeRequestStatus;
  proposedBy: string;
  /** Actors who approved the current revision (reset by a revision). */
  approvals: string[];
  revision: number;
  createdAt: string;
  updatedAt: string;
  appliedBy?: string;
  closedBy?: string;
  /** seq of the last event that touched it. */
  version: number;
}

interface EventInput {
  seq: number;
  time: string;
  actor: string;
  kind: string;
  payload: unknown;
}

export const ChangeRequestEvent = {
  proposed: 'change-request.proposed',
  revised: 'change-request.revised',
  approved: 'change-request.approved',
  applied: 'change-request.applied',
  closed: 'change-request.closed',
} as const;

// The operation and the fields derived from it (environment, flag, and config for a flag-environment change).
function described(operation: Operation, environment: unknown) {
  const flag = flagOf(operation);
  return {
    operation,
    ...(typeof environment === 'string' ? { environment } : {}),
    ...(flag === undefined ? {} : { flag }),
    ...(operation.kind === 'flag-environment' ? { config: operation.config as JsonObject } : {}),
  };
}

function based(payload: JsonObject) {
  const release = payload['baseRelease'] as ChangeRequest['baseRelease'] | undefined;
  return { baseVersion: Number(payload['baseVersion']), ...(release === undefined ? {} : { baseRelease: release }) };
}

export const CHANGE_REQUEST_KINDS: readonly string[] = Object.values(ChangeRequestEvent);

/**
 * Change requests folded from `change-request.*` events. Idempotent per event (an event seen twice — from the
 * append and from the subscription — is applied once, by seq).
 */
export class ChangeRequestTable {
  private readonly byId = new Map<string, ChangeRequest>();

  apply(event: EventInput): void {
    if (!CHANGE_REQUEST_KINDS.includes(event.kind)) return;
    const payload = event.payload as JsonObject & { id: string };
    const current = this.byId.get(payload.id);
    if (current !== undefined && current.version >= event.seq) return;
    const touched = { updatedAt: event.time, version: event.seq };
    switch (event.kind) {
      case ChangeRequestEvent.proposed: {
        const operation = operationOfPayload(payload);
        this.byId.set(payload.id, {
          id: payload.id,
          project: String(payload['project']),
          ...described(operation, payload['environment']),
          ...based(payload),
          status: 'open',
          proposedBy: event.actor,
          approvals: [],
          revision: 1,
          createdAt: event.time,
          ...touched,
        });
        return;
      }
      case ChangeRequestEvent.revised: {
        if (current === undefined) return;
        const { id: _id, project: _p, environment: _e, flag: _f, config: _c, baseRelease: _b, ...rest } = current;
        const operation = operationOfPayload(payload, current.operation);
        this.byId.set(payload.id, {
          id: current.id,
          project: current.project,
          ...rest,
          ...described(operation, payload['environment'] ?? current.environment),
          ...based(payload),
          approvals: [],
          revision: current.revision + 1,
          ...touched,
        });
        return;
      }
      case ChangeRequestEvent.approved:
        if (current === undefined) return;
        this.byId.set(payload.id, { ...current, approvals: [...current.approvals, event.actor], ...touched });
        return;
      case ChangeRequestEvent.applied:
        if (current === undefined) return;
        this.byId.set(payload.id, { ...current, status: 'applied', appliedBy: event.actor, ...touched });
        return;
      default:
        if (current === undefined) return;
        this.byId.set(payload.id, { ...current, status: 'closed', closedBy: event.actor, ...touched });
    }
  }

  get(id: string): ChangeRequest | undefined {
    return this.byId.get(id);
  }

  list(filter: { project?: string; status?: ChangeRequestStatus } = {}): ChangeRequest[] {
    return [...this.byId.values()]
      .filter((cr) => filter.project === undefined || cr.project === filter.project)
      .filter((cr) => filter.status === undefined || cr.status === filter.status)
      .sort((a, b) => b.version - a.version);
  }
}
