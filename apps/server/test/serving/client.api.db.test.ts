import { describeClientApi } from './client.suite.js';
import { postgresDbOpener } from './helpers.js';

describeClientApi('PostgreSQL', postgresDbOpener);
