import type { CommandExecutor } from './command-executor.js';
import type { Projection } from './projection.js';

/** What the admin route modules are given: the read model and the command executor. */
export interface CommandContext {
  projection: Projection;
  executor: CommandExecutor;
}
