/** Where the CLI reads and writes. `main` takes one, so tests run commands in-process and read what they print. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Environment variables (only `env.ts` reads `process.env`; tests pass their own). */
  env: Readonly<Record<string, string | undefined>>;
  /** Current time (token expiry from `--expires-in`). */
  now(): Date;
  /** Reads all of standard input (`apply -f -`). */
  readStdin?(): Promise<string>;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Signals for `serve` (default `process`): `exit` is called once shutdown is done. */
  signals?: {
    on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): unknown;
    off(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): unknown;
  };
}

/** An error the CLI reports as one message (no stack) with an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit codes, as docs/cli.md lists them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  /** `diff` (and `apply --dry-run --detailed-exitcode`): the file differs from the server. */
  changes: 2,
  usage: 64,
} as const;
