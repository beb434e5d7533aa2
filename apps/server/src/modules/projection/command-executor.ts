import { AppError, ErrorCode } from '../../platform/errors.js';
import { SerialQueue } from '../../platform/serial.js';
import { type EventStore, HeadMovedError, type JsonObject, type StoredEvent } from '../events/index.js';
import type { Projection } from './projection.js';
import type { DomainState } from './state.js';

/** An event a command wants appended; the executor adds the actor. */
export interface PlannedEvent {
  kind: string;
  subject: string;
  payload: JsonObject;
}

/** Decides, from the current state, which events a command appends; throws AppError to refuse. Pure. */
export type Decide = (state: DomainState) => PlannedEvent[];

export interface ExecuteResult {
  events: StoredEvent[];
  /** The projection state right after the events were applied. */
  state: DomainState;
}

const MAX_ATTEMPTS = 20;

/**
 * Runs commands: catch up the projection, decide against it, append the decided events in one transaction on
 * the condition that the log has not moved since (`expectedHead`), retrying the whole decision when another
 * writer (another replica) got there first. Commands of this process run one at a time, so two concurrent
 * updates of one resource are decided in turn: the second sees the first's version and gets 409.
 */
export class CommandExecutor {
  readonly #queue = new SerialQueue();

  constructor(
    private readonly events: EventStore,
    private readonly projection: Projection,
  ) {}

  execute(actor: string, decide: Decide): Promise<ExecuteResult> {
    return this.#queue.run(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        await this.projection.catchUp();
        const head = this.projection.seq;
        const planned = decide(this.projection.state);
        if (planned.length === 0) return { events: [], state: this.projection.state };
        try {
          const stored = await this.events.appendBatch(
            planned.map((e) => ({ actor, ...e })),
            { expectedHead: head },
          );
          // The store's listeners ran before appendBatch resolved; catching up covers a listener-less store.
          await this.projection.catchUp();
          return { events: stored, state: this.projection.state };
        } catch (error) {
          if (error instanceof HeadMovedError) continue;
          throw error;
        }
      }
      throw new AppError(ErrorCode.CONFLICT, 'the event log kept moving; try again', { details: { retryable: true } });
    });
  }
}
