// One manual clock for the tests of both SDKs: the Node SDK's (a superset of the web SDK's Clock).
export { ManualClock } from '../../node/test/manual-clock.js';
