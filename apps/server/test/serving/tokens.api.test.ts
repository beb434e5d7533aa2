import { memoryDbOpener } from './helpers.js';
import { describeTokensApi } from './tokens.suite.js';

describeTokensApi('PGlite', memoryDbOpener);
