import type { ServerResponse } from 'node:http';
import type { Snapshot } from '@wavegate/core';
import type { ServerMetrics } from '../../platform/metrics.js';
import { Channel } from './channel.js';
import type { SnapshotDelta } from './snapshot-delta.js';
import { sseComment, sseEvent, sseRetry } from './sse-frame.js';

/** Where the hub reads snapshots: the projection. Undefined when the project or environment does not exist. */
export interface SnapshotSource {
  getSnapshot(project: string, environment: string): Snapshot | undefined;
  /**
   * Keys changed after version `since` (any version the log knows, also from before a restart); undefined
   * when `since` cannot be answered. Optional: without it, resume works from the hub's in-memory history only.
   */
  changesSince?(project: string, environment: string, since: number): ChangedKeys | undefined;
}

/** The keys that changed after a version (the projection's `changesSince`). */
export interface ChangedKeys {
  version: number;
  flags: string[];
  removedFlags: string[];
  segments: string[];
  removedSegments: string[];
}

export interface StreamHubOptions {
  source: SnapshotSource;
  metrics?: ServerMetrics;
  /** Heartbeat comment interval. Default 15 s. */
  heartbeatMs?: number;
  /** `retry:` hint sent on connect and on shutdown. Default 3 s. */
  retryMs?: number;
  /** Versions kept per channel for `Last-Event-ID` resume. Default 128. */
  historySize?: number;
  /** A client whose unsent output exceeds this is dropped (it reconnects and resumes). Default 4 MiB. */
  maxBufferedBytes?: number;
  /** Whether a token may still read (checked on each heartbeat, so an expiring token's stream closes). */
  isTokenActive?: (tokenId: string) => boolean;
}

interface StreamClient {
  readonly tokenId: string;
  readonly channel: Channel;
  readonly res: ServerResponse;
  /** Frontend stream: `version` notices only, never flag data (ADR 0005). */
  readonly versionOnly: boolean;
}

/** Options of one stream. */
export interface ConnectOptions {
  /** Extra response headers (request id, CORS). */
  headers?: Record<string, string>;
  /** Send `version` notices (`{"version": n}`) instead of snapshots and deltas. */
  versionOnly?: boolean;
}

/** A version notice of the frontend stream: the new config version and nothing else. */
export function versionFrame(version: number): string {
  return sseEvent('version', `{"version":${version}}`, version);
}

/**
 * Snapshots and SSE streams for client tokens. One Channel per project × environment; a change is serialised
 * once per channel and the same string is written to every client of that channel.
 */
export class StreamHub {
  private readonly channels = new Map<string, Channel>();
  private readonly clients = new Set<StreamClient>();
  private readonly byChannel = new Map<Channel, Set<StreamClient>>();
  private readonly heartbeatMs: number;
  private readonly retryMs: number;
  private readonly historySize: number;
  private readonly maxBufferedBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: StreamHubOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.retryMs = options.retryMs ?? 3_000;
    this.historySize = options.historySize ?? 128;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  }

  /** The channel of a project × environment, created on first use; undefined when it does not exist. */
  channel(project: string, environment: string): Channel | undefined {
    const key = channelKey(project, environment);
    const existing = this.channels.get(key);
    if (existing) return existing;
    const snapshot = this.options.source.getSnapshot(project, environment);
    if (!snapshot) return undefined;
    const channel = new Channel(project, environment, snapshot, this.historySize);
    this.channels.set(key, channel);
    this.options.metrics?.configVersion.set({ project, environment }, snapshot.version);
    return channel;
  }

  /**
   * Tells the hub that evaluation data may have changed: for the given project × environment, or for every
   * channel when none is given. Each channel that moved to a newer version pushes one delta to its clients.
   */
  refresh(project?: string, environment?: string): void {
    if (project !== undefined && environment !== undefined) {
      const channel = this.channels.get(channelKey(project, environment));
      if (channel) this.refreshChannel(channel);
      return;
    }
    for (const channel of this.channels.values()) {
      if (project === undefined || channel.project === project) this.refreshChannel(channel);
    }
  }

  /**
   * Starts a stream on a hijacked response: headers, a `retry:` hint, then the snapshot — or, with
   * `lastEventId`, nothing (current), one delta, or the snapshot (unknown version).
   */
  connect(
    res: ServerResponse,
    tokenId: string,
    channel: Channel,
    lastEventId: number | undefined,
    { headers = {}, versionOnly = false }: ConnectOptions = {},
  ): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    if (this.closed) {
      res.end(sseRetry(this.retryMs));
      return;
    }
    res.socket?.setNoDelay(true);
    const client: StreamClient = { tokenId, channel, res, versionOnly };
    this.clients.add(client);
    let peers = this.byChannel.get(channel);
    if (!peers) {
      peers = new Set();
      this.byChannel.set(channel, peers);
    }
    peers.add(client);
    this.options.metrics?.sseClients.inc(labels(channel));
    res.on('close', () => this.drop(client));
    let first = sseRetry(this.retryMs);
    if (versionOnly) {
      if (lastEventId !== channel.version) first += versionFrame(channel.version);
      this.write(client, first);
      this.startTimer();
      return;
    }
    const resume = lastEventId === undefined ? ({ kind: 'snapshot' } as const) : this.resume(channel, lastEventId);
    if (resume.kind === 'snapshot') first += sseEvent('snapshot', channel.snapshotJson(), channel.version);
    if (resume.kind === 'delta') first += sseEvent('delta', JSON.stringify(resume.delta), channel.version);
    this.write(client, first);
    this.startTimer();
  }

  /** Closes every stream of a token (revoked). Returns how many were closed. */
  closeToken(tokenId: string): number {
    let closed = 0;
    for (const client of this.clients) {
      if (client.tokenId !== tokenId) continue;
      client.res.end();
      this.drop(client);
      closed++;
    }
    return closed;
  }

  /** Shutdown: every stream gets a `retry:` hint and ends; new streams end at once. Idempotent. */
  close(retryMs = this.retryMs): void {
    this.closed = true;
    this.stopTimer();
    for (const client of this.clients) {
      client.res.end(sseRetry(retryMs));
      this.drop(client);
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** One heartbeat round: a comment to every client; streams of tokens no longer active are closed. */
  heartbeat(): void {
    const frame = sseComment('heartbeat');
    for (const client of this.clients) {
      if (this.options.isTokenActive && !this.options.isTokenActive(client.tokenId)) {
        client.res.end();
        this.drop(client);
      } else {
        this.write(client, frame);
      }
    }
  }

  /** History first (an exact diff); else the projection's changed keys since that version; else a snapshot. */
  private resume(channel: Channel, since: number): ReturnType<Channel['resumeFrom']> {
    const fromHistory = channel.resumeFrom(since);
    if (fromHistory.kind !== 'snapshot' || !this.options.source.changesSince) return fromHistory;
    const keys = this.options.source.changesSince(channel.project, channel.environment, since);
    if (!keys || keys.version !== channel.version) return fromHistory;
    return { kind: 'delta', delta: deltaFromKeys(channel.current, keys) };
  }

  private refreshChannel(channel: Channel): void {
    const next = this.options.source.getSnapshot(channel.project, channel.environment);
    if (!next) return;
    const delta = channel.advance(next);
    if (!delta) return;
    this.options.metrics?.configVersion.set(labels(channel), next.version);
    const peers = this.byChannel.get(channel);
    if (!peers || peers.size === 0) return;
    const frame = sseEvent('delta', JSON.stringify(delta), delta.version);
    const notice = versionFrame(delta.version);
    for (const client of peers) this.write(client, client.versionOnly ? notice : frame);
  }

  private write(client: StreamClient, frame: string): void {
    if (client.res.writableLength > this.maxBufferedBytes) {
      client.res.destroy();
      this.drop(client);
      return;
    }
    client.res.write(frame);
  }

  private drop(client: StreamClient): void {
    if (!this.clients.delete(client)) return;
    this.byChannel.get(client.channel)?.delete(client);
    this.options.metrics?.sseClients.dec(labels(client.channel));
    if (this.clients.size === 0) this.stopTimer();
  }

  private startTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.heartbeat(), this.heartbeatMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function deltaFromKeys(current: Snapshot, keys: ChangedKeys): SnapshotDelta {
  const delta: SnapshotDelta = {
    version: current.version,
    flags: {},
    removedFlags: [...keys.removedFlags],
    segments: {},
    removedSegments: [...keys.removedSegments],
  };
  for (const key of keys.flags) {
    const flag = current.flags[key];
    if (flag) delta.flags[key] = flag;
    else delta.removedFlags.push(key);
  }
  for (const key of keys.segments) {
    const segment = current.segments[key];
    if (segment) delta.segments[key] = segment;
    else delta.removedSegments.push(key);
  }
  return delta;
}

function channelKey(project: string, environment: string): string {
  return `${project}\u0000${environment}`;
}

function labels(channel: Channel): { project: string; environment: string } {
  return { project: channel.project, environment: channel.environment };
}
