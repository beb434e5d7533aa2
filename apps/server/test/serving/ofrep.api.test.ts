import { memoryDbOpener } from './helpers.js';
import { describeOfrepApi } from './ofrep.suite.js';

describeOfrepApi('PGlite', memoryDbOpener);
