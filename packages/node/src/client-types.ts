import type { EvaluationResult, JsonValue } from '@wavegate/core';
import type { WavegateError } from './errors.js';

/** Where the config being served came from. */
export type ConfigSource = 'none' | 'bootstrap' | 'cache' | 'server';

/** Events of a {@link Wavegate} client. Listeners must not throw (a throwing listener is ignored). */
export interface WavegateEvents {
  /** The first config from the server was applied (or `ready()` settled on a local config). */
  ready: () => void;
  /** A new config changed these flags (sorted keys); `version` is the new config version. */
  changed: (keys: string[], version: number) => void;
  /** Something failed in the background; the client keeps serving the last config. */
  error: (error: WavegateError) => void;
  /** No good answer from the server for `staleAfterMs`: the config served may be out of date. */
  stale: () => void;
  /** The server answers again after `stale`. */
  recovered: () => void;
}

/** An evaluation result, as {@link Wavegate.variant} returns it (the core's result; see `@wavegate/core`). */
export type Evaluation<T = JsonValue> = EvaluationResult<T>;
