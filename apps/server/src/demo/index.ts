/**
 * `wavegate/simulator`: simulated services for demos, examples and end-to-end tests. A simulated service uses the
 * real Node SDK against a real server — its flag evaluated per simulated user, request outcomes drawn per variant
 * (seeded) and recorded through the SDK's middleware and `track`, posted to `POST /api/client/metrics` — so
 * releases are judged exactly as in production. A {@link TimeScale} runs server and SDKs on one accelerated clock
 * so that 10-second metric windows and re-checks take a fraction of a second in tests.
 *
 * @example
 * import { SimulatedService, startLocalServer, applyWithReleases, loadConfigFile } from 'wavegate/simulator';
 * const server = await startLocalServer({ speed: 10 });
 * await applyWithReleases(server.api, await loadConfigFile('wavegate.yaml'));
 * const token = await server.api.clientToken('shop', 'production');
 * const service = new SimulatedService(spec, {
 *   url: server.url, token, ratePerSecond: 100,
 *   clock: server.time.pacingClock, sdkClock: server.time.sdkClock, sdk: server.time.sdkTimeouts,
 * });
 * void service.run();
 */

export {
  AdminApi,
  AdminApiError,
  type DecisionView,
  type GateView,
  type ReleaseView,
} from './admin-api.js';
export { type Distribution, Draws } from './distributions.js';
export { type LocalServer, type LocalServerOptions, startLocalServer } from './local-server.js';
export {
  applyWithReleases,
  finished,
  loadConfigFile,
  type ReleaseDocument,
  scaleDurations,
  startReleases,
  type WatchOptions,
  waitForReleases,
} from './release-config.js';
export { type RunOptions, runScenarios, type Scenario, type ScenarioOutcome } from './scenario.js';
export {
  type ServiceSpec,
  SimulatedService,
  type SimulationOptions,
  type SimulationStats,
  type VariantProfile,
} from './simulator.js';
export { type ExampleScript, runExampleScript } from './simulator-script.js';
export { createTimeScale, type PinnableClock, type SdkTimeouts, type TimeScale } from './time-scale.js';
