import { backoff, type ClientState } from './client-state.js';
import { WavegateWebError } from './errors.js';

// Delivery of the metric batches the collector cuts (metrics.ts): a bounded queue, posted one batch at a time to
// `POST /api/client/metrics` with the batch id as idempotency key, kept for the next flush while the server does
// not take it, on a flush timer that backs off after failures.

/** Closes the current metric window and sends what is queued (one attempt per batch). */
export async function flush(s: ClientState): Promise<void> {
  if (!s.metrics) return;
  enqueue(s);
  await sendQueued(s);
}

/** Cuts the current window into a batch and queues it; the oldest batches beyond the bound are dropped (counted). */
export function enqueue(s: ClientState): void {
  const batch = s.metrics?.cut(s.configVersion);
  if (batch === undefined) return;
  s.sendQueue.push(batch);
  const excess = s.sendQueue.length - s.maxQueuedBatches;
  if (excess > 0) for (const lost of s.sendQueue.splice(0, excess)) s.metrics?.countDropped(1 + lost.dropped);
}

/** The flush timer: queue, send, and schedule the next one (later after failures). */
export function onFlushTimer(s: ClientState): void {
  s.flushTimer = undefined;
  if (s.closed) return;
  enqueue(s);
  void sendQueued(s).finally(() => {
    if (s.closed) return;
    const wait = s.sendFailures === 0 ? s.flushIntervalMs : Math.max(s.flushIntervalMs, backoff(s, s.sendFailures));
    s.flushTimer = s.clock.setTimeout(() => onFlushTimer(s), wait);
  });
}

/** Sends queued batches; calls run one after another (one batch in flight at a time). */
export function sendQueued(s: ClientState): Promise<void> {
  s.sendChain = s.sendChain.then(() => sendLoop(s)).catch(() => {});
  return s.sendChain;
}

async function sendLoop(s: ClientState): Promise<void> {
  while (s.sendQueue.length > 0) {
    const batch = s.sendQueue[0]!;
    const outcome = await post(s, batch);
    if (outcome === 'accepted' || outcome === 'refused') {
      s.sendQueue.shift();
      if (outcome === 'refused') s.metrics?.countDropped(1 + batch.dropped);
      s.sendFailures = 0;
      continue;
    }
    // Not taken: keep it (and what follows) for the next flush.
    s.sendFailures++;
    break;
  }
}

async function post(s: ClientState, batch: { id: string; body: string }): Promise<'accepted' | 'refused' | 'retry'> {
  let res: Response;
  try {
    res = await s.request('/api/client/metrics', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': batch.id },
      body: batch.body,
      keepalive: batch.body.length < 60_000,
    });
  } catch (cause) {
    s.emit('error', new WavegateWebError('METRICS', 'metrics post failed', { cause }));
    return 'retry';
  }
  if (res.status === 403 && (await refusedForGood(res))) {
    // A frontend (public) token: the server never takes its metrics (ADR 0005). Stop counting and drop the queue.
    s.sendQueue.splice(1);
    s.metrics = undefined;
    s.emit(
      'error',
      new WavegateWebError('METRICS', 'the server refuses metrics from this token; metrics are off', { status: 403 }),
    );
    return 'refused';
  }
  void res.body?.cancel().catch(() => {});
  if (res.ok || res.status === 409) return 'accepted';
  // 401/403/404: the server does not take this token's metrics (or has no metrics route yet): keep the batch.
  const keep = res.status === 408 || res.status === 429 || res.status >= 500 || [401, 403, 404].includes(res.status);
  s.emit('error', new WavegateWebError('METRICS', `metrics post answered ${res.status}`, { status: res.status }));
  return keep ? 'retry' : 'refused';
}

/** Whether a 403 says the server never takes this token's metrics (not a passing condition). */
async function refusedForGood(res: Response): Promise<boolean> {
  try {
    const body = (await res.json()) as { error?: { details?: { reason?: unknown } } };
    return body.error?.details?.reason === 'frontend_metrics_refused';
  } catch {
    return false;
  }
}
