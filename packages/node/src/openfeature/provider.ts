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
} from '@openfeature/server-sdk';
import type { FlagType } from '@wavegate/core';
import { type Evaluation, Wavegate } from '../client.js';
import type { WavegateOptions } from '../options.js';

/**
 * An OpenFeature provider (`@openfeature/server-sdk`) over a {@link Wavegate} client: local evaluation, reasons
 * and error codes passed through (the core's names are OpenFeature's), `targetingKey` as the unit (the core's alias of
 * `userId`), variants, and provider events: READY (also after recovery), CONFIGURATION_CHANGED with the changed
 * flag keys, STALE, and ERROR when the server refuses the token or sends bad data.
 *
 * @example
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { WavegateProvider } from '@wavegate/node/openfeature';
 * await OpenFeature.setProviderAndWait(new WavegateProvider({ url, token }));
 * const enabled = await OpenFeature.getClient().getBooleanValue('checkout-v2', false, { targetingKey: 'u-42' });
 */
export class WavegateProvider implements Provider {
  /** Provider name reported to OpenFeature. */
  readonly metadata = { name: 'wavegate' } as const;
  /** A server-side provider. */
  readonly runsOn = 'server' as const;
  /** Provider events (READY, CONFIGURATION_CHANGED, STALE, ERROR). */
  readonly events = new OpenFeatureEventEmitter();
  /** The client evaluating flags (created by the provider from options, or the one given). */
  readonly client: Wavegate;
  private readonly owned: boolean;
  private initialized = false;

  /** Pass a client to share it, or options to let the provider own one (closed by `onClose`). */
  constructor(clientOrOptions: Wavegate | WavegateOptions) {
    this.owned = !(clientOrOptions instanceof Wavegate);
    this.client = clientOrOptions instanceof Wavegate ? clientOrOptions : new Wavegate(clientOrOptions);
    this.client.on('changed', (keys) => {
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: keys });
    });
    this.client.on('stale', () => this.events.emit(ProviderEvents.Stale, { message: 'no answer from the server' }));
    this.client.on('recovered', () => this.events.emit(ProviderEvents.Ready, {}));
    this.client.on('ready', () => {
      if (this.initialized) this.events.emit(ProviderEvents.Ready, {});
    });
    this.client.on('error', (error) => {
      if (error.code === 'UNAUTHENTICATED' || error.code === 'BAD_DATA') {
        this.events.emit(ProviderEvents.Error, { message: error.message });
      }
    });
  }

  /** Waits for the client to be ready; a refused token is fatal. */
  async initialize(_context?: EvaluationContext): Promise<void> {
    try {
      await this.client.ready();
    } catch (error) {
      if ((error as { code?: string }).code === 'UNAUTHENTICATED') throw new ProviderFatalError(String(error));
      throw error;
    } finally {
      this.initialized = true;
    }
  }

  /** Closes the client if the provider created it. */
  async onClose(): Promise<void> {
    if (this.owned) await this.client.close();
  }

  /** Resolve a boolean flag locally (OpenFeature `Provider` method). */
  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
    _logger: Logger,
  ): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'boolean'));
  }

  /** Resolve a string flag locally (OpenFeature `Provider` method). */
  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
    _logger: Logger,
  ): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'string'));
  }

  /** Resolve a number flag locally (OpenFeature `Provider` method). */
  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
    _logger: Logger,
  ): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'number'));
  }

  /** Resolve a object flag locally (OpenFeature `Provider` method). */
  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    _logger: Logger,
  ): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue as never, context, 'json') as ResolutionDetails<T>);
  }

  /** OpenFeature tracking → {@link Wavegate.track} (the details' `value`, else 1). */
  track(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails): void {
    this.client.track(trackingEventName, context, details?.value ?? 1);
  }

  private resolve<T extends boolean | string | number | JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    type: FlagType,
  ): ResolutionDetails<T> {
    const r = this.client.details(flagKey, context, defaultValue as never, type) as Evaluation<T>;
    return toResolution(r, this.client.source === 'none');
  }
}

function toResolution<T>(r: Evaluation<T>, notReady: boolean): ResolutionDetails<T> {
  const flagMetadata: Record<string, number | string> = {};
  if (r.ruleIndex !== undefined) flagMetadata.ruleIndex = r.ruleIndex;
  if (r.rollout !== undefined) flagMetadata.rolloutArm = r.rollout.arm;
  const out: ResolutionDetails<T> = { value: r.value, variant: r.variant, reason: r.reason, flagMetadata };
  if (r.errorCode !== undefined) {
    out.errorCode = (notReady ? 'PROVIDER_NOT_READY' : r.errorCode) as ResolutionDetails<T>['errorCode'];
    out.errorMessage = r.errorMessage;
  }
  return out;
}
