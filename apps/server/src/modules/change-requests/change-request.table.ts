import type { JsonObject } from '../events/index.js';

export const ChangeRequestStatus = { open: 'open', applied: 'applied', closed: 'closed' } as const;
export type ChangeRequestStatus = (typeof ChangeRequestStatus)[keyof typeof ChangeRequestStatus];

/** A proposed change of one flag's config in one protected environment. Users appear only as `user:<id>`. */
export interface ChangeRequest {
  id: string;
  project: string;
  environment: string;
  flag: string;
  /** The proposed environment config (fields of PUT …/environments/:env). */
  config: JsonObject;
  /** The flag version the proposal was based on; applying checks it is still current. */
  baseVersion: number;
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
      case ChangeRequestEvent.proposed:
        this.byId.set(payload.id, {
          id: payload.id,
          project: String(payload['project']),
          environment: String(payload['environment']),
          flag: String(payload['flag']),
          config: payload['config'] as JsonObject,
          baseVersion: Number(payload['baseVersion']),
          status: 'open',
          proposedBy: event.actor,
          approvals: [],
          revision: 1,
          createdAt: event.time,
          ...touched,
        });
        return;
      case ChangeRequestEvent.revised:
        if (current === undefined) return;
        this.byId.set(payload.id, {
          ...current,
          config: payload['config'] as JsonObject,
          baseVersion: Number(payload['baseVersion']),
          approvals: [],
          revision: current.revision + 1,
          ...touched,
        });
        return;
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
