import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { JsonObject, StoredEvent } from '../events/index.js';
import type { CommandExecutor, DomainState, PlannedEvent } from '../projection/index.js';
import type { Operation } from './change-request.operation.js';
import { type Base, baseOf, environmentOf, planOperation } from './change-request.plan.js';
import { type ChangeRequest, ChangeRequestEvent, type ChangeRequestTable } from './change-request.table.js';

export interface ProposeInput {
  project: string;
  operation: Operation;
}

export interface ChangeRequestServiceDeps {
  table: ChangeRequestTable;
  executor: CommandExecutor;
  clock: Clock;
  /** Called after an applied release operation (wakes the release loop). */
  onReleaseApplied?: () => void;
}

const subject = (id: string) => `change-request:${id}`;

/**
 * Change requests for protected environments: propose → another person approves → apply. An operation is
 * validated at proposal by the same command as the direct request (its events discarded). The proposer cannot
 * approve their own request; a revision clears the approvals; applying checks the target is still where the
 * proposal found it (else 409: revise it) and appends the operation's events and `change-request.applied` together.
 * Every decision is taken inside the command executor, so two concurrent actions are decided one after the other.
 */
export class ChangeRequestService {
  private readonly table: ChangeRequestTable;
  private readonly executor: CommandExecutor;

  constructor(private readonly deps: ChangeRequestServiceDeps) {
    this.table = deps.table;
    this.executor = deps.executor;
  }

  list(filter: Parameters<ChangeRequestTable['list']>[0]): ChangeRequest[] {
    return this.table.list(filter);
  }

  get(id: string): ChangeRequest {
    const found = this.table.get(id);
    if (found === undefined) throw new AppError(ErrorCode.NOT_FOUND, `no change request ${id}`);
    return found;
  }

  propose(input: ProposeInput, actor: string): Promise<ChangeRequest> {
    const id = `cr_${randomBytes(6).toString('hex')}`;
    return this.run(actor, id, (state) => {
      const checked = this.check(state, input.project, input.operation, actor);
      const payload: JsonObject = { id, project: input.project, ...checked };
      return [{ kind: ChangeRequestEvent.proposed, subject: subject(id), payload }];
    });
  }

  /** The proposer replaces the operation (same kind); the approvals are cleared. */
  revise(id: string, operation: Operation, actor: string): Promise<ChangeRequest> {
    return this.run(actor, id, (state) => {
      const cr = this.open(id);
      if (cr.proposedBy !== actor) throw new AppError(ErrorCode.FORBIDDEN, 'only the proposer may revise it');
      if (operation.kind !== cr.operation.kind) {
        throw AppError.validation(`a revision keeps the operation kind (${cr.operation.kind})`, [
          { path: 'operation.kind', code: 'kind_changed', message: `must stay ${cr.operation.kind}` },
        ]);
      }
      const payload: JsonObject = { id, ...this.check(state, cr.project, operation, actor) };
      return [{ kind: ChangeRequestEvent.revised, subject: subject(id), payload }];
    });
  }

  /** A flag-environment revision given as a config alone (the API before operations). */
  reviseConfig(id: string, config: JsonObject, actor: string): Promise<ChangeRequest> {
    const cr = this.get(id);
    if (cr.operation.kind !== 'flag-environment') {
      throw AppError.validation('only a flag-environment change request is revised with config alone', [
        { path: 'config', code: 'use_operation', message: 'send {operation} for this change request' },
      ]);
    }
    return this.revise(id, { ...cr.operation, config }, actor);
  }

  approve(id: string, actor: string): Promise<ChangeRequest> {
    return this.run(actor, id, () => {
      const cr = this.open(id);
      if (cr.proposedBy === actor) throw new AppError(ErrorCode.FORBIDDEN, 'you may not approve your own change');
      if (cr.approvals.includes(actor)) return [];
      return [{ kind: ChangeRequestEvent.approved, subject: subject(id), payload: { id, revision: cr.revision } }];
    });
  }

  async apply(id: string, actor: string): Promise<ChangeRequest> {
    const applied = await this.run(actor, id, (state) => {
      const cr = this.open(id);
      if (cr.approvals.length === 0) {
        throw new AppError(ErrorCode.PRECONDITION_FAILED, 'the change request needs an approval by another person');
      }
      const base: Base = {
        version: cr.baseVersion,
        ...(cr.baseRelease === undefined ? {} : { release: cr.baseRelease }),
      };
      const change = planOperation(state, cr.project, cr.operation, base, { now: this.now(), actor });
      return [...change, { kind: ChangeRequestEvent.applied, subject: subject(id), payload: { id } }];
    });
    if (applied.operation.kind.startsWith('release-')) this.deps.onReleaseApplied?.();
    return applied;
  }

  close(id: string, actor: string): Promise<ChangeRequest> {
    return this.run(actor, id, () => {
      this.open(id);
      return [{ kind: ChangeRequestEvent.closed, subject: subject(id), payload: { id } }];
    });
  }

  /**
   * Validates an operation against the current state like the direct request (the events are discarded); returns
   * the payload fields of a proposal or revision: the operation, its base, and the legacy flag-environment fields
   * (`flag`, `environment`, `config`) that readers of the log before operations know.
   */
  private check(state: DomainState, project: string, operation: Operation, actor: string): JsonObject {
    if (state.projects[project] === undefined) throw new AppError(ErrorCode.NOT_FOUND, `no project ${project}`);
    const base = baseOf(state, project, operation);
    planOperation(state, project, operation, base, { now: this.now(), actor });
    const environment = environmentOf(state, project, operation);
    const legacy: JsonObject =
      operation.kind === 'flag-environment' ? { flag: operation.flag, config: operation.config as JsonObject } : {};
    return {
      operation: operation as unknown as JsonObject,
      ...legacy,
      ...(environment === undefined ? {} : { environment }),
      baseVersion: base.version,
      ...(base.release === undefined ? {} : { baseRelease: base.release as JsonObject }),
    };
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  private open(id: string): ChangeRequest {
    const cr = this.get(id);
    if (cr.status !== 'open') throw new AppError(ErrorCode.CONFLICT, `change request ${id} is ${cr.status}`);
    return cr;
  }

  private async run(actor: string, id: string, decide: (s: DomainState) => PlannedEvent[]): Promise<ChangeRequest> {
    const { events } = await this.executor.execute(actor, decide);
    this.applyAll(events);
    return this.get(id);
  }

  applyAll(events: readonly StoredEvent[]): void {
    for (const event of events) this.table.apply(event);
  }
}
