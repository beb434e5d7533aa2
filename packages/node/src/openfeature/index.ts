export { WavegateProvider } from './provider.js';
