/**
 * The client API: `GET /api/client/snapshot` (ETag + 304) and `GET /api/client/stream` (SSE: snapshot on
 * connect, one delta per change, `Last-Event-ID` resume, heartbeats) for client tokens.
 */
import type { FastifyInstance } from 'fastify';
import { registerClientRoutes } from './client.routes.js';
import { StreamHub, type StreamHubOptions } from './stream-hub.js';

export type { Channel } from './channel.js';
export { etagMatches } from './etag.js';
export { diffSnapshots, type SnapshotDelta } from './snapshot-delta.js';
export { parseLastEventId, sseComment, sseEvent, sseRetry } from './sse-frame.js';
export type { ChangedKeys, SnapshotSource, StreamHub, StreamHubOptions } from './stream-hub.js';

export interface ClientModule {
  hub: StreamHub;
  registerRoutes(app: FastifyInstance): void;
}

export function createClientModule(options: StreamHubOptions): ClientModule {
  const hub = new StreamHub(options);
  return { hub, registerRoutes: (app) => registerClientRoutes(app, hub) };
}
