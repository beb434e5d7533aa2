// A light HTTP/1.1 load generator for the metrics ingestion benchmark: `connections` keep-alive TCP connections,
// one request in flight on each (no pipelining), every request a separate `POST` with its own batch id in the body
// and in `Idempotency-Key` — what an SDK sends. Requests are written as pre-formatted bytes (the batch id is
// spliced into a prepared body) and replies are framed by Content-Length (or by their chunks: the Unleash server
// sends its empty 202 chunked), so the generator spends little CPU of the machine it shares with the server.
// Bounded: it sends exactly `total` requests.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** Where a chunked body that starts at `at` ends (past its last chunk and trailers), or -1 while incomplete. */
function chunkedEnd(buffer, at) {
  for (;;) {
    const line = buffer.indexOf(CRLF, at);
    if (line < 0) return -1;
    const size = Number.parseInt(buffer.toString('latin1', at, line), 16);
    if (size === 0) {
      const end = buffer.indexOf(HEADER_END, line);
      return end < 0 ? -1 : end + 4;
    }
    at = line + 2 + size + 2;
    if (at > buffer.length) return -1;
  }
}

/**
 * Posts `warmup` then `total` bodies made by `body(batchId)` to `url` (http://host:port/path, or an array of them),
 * on the same connections. The warm-up requests (which include each connection's first) are left out of every
 * figure: when the last of them is answered (or at once without a warm-up), `onMeasureStart()` is called and the
 * clock starts. Resolves with the counts per status and the socket errors of the requests answered after that, the warm-up's accepted count, the latency
 * distribution (ms), the measured time (ms) and the generator's own CPU time (ms) over that time.
 */
export function postBatches({ url, headers, body, total, connections, warmup = 0, onMeasureStart = () => {} }) {
  // Several URLs (replicas of one server): connection c goes to url c mod n, as a round-robin balancer would.
  const targets = (Array.isArray(url) ? url : [url]).map((u) => new URL(u));
  const { pathname } = targets[0];
  const head = (target, id, length) =>
    `POST ${pathname} HTTP/1.1\r\nHost: ${target.hostname}:${target.port}\r\nConnection: keep-alive\r\n` +
    `${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}Idempotency-Key: ${id}\r\nContent-Length: ${length}\r\n\r\n`;
  const all = warmup + total;
  const warmStatuses = {};
  let statuses = warmup > 0 ? warmStatuses : {};
  const latencies = new Float64Array(total);
  let started = 0;
  let finished = 0;
  let measured = 0;
  let errors = 0;
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  const startMeasuring = () => {
    statuses = {};
    errors = 0;
    onMeasureStart();
    cpu0 = process.cpuUsage();
    t0 = performance.now();
  };
  if (warmup === 0) startMeasuring();
  return new Promise((resolve) => {
    const done = () => {
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const sorted = latencies.slice(0, measured).sort();
      const at = (q) => Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
      const accepted = (counts) => Object.entries(counts).reduce((n, [k, c]) => n + (k.startsWith('2') ? c : 0), 0);
      resolve({
        statuses,
        errors,
        warmupAccepted: warmup > 0 ? accepted(warmStatuses) : 0,
        latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) },
        elapsedMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
    };
    let open = connections;
    const closeOne = () => {
      if (--open === 0) done();
    };
    for (let c = 0; c < connections; c++) startConnection(targets[c % targets.length]);

    function startConnection(target) {
      const socket = connect(Number(target.port), target.hostname);
      socket.setNoDelay(true);
      let pending = Buffer.alloc(0);
      let sentAt = 0;
      let index = -1;
      const next = () => {
        if (started >= all) {
          socket.end();
          return;
        }
        index = started++;
        const id = randomUUID();
        const payload = Buffer.from(body(id));
        sentAt = performance.now();
        socket.write(Buffer.concat([Buffer.from(head(target, id, payload.length)), payload]));
      };
      socket.once('connect', next);
      socket.on('data', (chunk) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        const end = pending.indexOf(HEADER_END);
        if (end < 0) return;
        const headText = pending.toString('latin1', 0, end);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(headText)?.[1];
        const chunked = length === undefined && /\r\ntransfer-encoding:\s*chunked/i.test(headText);
        const replyEnd = chunked ? chunkedEnd(pending, end + 4) : end + 4 + Number(length ?? 0);
        if (replyEnd < 0 || pending.length < replyEnd) return;
        const status = headText.slice(9, 12);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (index >= warmup) latencies[measured++] = performance.now() - sentAt;
        if (++finished === warmup) startMeasuring();
        pending = pending.subarray(replyEnd);
        next();
      });
      socket.on('error', () => {
        errors++;
      });
      socket.on('close', closeOne);
    }
  });
}
