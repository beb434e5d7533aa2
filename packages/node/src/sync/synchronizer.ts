import type { IncomingMessage } from 'node:http';
import type { Snapshot } from '@wavegate/core';
import type { Clock, Random, TimerHandle } from '../clock.js';
import { httpError, networkError, WavegateError, WavegateErrorCode } from '../errors.js';
import { Backoff, parseRetryAfter } from './backoff.js';
import { parseDelta, parseSnapshot, type SnapshotDelta } from './delta.js';
import { openStream, readText } from './http-stream.js';
import { type SseEvent, SseParser } from './sse-parser.js';

/** Timing knobs of the synchronizer (all ms). */
export interface SyncTiming {
  initialDelayMs: number;
  maxDelayMs: number;
  heartbeatTimeoutMs: number;
  pollIntervalMs: number;
  requestTimeoutMs: number;
}

/** What the synchronizer needs and whom it tells. */
export interface SyncDeps {
  baseUrl: string;
  token: string;
  fetch: typeof globalThis.fetch;
  clock: Clock;
  random: Random;
  timing: SyncTiming;
  /** Stream with SSE (true) or only poll (false). */
  streaming: boolean;
  /** The version the server may send deltas against, or undefined to ask for a full snapshot. */
  baseVersion(): number | undefined;
  onSnapshot(snapshot: Snapshot): void;
  /** Apply a delta; false when it cannot be applied (no base), which forces a full snapshot. */
  onDelta(delta: SnapshotDelta): boolean;
  /** The server answered well (stream bytes, a 200 or 304 poll). */
  onContact(): void;
  /**
   * The first bytes of a stream resumed from `baseVersion` were handled. The server sends the resume (a delta, or a
   * snapshot) in its first write, so when nothing came the config at `baseVersion` is current.
   */
  onResumed(baseVersion: number): void;
  onError(error: WavegateError): void;
}

/**
 * Keeps the local config in step with the server: an SSE stream (`GET /api/client/stream`) with `Last-Event-ID`
 * resume; while the stream is down, ETag polling of `GET /api/client/snapshot`; reconnects with full-jitter
 * exponential backoff (bounded), honours 429 `Retry-After` and the stream's `retry:` field; a watchdog reconnects
 * when no byte arrives for `heartbeatTimeoutMs`.
 */
export class Synchronizer {
  private closed = false;
  private readonly backoff: Backoff;
  private stream: AbortController | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private watchdog: TimerHandle | undefined;
  private watchdogFired = false;
  private polling = false;
  private pollTimer: TimerHandle | undefined;
  private pollAbort: AbortController | undefined;
  private lastPollAt = Number.NEGATIVE_INFINITY;
  private serverRetryMs = 0;
  private forceFull = false;
  /** No request, stream or poll, before this time: the server's last `Retry-After` holds for both. */
  private notBefore = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: SyncDeps) {
    this.backoff = new Backoff(
      { initialDelayMs: deps.timing.initialDelayMs, maxDelayMs: deps.timing.maxDelayMs },
      deps.random,
    );
  }

  /** Start syncing. */
  start(): void {
    if (this.deps.streaming) void this.connect();
    else this.startPolling();
  }

  /** Stop everything: abort the stream and any poll, cancel timers. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream?.abort();
    this.stream = undefined;
    this.stopPolling();
    this.clear(this.reconnectTimer);
    this.clear(this.watchdog);
  }

  /** True while an SSE stream is open and has delivered something. */
  get streamHealthy(): boolean {
    return this.stream !== undefined && !this.polling;
  }

  private clear(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.deps.clock.clearTimeout(handle);
  }

  private holdOff(error: WavegateError): void {
    const ms = error.details.retryAfterMs;
    if (ms !== undefined) this.notBefore = Math.max(this.notBefore, this.deps.clock.now() + ms);
  }

  /** How long until `Retry-After` allows the next request (0: now). */
  private heldFor(): number {
    return Math.max(0, this.notBefore - this.deps.clock.now());
  }

  private scheduleConnect(delay: number): void {
    this.clear(this.reconnectTimer);
    this.reconnectTimer = this.deps.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private authHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.deps.token}` };
  }

  private armWatchdog(controller: AbortController): void {
    this.clear(this.watchdog);
    this.watchdog = this.deps.clock.setTimeout(() => {
      if (this.stream !== controller) return;
      this.watchdogFired = true;
      controller.abort();
    }, this.deps.timing.heartbeatTimeoutMs);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const held = this.heldFor();
    if (held > 0) {
      this.scheduleConnect(held); // a poll met a Retry-After since this reconnect was scheduled
      return;
    }
    const controller = new AbortController();
    this.stream = controller;
    this.watchdogFired = false;
    this.armWatchdog(controller);
    const headers: Record<string, string> = {
      ...this.authHeaders(),
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
    };
    const base = this.forceFull ? undefined : this.deps.baseVersion();
    if (base !== undefined) headers['last-event-id'] = String(base);
    this.forceFull = false;
    try {
      const res = await openStream(`${this.deps.baseUrl}/api/client/stream`, headers, controller.signal);
      if (res.statusCode !== 200) {
        res.resume();
        const retryAfter = res.headers['retry-after'];
        throw httpError(
          res.statusCode ?? 0,
          'stream',
          parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null, this.deps.clock.now()),
        );
      }
      // Headers arrived: the server is there. Polling stops; the backoff resets only once the stream delivers.
      this.stopPolling();
      this.deps.onContact();
      await this.read(res, controller, base);
      throw new WavegateError(WavegateErrorCode.STREAM_LOST, 'stream: the server ended the stream');
    } catch (err) {
      if (this.closed || this.stream !== controller) return;
      const error = this.watchdogFired
        ? new WavegateError(
            WavegateErrorCode.STREAM_LOST,
            `stream: nothing received for ${this.deps.timing.heartbeatTimeoutMs} ms`,
          )
        : networkError('stream', err);
      this.streamFailed(error);
    }
  }

  private read(res: IncomingMessage, controller: AbortController, base: number | undefined): Promise<void> {
    let first = true;
    const parser = new SseParser({
      onEvent: (event) => this.onEvent(event, controller),
      onComment: () => this.healthy(),
      onRetry: (ms) => {
        this.serverRetryMs = Math.min(ms, this.deps.timing.maxDelayMs);
      },
    });
    return readText(res, (text) => {
      if (this.stream !== controller) return;
      this.armWatchdog(controller);
      parser.push(text);
      if (first && base !== undefined && this.stream === controller) this.deps.onResumed(base);
      first = false;
    });
  }

  private onEvent(event: SseEvent, controller: AbortController): void {
    if (this.stream !== controller || (event.event !== 'snapshot' && event.event !== 'delta')) return;
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      json = undefined;
    }
    if (event.event === 'snapshot') {
      const snapshot = parseSnapshot(json);
      if (snapshot === undefined) {
        this.badData(controller, 'stream: a snapshot event is not a snapshot');
        return;
      }
      this.healthy();
      this.deps.onSnapshot(snapshot);
      return;
    }
    const delta = parseDelta(json);
    if (delta === undefined) {
      this.badData(controller, 'stream: a delta event is not a delta');
      return;
    }
    this.healthy();
    if (!this.deps.onDelta(delta)) this.badData(controller, 'stream: a delta arrived with no base to apply it to');
  }

  private badData(controller: AbortController, message: string): void {
    this.forceFull = true;
    this.stream = undefined;
    controller.abort();
    this.streamFailed(new WavegateError(WavegateErrorCode.BAD_DATA, message));
  }

  private healthy(): void {
    this.backoff.reset();
    this.stopPolling();
    this.deps.onContact();
  }

  private streamFailed(error: WavegateError): void {
    this.stream = undefined;
    this.clear(this.watchdog);
    this.holdOff(error);
    this.deps.onError(error);
    this.scheduleConnect(Math.max(this.backoff.next(), this.serverRetryMs, this.heldFor()));
    this.startPolling();
  }

  private startPolling(): void {
    if (this.polling || this.closed) return;
    this.polling = true;
    const wait = Math.max(0, this.lastPollAt + this.deps.timing.pollIntervalMs - this.deps.clock.now());
    this.schedulePoll(Math.max(wait, this.heldFor()));
  }

  private stopPolling(): void {
    this.polling = false;
    this.clear(this.pollTimer);
    this.pollTimer = undefined;
    this.pollAbort?.abort();
    this.pollAbort = undefined;
  }

  private schedulePoll(ms: number): void {
    this.clear(this.pollTimer);
    this.pollTimer = this.deps.clock.setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, ms);
  }

  private async poll(): Promise<void> {
    if (!this.polling || this.closed) return;
    const held = this.heldFor();
    if (held > 0) {
      this.schedulePoll(held); // the stream met a Retry-After since this poll was scheduled
      return;
    }
    this.lastPollAt = this.deps.clock.now();
    const controller = new AbortController();
    this.pollAbort = controller;
    const timeout = this.deps.clock.setTimeout(() => controller.abort(), this.deps.timing.requestTimeoutMs);
    let next = this.deps.timing.pollIntervalMs;
    try {
      const headers = this.authHeaders();
      const base = this.deps.baseVersion();
      if (base !== undefined) headers['if-none-match'] = `"${base}"`;
      const res = await this.deps.fetch(`${this.deps.baseUrl}/api/client/snapshot`, {
        headers,
        signal: controller.signal,
      });
      if (res.status === 304) {
        await res.body?.cancel().catch(() => undefined);
        this.deps.onContact();
      } else if (res.ok) {
        const snapshot = parseSnapshot(await res.json());
        if (snapshot === undefined) throw new WavegateError(WavegateErrorCode.BAD_DATA, 'poll: not a snapshot');
        this.deps.onContact();
        this.deps.onSnapshot(snapshot);
      } else {
        await res.body?.cancel().catch(() => undefined);
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'), this.deps.clock.now());
        next = Math.max(next, retryAfter ?? 0);
        throw httpError(res.status, 'poll', retryAfter);
      }
    } catch (err) {
      if (this.closed || this.pollAbort !== controller) return;
      const error = networkError('poll', err);
      this.holdOff(error);
      this.deps.onError(error);
    } finally {
      this.deps.clock.clearTimeout(timeout);
      if (this.pollAbort === controller) this.pollAbort = undefined;
    }
    if (this.polling && !this.closed && this.pollTimer === undefined) this.schedulePoll(next);
  }
}
