// The KV store's simulated clients against a running Wavegate, with /metrics for Prometheus: see README.md.
//   npx tsx --conditions wavegate-source examples/kv-service/simulate.ts --token $WAVEGATE_TOKEN [--faulty]
import { runPromService } from './run-prom-service.js';
import { kvService } from './service.js';

process.exitCode = await runPromService(kvService, 'kv-store', process.argv.slice(2), process.env);
