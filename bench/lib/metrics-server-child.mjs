// Runs the built Wavegate server for the metrics ingestion benchmark: PGlite in memory, or PostgreSQL when
// BENCH_METRICS_DATABASE_URL is set; write-through unless BENCH_METRICS_BUFFERED=1. Prints `{"ready": true, …}`.
const { startServer } = await import(process.env.BENCH_WAVEGATE_MAIN);

const databaseUrl = process.env.BENCH_METRICS_DATABASE_URL || undefined;
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  ...(databaseUrl === undefined ? { memory: true } : { databaseUrl }),
  logger: false,
  adminToken: process.env.BENCH_WAVEGATE_ADMIN_TOKEN,
  rateLimits: { perToken: { admin: false, client: false, frontend: false }, failuresPerIp: false },
  flagMetrics: process.env.BENCH_METRICS_BUFFERED === '1' ? { writeThrough: false, flushIntervalMs: 1000 } : {},
});
process.stdout.write(`${JSON.stringify({ ready: true, url: server.url })}\n`);
process.on('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
