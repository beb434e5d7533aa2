// Runs the Unleash server in its own process for the server benchmark (so the load generator does not share its
// event loop). Reads its settings from the environment, prints one JSON line `{"ready": true, "port": …}` once it
// listens, and stops on SIGTERM. Telemetry and version checks are off: the benchmark makes no outbound calls.
import { start } from 'unleash-server';

const url = new URL(process.env.BENCH_UNLEASH_DATABASE_URL);
const tokens = JSON.parse(process.env.BENCH_UNLEASH_TOKENS);

const unleash = await start({
  db: {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
    ssl: false,
  },
  server: { port: Number(process.env.BENCH_UNLEASH_PORT), host: '127.0.0.1' },
  logLevel: 'error',
  versionCheck: { enable: false },
  telemetry: false,
  // The metrics benchmark lifts the per-IP limit on POST /api/client/metrics (6,000 a minute by default), as it
  // lifts Wavegate's rate limits: all its requests come from 127.0.0.1.
  ...(process.env.BENCH_UNLEASH_METRICS_PER_MINUTE
    ? { metricsRateLimiting: { clientMetricsMaxPerMinute: Number(process.env.BENCH_UNLEASH_METRICS_PER_MINUTE) } }
    : {}),
  authentication: {
    type: 'open-source',
    enableApiToken: true,
    createAdminUser: false,
    initApiTokens: [
      { tokenName: 'bench-admin', type: 'admin', secret: tokens.admin, environment: '*', projects: ['*'] },
      {
        tokenName: 'bench-backend',
        type: 'backend',
        secret: tokens.backend,
        environment: 'development',
        projects: ['*'],
      },
      {
        tokenName: 'bench-frontend',
        type: 'frontend',
        secret: tokens.frontend,
        environment: 'development',
        projects: ['*'],
      },
    ],
  },
});
process.stdout.write(`${JSON.stringify({ ready: true, port: Number(process.env.BENCH_UNLEASH_PORT) })}\n`);
process.on('SIGTERM', async () => {
  await unleash.stop();
  process.exit(0);
});
