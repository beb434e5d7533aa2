import { postgresDbOpener } from './helpers.js';
import { describeOfrepApi } from './ofrep.suite.js';

describeOfrepApi('PostgreSQL', postgresDbOpener);
