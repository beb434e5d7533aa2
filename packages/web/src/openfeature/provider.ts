import {
  type EvaluationContext,
  type JsonValue,
  type Logger,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  ProviderFatalError,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import { WavegateWeb, type WavegateWebOptions } from '../client.js';
import type { FlagType, WebEvaluation } from '../types.js';

/**
 * An OpenFeature web provider (`@openfeature/web-sdk`) over a {@link WavegateWeb} client. OpenFeature's static
 * context is the client's context: `initialize` and `onContextChange` re-evaluate it on the server (the SDK shows
 * RECONCILING meanwhile). Values, variants, reasons and error codes pass through (Wavegate's reasons are
 * OpenFeature's; a wrong type is `TYPE_MISMATCH`, nothing loaded is `PROVIDER_NOT_READY`); `flagMetadata` carries
 * the server's `configVersion` and `ruleIndex`. Events: CONFIGURATION_CHANGED with the changed keys when the config
 * changes on the server, ERROR when the server refuses the token or answers garbage, READY again when it answers
 * after such an error.
 *
 * @example
 * import { OpenFeature } from '@openfeature/web-sdk';
 * import { WavegateWebProvider } from '@wavegate/web/openfeature';
 * await OpenFeature.setContext({ targetingKey: 'u-42' });
 * await OpenFeature.setProviderAndWait(new WavegateWebProvider({ url, token: 'wg_frontend_…' }));
 * OpenFeature.getClient().getBooleanValue('checkout-v2', false);
 */
export class WavegateWebProvider implements Provider {
  /** Provider name reported to OpenFeature. */
  readonly metadata = { name: 'wavegate-web' } as const;
  /** A client-side (static context) provider. */
  readonly runsOn = 'client' as const;
  /** Provider events (CONFIGURATION_CHANGED, ERROR, READY after an error). */
  readonly events = new OpenFeatureEventEmitter();
  /** The client evaluating flags (created by the provider from options, or the one given). */
  readonly client: WavegateWeb;
  private readonly owned: boolean;
  private inError = false;
  private initFailed = false;

  /** Pass a client to share it, or options to let the provider own one (closed by `onClose`). */
  constructor(clientOrOptions: WavegateWeb | WavegateWebOptions) {
    this.owned = !(clientOrOptions instanceof WavegateWeb);
    this.client = clientOrOptions instanceof WavegateWeb ? clientOrOptions : new WavegateWeb(clientOrOptions);
    this.client.on('ready', () => {
      // initialize() failed on a timeout; the first answer came later.
      if (!this.initFailed) return;
      this.initFailed = false;
      this.events.emit(ProviderEvents.Ready, {});
    });
    this.client.on('recovered', () => {
      if (!this.inError) return;
      this.inError = false;
      this.events.emit(ProviderEvents.Ready, {});
    });
    this.client.on('changed', (keys, cause) => {
      // Changes from a new context are announced by OpenFeature itself (CONTEXT_CHANGED).
      if (cause === 'config') this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: keys });
    });
    this.client.on('error', (error) => {
      if (error.code === 'UNAUTHENTICATED' || error.code === 'BAD_DATA') {
        this.inError = true;
        this.events.emit(ProviderEvents.Error, { message: error.message });
      }
    });
  }

  /** Evaluates OpenFeature's static context and waits for the answer; a refused token is fatal. */
  async initialize(context?: EvaluationContext): Promise<void> {
    try {
      // A failed first fetch is retried by the client; ready() says when to give up (timeout, refused token).
      if (context !== undefined) await this.client.setContext(context).catch(() => {});
      await this.client.ready();
    } catch (error) {
      if ((error as { code?: string }).code === 'UNAUTHENTICATED') throw new ProviderFatalError(String(error));
      this.initFailed = true;
      throw error;
    }
  }

  /** Re-evaluates for the new static context (OpenFeature shows RECONCILING until it resolves). */
  async onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): Promise<void> {
    await this.client.setContext(newContext);
  }

  /** Closes the client if the provider created it. */
  async onClose(): Promise<void> {
    if (this.owned) await this.client.close();
  }

  /** Resolve a boolean flag from the cached evaluation (OpenFeature `Provider` method). */
  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    _context: EvaluationContext,
    _logger: Logger,
  ): ResolutionDetails<boolean> {
    return this.resolve(flagKey, defaultValue, 'boolean');
  }

  /** Resolve a string flag from the cached evaluation (OpenFeature `Provider` method). */
  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    _context: EvaluationContext,
    _logger: Logger,
  ): ResolutionDetails<string> {
    return this.resolve(flagKey, defaultValue, 'string');
  }

  /** Resolve a number flag from the cached evaluation (OpenFeature `Provider` method). */
  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    _context: EvaluationContext,
    _logger: Logger,
  ): ResolutionDetails<number> {
    return this.resolve(flagKey, defaultValue, 'number');
  }

  /** Resolve an object flag from the cached evaluation (OpenFeature `Provider` method). */
  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    _context: EvaluationContext,
    _logger: Logger,
  ): ResolutionDetails<T> {
    return this.resolve(flagKey, defaultValue, 'json');
  }

  /** OpenFeature tracking → {@link WavegateWeb.track} (the details' `value`, else 1). */
  track(trackingEventName: string, _context: EvaluationContext, details: TrackingEventDetails): void {
    this.client.track(trackingEventName, details?.value ?? 1);
  }

  private resolve<T>(flagKey: string, defaultValue: T, type: FlagType): ResolutionDetails<T> {
    return toResolution(this.client.details(flagKey, defaultValue, type));
  }
}

function toResolution<T>(r: WebEvaluation<T>): ResolutionDetails<T> {
  const out: ResolutionDetails<T> = { value: r.value, reason: r.reason, flagMetadata: r.metadata ?? {} };
  if (r.variant !== undefined) out.variant = r.variant;
  if (r.errorCode !== undefined) {
    out.errorCode = r.errorCode as ResolutionDetails<T>['errorCode'];
    out.errorMessage = r.errorMessage;
  }
  return out;
}
