import { describeClientApi } from './client.suite.js';
import { memoryDbOpener } from './helpers.js';

describeClientApi('PGlite', memoryDbOpener);
