import { randomUUID } from 'node:crypto';
import type { Clock, Random } from './clock.js';
import type { WavegateError } from './errors.js';
import { MetricsRecorder } from './metrics/recorder.js';
import { MetricsReporter } from './metrics/reporter.js';
import type { WavegateOptions } from './options.js';
import { type SyncDeps, Synchronizer } from './sync/synchronizer.js';

/** Options defaults, in one place: the client's parts built from its options. */
const metricsOf = (o: WavegateOptions) => (o.metrics === false ? {} : (o.metrics ?? {}));

/** The metrics reporter of a client. */
export function createReporter(
  o: WavegateOptions,
  url: string,
  fetchImpl: typeof globalThis.fetch,
  clock: Clock,
  random: Random,
  hooks: { configVersion(): number | undefined; onError(error: WavegateError): void },
): MetricsReporter {
  const m = metricsOf(o);
  return new MetricsReporter({
    baseUrl: url,
    token: o.token,
    fetch: fetchImpl,
    clock,
    random,
    maxBufferedWindows: m.maxBufferedWindows ?? 360,
    maxWindowsPerBatch: m.maxWindowsPerBatch ?? 30,
    requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
    instanceId: randomUUID(),
    ...hooks,
  });
}

/** The metrics recorder of a client. */
export function createRecorder(o: WavegateOptions, clock: Clock, reporter: MetricsReporter): MetricsRecorder {
  const m = metricsOf(o);
  return new MetricsRecorder({
    clock,
    monotonic: clock.monotonic === undefined ? () => performance.now() : () => clock.monotonic!(),
    windowMs: m.windowMs ?? 10_000,
    exposures: m.exposures ?? true,
    unitAttribute: m.unitAttribute ?? 'userId',
    allUnits: m.units === 'all',
    reporter,
  });
}

/** The synchronizer of a client. */
export function createSynchronizer(
  o: WavegateOptions,
  url: string,
  fetchImpl: typeof globalThis.fetch,
  clock: Clock,
  random: Random,
  hooks: Pick<SyncDeps, 'baseVersion' | 'onSnapshot' | 'onDelta' | 'onContact' | 'onResumed' | 'onError'>,
): Synchronizer {
  return new Synchronizer({
    baseUrl: url,
    token: o.token,
    fetch: fetchImpl,
    clock,
    random,
    streaming: o.streaming ?? true,
    timing: {
      initialDelayMs: o.reconnect?.initialDelayMs ?? 500,
      maxDelayMs: o.reconnect?.maxDelayMs ?? 30_000,
      heartbeatTimeoutMs: o.heartbeatTimeoutMs ?? 45_000,
      pollIntervalMs: o.pollIntervalMs ?? 15_000,
      requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
    },
    ...hooks,
  });
}
