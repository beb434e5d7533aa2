import { randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { JsonObject, StoredEvent } from '../events/index.js';
import { type EnvironmentConfigInput, requireFlag, setFlagEnvironment } from '../flags/index.js';
import type { CommandExecutor, DomainState, PlannedEvent } from '../projection/index.js';
import { type ChangeRequest, ChangeRequestEvent, type ChangeRequestTable } from './change-request.table.js';

export interface ProposeInput {
  project: string;
  environment: string;
  flag: string;
  config: EnvironmentConfigInput;
}

const subject = (id: string) => `change-request:${id}`;

/**
 * Change requests for protected environments: propose → another person approves → apply. The proposer cannot
 * approve their own request; a revision clears the approvals; applying checks the flag is still at the version the
 * proposal was based on (else 409: revise it) and appends the flag change and `change-request.applied` together.
 * Every decision is taken inside the command executor, so two concurrent actions are decided one after the other.
 */
export class ChangeRequestService {
  constructor(
    private readonly table: ChangeRequestTable,
    private readonly executor: CommandExecutor,
  ) {}

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
      const baseVersion = this.check(state, input);
      const payload: JsonObject = { id, ...input, config: input.config as JsonObject, baseVersion };
      return [{ kind: ChangeRequestEvent.proposed, subject: subject(id), payload }];
    });
  }

  revise(id: string, config: EnvironmentConfigInput, actor: string): Promise<ChangeRequest> {
    return this.run(actor, id, (state) => {
      const cr = this.open(id);
      if (cr.proposedBy !== actor) throw new AppError(ErrorCode.FORBIDDEN, 'only the proposer may revise it');
      const baseVersion = this.check(state, { ...cr, config });
      const payload: JsonObject = { id, config: config as JsonObject, baseVersion };
      return [{ kind: ChangeRequestEvent.revised, subject: subject(id), payload }];
    });
  }

  approve(id: string, actor: string): Promise<ChangeRequest> {
    return this.run(actor, id, () => {
      const cr = this.open(id);
      if (cr.proposedBy === actor) throw new AppError(ErrorCode.FORBIDDEN, 'you may not approve your own change');
      if (cr.approvals.includes(actor)) return [];
      return [{ kind: ChangeRequestEvent.approved, subject: subject(id), payload: { id, revision: cr.revision } }];
    });
  }

  apply(id: string, actor: string): Promise<ChangeRequest> {
    return this.run(actor, id, (state) => {
      const cr = this.open(id);
      if (cr.approvals.length === 0) {
        throw new AppError(ErrorCode.PRECONDITION_FAILED, 'the change request needs an approval by another person');
      }
      const config = cr.config as EnvironmentConfigInput;
      const change = setFlagEnvironment(state, cr.project, cr.flag, cr.environment, config, cr.baseVersion);
      return [...change, { kind: ChangeRequestEvent.applied, subject: subject(id), payload: { id } }];
    });
  }

  close(id: string, actor: string): Promise<ChangeRequest> {
    return this.run(actor, id, () => {
      this.open(id);
      return [{ kind: ChangeRequestEvent.closed, subject: subject(id), payload: { id } }];
    });
  }

  /** Validates the proposal against the current state; returns the flag version it is based on. */
  private check(state: DomainState, input: Pick<ProposeInput, 'project' | 'environment' | 'flag'> & ProposeInput) {
    const project = state.projects[input.project];
    if (project === undefined) throw new AppError(ErrorCode.NOT_FOUND, `no project ${input.project}`);
    const flag = requireFlag(project, input.flag);
    // Validation only (every problem listed); the events are discarded.
    setFlagEnvironment(state, input.project, input.flag, input.environment, input.config, flag.version);
    return flag.version;
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
