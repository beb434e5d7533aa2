// The order service's simulated traffic against a running Wavegate, with /metrics for Prometheus: see README.md.
//   npx tsx --conditions wavegate-source examples/order-management/simulate.ts --token $WAVEGATE_TOKEN [--faulty]
import { runPromService } from '../kv-service/run-prom-service.js';
import { orderService } from './service.js';

process.exitCode = await runPromService(orderService, 'orders', process.argv.slice(2), process.env);
