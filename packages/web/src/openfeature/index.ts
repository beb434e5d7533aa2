/** `@wavegate/web/openfeature` — the OpenFeature web provider (needs `@openfeature/web-sdk`). */
export { WavegateWebProvider } from './provider.js';
