import { postgresDbOpener } from './helpers.js';
import { describeTokensApi } from './tokens.suite.js';

describeTokensApi('PostgreSQL', postgresDbOpener);
