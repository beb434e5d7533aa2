// Runs the Wavegate server (the built apps/server) in its own process for the server benchmark. Reads its
// settings from the environment, prints one JSON line `{"ready": true, …}` once it listens, stops on SIGTERM.
// Per-token rate limits are off: the benchmark measures capacity, and one token carries all the load.
const { startServer } = await import(process.env.BENCH_WAVEGATE_MAIN);

const server = await startServer({
  port: Number(process.env.BENCH_WAVEGATE_PORT),
  host: '127.0.0.1',
  databaseUrl: process.env.BENCH_WAVEGATE_DATABASE_URL,
  logger: false,
  adminToken: process.env.BENCH_WAVEGATE_ADMIN_TOKEN,
  rateLimits: { perToken: { admin: false, client: false, frontend: false }, failuresPerIp: false },
});
process.stdout.write(`${JSON.stringify({ ready: true, url: server.url })}\n`);
process.on('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
