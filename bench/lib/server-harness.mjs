// Shared plumbing of the server benchmark: databases, child processes, RSS, and one bounded autocannon run.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

/** The PostgreSQL server the tests use; both products get their own database on it. */
export const baseDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:54329/postgres';

/** Creates database `name` on the base server (dropping it first when `fresh`); returns its URL. */
export async function ensureDatabase(name, { fresh = false } = {}) {
  const client = new pg.Client({ connectionString: baseDatabaseUrl });
  await client.connect();
  try {
    if (fresh) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The base server's durability settings, printed with the figures: the test PostgreSQL of scripts/test-postgres.sh
 * runs with fsync and synchronous_commit off (fast tests), a production server with both on.
 */
export async function postgresDurability() {
  const client = new pg.Client({ connectionString: baseDatabaseUrl });
  await client.connect();
  try {
    const show = async (name) => (await client.query(`SHOW ${name}`)).rows[0][name];
    return {
      fsync: await show('fsync'),
      synchronous_commit: await show('synchronous_commit'),
      full_page_writes: await show('full_page_writes'),
    };
  } finally {
    await client.end();
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The Node options the `wavegate` command starts with (its shebang, `#!/usr/bin/env -S node …`): a Wavegate server
 * under test runs as shipped. Other servers (the anchors) run with Node's defaults, as their own launchers do.
 */
export function wavegateNodeArgs() {
  const bin = fileURLToPath(new URL('../../apps/server/bin/wavegate.js', import.meta.url));
  const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0];
  const words = shebang
    .replace(/^#!\S+/, '')
    .trim()
    .split(/\s+/);
  const node = words.indexOf('node');
  return node < 0 ? [] : words.slice(node + 1);
}

/**
 * Starts `node [nodeArgs] script` with `env`, resolves with the child once it prints a JSON line with `ready: true`
 * (that line's fields are merged into the returned handle). Rejects after `timeoutMs` or if the child exits.
 */
export function startChild(script, env, { timeoutMs = 240_000, label = script, nodeArgs = [] } = {}) {
  // BENCH_CPU_PROF=DIR profiles the servers under test (written when they stop).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // BENCH_NODE_ARGS="--trace-gc --max-semi-space-size=32": extra V8/Node options for the servers under test.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...prof, ...nodeArgs, ...extra, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: not ready after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d;
      for (const line of buffer.split('\n').slice(0, -1)) {
        try {
          const msg = JSON.parse(line);
          if (msg.ready) {
            clearTimeout(timer);
            resolve({ ...msg, child, pid: child.pid, stderr: () => stderr });
          }
        } catch {
          // not our line: server logs
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before it was ready\n${stderr}`));
    });
  });
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process, in MB (from /proc). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/** CPU time (user + system) a process has used so far, in seconds (from /proc; clock ticks of 1/100 s). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] and fields[12] are utime and stime (fields 14 and 15 of proc(5), counted from the state field).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * One autocannon run. `request` is an autocannon request description (method, path, headers, body, or a
 * `setupRequest`). Resolves with req/s (mean), p99 latency (ms), status counts and errors.
 */
export async function load(url, request, { connections, durationS }) {
  const result = await autocannon({
    url,
    connections,
    duration: durationS,
    requests: [request],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]));
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  };
}

/** fetch with a deadline; throws on a non-expected status with the body in the message. */
export async function call(url, { method = 'GET', headers = {}, body, expect = [200] } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}
