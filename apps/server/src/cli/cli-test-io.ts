import { EventEmitter } from 'node:events';
import type { CliIo } from './io.js';

/** An IO that records what the CLI prints, for in-process tests. */
export interface RecordingIo extends CliIo {
  out: string[];
  err: string[];
  readonly stdoutText: string;
  readonly stderrText: string;
  signals: EventEmitter & NonNullable<CliIo['signals']>;
}

export function recordingIo(
  env: Record<string, string | undefined> = {},
  now = new Date('2026-01-01T00:00:00Z'),
): RecordingIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    get stdoutText() {
      return out.join('');
    },
    get stderrText() {
      return err.join('');
    },
    stdout: (text) => {
      out.push(text);
    },
    stderr: (text) => {
      err.push(text);
    },
    env,
    now: () => now,
    signals: new EventEmitter() as EventEmitter & NonNullable<CliIo['signals']>,
  };
}
