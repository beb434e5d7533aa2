// Load pieces of the soak run (bench/soak.mjs): an open-loop request generator at a fixed rate over keep-alive
// connections, SSE clients that count their frames, and latency summaries. No dependencies beyond node:http.
import http from 'node:http';

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One HTTP request; resolves { status, ms } or { error, ms }. Never rejects. */
export function request(agent, base, { method, path, headers, body }) {
  const started = process.hrtime.bigint();
  const done = (out) => ({ ...out, ms: Number(process.hrtime.bigint() - started) / 1e6 });
  return new Promise((resolve) => {
    const req = http.request(`${base}${path}`, { method, headers, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(done({ status: res.statusCode })));
      res.on('error', (error) => resolve(done({ error: error.message })));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve(done({ error: error.message })));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Fires `rate` requests per second for `durationMs`, in ticks of 10 ms, whatever the answers' speed (open loop: a
 * slow server shows as latency, not as a lower offered rate). At most `maxInflight` requests are outstanding: a
 * request due while the backlog is full is counted as `skipped` (the server, or this machine, is saturated) instead
 * of piling up without bound. `next()` picks the request and its kind. Resolves { scheduled, sent, skipped }.
 */
export async function runOpenLoop({ base, rate, durationMs, next, onResult, maxSockets = 64, maxInflight = 2 * rate }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const started = Date.now();
  const inflight = new Set();
  let scheduled = 0;
  let sent = 0;
  while (Date.now() - started < durationMs) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; scheduled < due; scheduled += 1) {
      if (inflight.size >= maxInflight) continue;
      const { kind, spec, ok } = next(scheduled);
      const p = request(agent, base, spec).then((r) => onResult(kind, r, ok));
      inflight.add(p);
      p.finally(() => inflight.delete(p));
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(inflight);
  agent.destroy();
  return { scheduled, sent, skipped: scheduled - sent };
}

/** Opens `count` SSE streams; tracks open streams, frames, and streams that ended or failed (errors). */
export function openStreams(base, path, headers, count) {
  const state = { open: 0, frames: 0, errors: 0, requests: [] };
  const agent = new http.Agent({ keepAlive: true, maxSockets: count + 10 });
  for (let i = 0; i < count; i += 1) {
    const req = http.get(`${base}${path}`, { headers: { ...headers, accept: 'text/event-stream' }, agent }, (res) => {
      if (res.statusCode !== 200) {
        state.errors += 1;
        res.resume();
        return;
      }
      state.open += 1;
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        state.frames += (chunk.match(/\n\n/g) ?? []).length;
      });
      res.on('close', () => {
        state.open -= 1;
        if (!state.closing) state.errors += 1;
      });
    });
    req.on('error', () => {
      if (!state.closing) state.errors += 1;
    });
    state.requests.push(req);
  }
  state.close = () => {
    state.closing = true;
    for (const req of state.requests) req.destroy();
    agent.destroy();
  };
  return state;
}

/** Least-squares slope of y over x. */
export function slope(points) {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}
