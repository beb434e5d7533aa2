import { backoff, type ClientState } from './client-state.js';
import type { ChangeCause } from './client-types.js';
import { WavegateWebError } from './errors.js';
import { sameItem } from './flag-items.js';
import { bulkError, readBulkFlags } from './ofrep-bulk.js';
import { retryAfterMs } from './retry.js';
import { loadStored, saveStored } from './stored-answer.js';
import type { OfrepItem } from './types.js';

// The OFREP bulk evaluation of the client's context: fetched with the ETag (a 304 changes nothing), applied to the
// cache with `changed` events, polled while no stream is up, and the `ready` state it settles.

/** Re-fetches the bulk evaluation now; a call during a fetch queues one more after it. Never rejects. */
export function refresh(s: ClientState): Promise<void> {
  if (s.closed) return Promise.resolve();
  if (s.fetching) {
    // One more fetch after the one in flight (which may have been sent before a change); resolve after it.
    s.refetchQueued = true;
    return s.fetching.then(() => s.fetching);
  }
  s.fetching = fetchBulk(s, false)
    .catch(() => {})
    .finally(() => {
      s.fetching = undefined;
      if (s.refetchQueued && !s.closed) {
        s.refetchQueued = false;
        refreshAllowed(s);
      }
    });
  return s.fetching;
}

/** Re-fetches now, or (as a poll) once the server's Retry-After has passed: 429 and 503 hold every request. */
export function refreshAllowed(s: ClientState): void {
  const wait = s.notBefore - s.clock.now();
  if (wait <= 0) {
    void refresh(s);
    return;
  }
  clearPoll(s);
  s.pollTimer = s.clock.setTimeout(() => {
    s.pollTimer = undefined;
    void refresh(s);
  }, wait);
}

/**
 * One bulk evaluation request. Its answer is dropped when the context changed or the client closed meanwhile
 * (`generation`). A failure is emitted as `error`; with `throwOnFailure` it is also thrown (`setContext`).
 */
export async function fetchBulk(s: ClientState, throwOnFailure: boolean): Promise<void> {
  const gen = s.generation;
  const contextKey = s.contextKey;
  const etag = s.etag;
  clearPoll(s);
  let error: WavegateWebError | undefined;
  try {
    const res = await s.request('/ofrep/v1/evaluate/flags', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
      body: JSON.stringify({ context: s.context }),
    });
    if (gen !== s.generation || s.closed) {
      void res.body?.cancel().catch(() => {});
      return;
    }
    if (res.status === 304) {
      onGood(s);
    } else if (res.ok) {
      const flags = await readBulkFlags(res);
      if (gen !== s.generation || s.closed) return;
      apply(s, flags, res.headers.get('etag'), contextKey);
      onGood(s);
    } else {
      void res.body?.cancel().catch(() => {});
      if (res.status === 429 || res.status === 503) s.notBefore = s.clock.now() + retryAfterMs(res);
      throw bulkError(res.status);
    }
  } catch (cause) {
    error =
      cause instanceof WavegateWebError
        ? cause
        : new WavegateWebError('NETWORK', 'bulk evaluation request failed', { cause });
  }
  if (error !== undefined) {
    if (gen !== s.generation || s.closed) return;
    s.pollFailures++;
    s.emit('error', error);
    if (error.code === 'UNAUTHENTICATED' && s.readyState === 'pending') {
      s.readyState = 'failed';
      s.clock.clearTimeout(s.readyTimer);
      s.rejectReady(error);
    }
  }
  schedulePoll(s);
  if (error !== undefined && throwOnFailure) throw error;
}

function onGood(s: ClientState): void {
  if (s.pollFailures > 0) {
    s.pollFailures = 0;
    s.emit('recovered');
  }
  s.source = 'server';
  markReady(s);
}

/** Replaces the cached flags; emits `changed` with the keys that differ once values were served before. */
function apply(s: ClientState, flags: OfrepItem[], etag: string | null, contextKey: string): void {
  const cause: ChangeCause = s.flagsContext !== null && s.flagsContext !== contextKey ? 'context' : 'config';
  s.flagsContext = contextKey;
  const next = new Map<string, OfrepItem>();
  for (const f of flags) next.set(f.key, f);
  const changed: string[] = [];
  for (const [key, item] of next) if (!sameItem(s.flags.get(key), item)) changed.push(key);
  for (const key of s.flags.keys()) if (!next.has(key)) changed.push(key);
  const hadValues = s.source !== 'none';
  s.flags = next;
  s.etag = etag;
  let version: number | null = null;
  for (const f of flags) {
    const v = f.metadata?.['configVersion'];
    if (typeof v === 'number') version = version === null ? v : Math.max(version, v);
    s.metrics?.noteServed(f.key, f.errorCode === undefined ? f.variant : undefined);
  }
  if (version !== null) s.configVersion = version;
  if (s.storage) saveStored(s.storage, s.url, contextKey, etag, flags);
  if (hadValues && changed.length > 0) s.emit('changed', changed.sort(), cause);
}

function markReady(s: ClientState): void {
  if (s.readyState === 'ready') return;
  // After a READY_TIMEOUT rejection, a late first answer still emits `ready` (the promise stays rejected).
  if (s.readyState === 'pending') s.resolveReady();
  s.readyState = 'ready';
  s.clock.clearTimeout(s.readyTimer);
  s.emit('ready');
}

/** `readyTimeoutMs` passed without an answer: ready on stored values, else `READY_TIMEOUT`. */
export function onReadyTimeout(s: ClientState): void {
  s.readyTimer = undefined;
  if (s.readyState !== 'pending') return;
  if (s.source === 'storage') {
    s.readyState = 'ready';
    s.resolveReady();
    s.emit('ready');
    return;
  }
  s.readyState = 'failed';
  s.rejectReady(new WavegateWebError('READY_TIMEOUT', 'no answer from the server in time'));
}

/** Serves the answer stored for this URL and context, if any (`source` becomes `storage`). */
export function loadStoredAnswer(s: ClientState): void {
  if (!s.storage) return;
  const entry = loadStored(s.storage, s.url, s.contextKey, s.flags);
  if (entry === undefined) return;
  s.etag = entry.etag;
  s.flagsContext = entry.context;
  s.source = 'storage';
}

/** Whether the page is hidden (polling pauses). */
export function isHidden(s: ClientState): boolean {
  return s.visibility?.visibilityState === 'hidden';
}

/** Cancels the next poll. */
export function clearPoll(s: ClientState): void {
  if (s.pollTimer !== undefined) s.clock.clearTimeout(s.pollTimer);
  s.pollTimer = undefined;
}

/** Schedules the next poll (backoff after failures, never before Retry-After); none while streaming or hidden. */
export function schedulePoll(s: ClientState): void {
  clearPoll(s);
  if (s.closed || s.streamUp || isHidden(s)) return;
  let wait = s.pollFailures === 0 ? s.pollIntervalMs : backoff(s, s.pollFailures);
  wait = Math.max(wait, s.notBefore - s.clock.now());
  s.pollTimer = s.clock.setTimeout(() => {
    s.pollTimer = undefined;
    void refresh(s);
  }, wait);
}
