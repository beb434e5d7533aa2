// Propagation: N SDK clients on SSE spread over W worker processes; one flag change; time from the change's
// acknowledgement (the admin API's answer) to each client having applied it (its `changed` event).
//   npm run build && node packages/node/bench/propagation.mjs [clients=1000] [workers=4]
// Starts `wavegate serve --memory` on a free port in a child process. Prints p50 / p99 / max in ms.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const role = process.argv[2];
if (role === 'worker') await worker();
else await main();

async function worker() {
  const { Wavegate } = await import('@wavegate/node');
  const [url, token, count] = [process.argv[3], process.argv[4], Number(process.argv[5])];
  const clients = Array.from(
    { length: count },
    () => new Wavegate({ url, token, metrics: false, readyTimeoutMs: 60_000 }),
  );
  await Promise.all(clients.map((c) => c.ready()));
  const applied = [];
  let cpuAtFirst;
  for (const c of clients) {
    c.once('changed', () => {
      if (applied.length === 0) cpuAtFirst = process.cpuUsage();
      applied.push(performance.timeOrigin + performance.now());
      if (applied.length === clients.length) {
        const cpu = process.cpuUsage(cpuAtFirst);
        const wall = applied.at(-1) - applied[0];
        console.error(
          `  worker: ${clients.length} applied over ${wall.toFixed(0)} ms using ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`,
        );
      }
    });
  }
  process.send({ type: 'ready' });
  process.on('message', async (m) => {
    if (m.type !== 'report') return;
    process.send({ type: 'applied', applied });
    await Promise.all(clients.map((c) => c.close()));
    process.exit(0);
  });
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function main() {
  const total = Number(process.argv[2] ?? 1000);
  const workers = Number(process.argv[3] ?? 4);
  const port = await freePort();
  const admin = `wg_admin_${randomBytes(32).toString('base64url')}`;
  const bin = fileURLToPath(new URL('../../../apps/server/bin/wavegate.js', import.meta.url));
  const server = spawn(process.execPath, [bin, 'serve', '--memory', '--port', String(port), '--log-level', 'silent'], {
    env: { ...process.env, WAVEGATE_ADMIN_TOKEN: admin },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/health/live`);
      break;
    } catch {
      if (i > 200) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await call('POST', '/api/v1/projects', { key: 'bench' });
  await call('POST', '/api/v1/projects/bench/environments', { key: 'production' });
  await call('POST', '/api/v1/projects/bench/flags', {
    key: 'checkout-v2',
    type: 'boolean',
    environments: { production: { enabled: true, rules: [], serve: { variant: 'on' } } },
  });
  const { secret } = await call('POST', '/api/v1/tokens', {
    kind: 'client',
    name: 'bench',
    project: 'bench',
    environment: 'production',
  });

  const self = fileURLToPath(import.meta.url);
  const children = [];
  for (let w = 0; w < workers; w++) {
    const n = Math.floor(total / workers) + (w < total % workers ? 1 : 0);
    const child = fork(self, ['worker', url, secret, String(n)], {
      execArgv: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/wgprof'] : [],
    });
    children.push(child);
  }
  await Promise.all(children.map((c) => new Promise((r) => c.once('message', r))));
  await new Promise((r) => setTimeout(r, 500));
  await call('POST', '/api/v1/projects/bench/flags/checkout-v2/environments/production/disable', {});
  const ack = performance.timeOrigin + performance.now();
  await new Promise((r) => setTimeout(r, 3000));
  const applied = [];
  const perWorker = [];
  await Promise.all(
    children.map(
      (c) =>
        new Promise((r) => {
          c.on('message', (m) => {
            if (m.type === 'applied') {
              applied.push(...m.applied);
              perWorker.push(m.applied.map((t) => t - ack).sort((a, b) => a - b));
              r();
            }
          });
          c.send({ type: 'report' });
        }),
    ),
  );
  server.kill('SIGTERM');
  const delays = applied.map((t) => t - ack).sort((a, b) => a - b);
  const q = (p) => delays[Math.min(delays.length - 1, Math.floor(p * (delays.length - 1)))];
  console.log(`clients ${total} in ${workers} processes: applied ${delays.length}/${total}`);
  console.log(
    `from acknowledgement to applied (ms): p50 ${q(0.5).toFixed(1)}  p99 ${q(0.99).toFixed(1)}  max ${delays.at(-1).toFixed(1)}`,
  );
  for (const w of perWorker) console.log(`  one process: first ${w[0].toFixed(1)} ms, last ${w.at(-1).toFixed(1)} ms`);
  console.log(`(negative = applied before the admin API's answer arrived; min ${delays[0].toFixed(1)})`);
}
