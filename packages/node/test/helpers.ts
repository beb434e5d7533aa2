import type { Wavegate, WavegateEvents } from '../src/client.js';

/** Resolves with the arguments of the next `event` the client emits. */
export function nextEvent<K extends keyof WavegateEvents>(
  client: Wavegate,
  event: K,
): Promise<Parameters<WavegateEvents[K]>> {
  return new Promise((resolve) => {
    client.once(event, ((...args: Parameters<WavegateEvents[K]>) => resolve(args)) as WavegateEvents[K]);
  });
}

/** Resolves when the client has served version `v` (immediately if it already does). */
export function untilVersion(client: Wavegate, v: number): Promise<void> {
  if (client.version === v) return Promise.resolve();
  return new Promise((resolve) => {
    const off = client.on('changed', (_keys, version) => {
      if (version === v) {
        off();
        resolve();
      }
    });
  });
}

/** A small admin-API client for arranging a real server. */
export function admin(url: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}
