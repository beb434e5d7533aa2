import { clearPoll, refresh, refreshAllowed, schedulePoll } from './bulk-fetch.js';
import { backoff, type ClientState } from './client-state.js';
import { WavegateWebError } from './errors.js';
import { retryAfterMs } from './retry.js';
import { SseParser } from './sse.js';

// The change stream (`GET /api/frontend/stream`, read with fetch): each `version` notice re-fetches the bulk
// evaluation; polling stops while it is up and resumes while it is down; reconnects with backoff and Last-Event-ID.

/** Opens the stream unless closed or no longer wanted (refused for good); not before the server's Retry-After. */
export function connectStream(s: ClientState): void {
  if (s.closed || !s.streamWanted) return;
  const wait = s.notBefore - s.clock.now();
  if (wait > 0) {
    s.streamTimer = s.clock.setTimeout(() => {
      s.streamTimer = undefined;
      connectStream(s);
    }, wait);
    return;
  }
  const abort = new AbortController();
  s.streamAbort = abort;
  void runStream(s, abort).then(
    () => onStreamEnd(s, abort, undefined),
    (error: unknown) => onStreamEnd(s, abort, error),
  );
}

function resetHeartbeat(s: ClientState, abort: AbortController): void {
  if (s.heartbeatTimer !== undefined) s.clock.clearTimeout(s.heartbeatTimer);
  s.heartbeatTimer = s.clock.setTimeout(() => abort.abort(), s.heartbeatTimeoutMs);
}

async function runStream(s: ClientState, abort: AbortController): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (s.lastEventId !== undefined) headers['last-event-id'] = s.lastEventId;
  resetHeartbeat(s, abort);
  const res = await s.request('/api/frontend/stream', { method: 'GET', headers, signal: abort.signal }, false);
  if (!res.ok || res.body === null) {
    void res.body?.cancel().catch(() => {});
    if ([401, 403, 404].includes(res.status)) {
      s.streamWanted = false;
      throw new WavegateWebError('STREAM_REFUSED', `stream refused (${res.status}); polling instead`, {
        status: res.status,
      });
    }
    if (res.status === 429 || res.status === 503) {
      s.notBefore = Math.max(s.notBefore, s.clock.now() + retryAfterMs(res));
    }
    throw new WavegateWebError('HTTP_ERROR', `stream answered ${res.status}`, { status: res.status });
  }
  s.streamUp = true;
  s.streamFailures = 0;
  // A poll still pending (the stream was down, or a fetch waits out a Retry-After) runs now: a change may have
  // been missed meanwhile, and the stream only tells of later ones.
  const missed = s.pollTimer !== undefined;
  clearPoll(s);
  if (missed) void refresh(s);
  const parser = new SseParser(
    (message) => {
      if (message.id !== undefined) s.lastEventId = message.id;
      if (message.event === 'version') refreshAllowed(s);
    },
    (ms) => {
      s.streamRetryMs = ms;
    },
  );
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    resetHeartbeat(s, abort);
    parser.push(value);
  }
}

function onStreamEnd(s: ClientState, abort: AbortController, error: unknown): void {
  if (s.heartbeatTimer !== undefined) s.clock.clearTimeout(s.heartbeatTimer);
  s.heartbeatTimer = undefined;
  if (s.streamAbort !== abort) return;
  const wasUp = s.streamUp;
  s.streamUp = false;
  s.streamAbort = undefined;
  if (s.closed) return;
  s.emit(
    'error',
    error instanceof WavegateWebError
      ? error
      : new WavegateWebError('STREAM_LOST', wasUp ? 'change stream lost' : 'change stream failed', { cause: error }),
  );
  // While the stream is down, polling carries on (with an immediate poll: a change may have been missed).
  if (wasUp) refreshAllowed(s);
  else if (s.pollTimer === undefined && s.fetching === undefined) schedulePoll(s);
  if (!s.streamWanted) return;
  s.streamFailures++;
  const wait = Math.max(s.streamRetryMs, backoff(s, s.streamFailures));
  s.streamTimer = s.clock.setTimeout(() => {
    s.streamTimer = undefined;
    connectStream(s);
  }, wait);
}
