import type { Clock } from './clock.js';

/** An authenticated request to the server; `timeout` false leaves it open (the change stream). */
export type RequestFn = (path: string, init: RequestInit, timeout?: boolean) => Promise<Response>;

/** Makes the request function: base URL, bearer token, a per-request timeout, and the caller's abort signal. */
export function createRequest(url: string, token: string, clock: Clock, fetchFn: typeof fetch, timeoutMs: number) {
  const request: RequestFn = async (path, init, timeout = true) => {
    const controller = new AbortController();
    const timer = timeout ? clock.setTimeout(() => controller.abort(), timeoutMs) : undefined;
    const outer = init.signal;
    outer?.addEventListener('abort', () => controller.abort(), { once: true });
    try {
      return await fetchFn(url + path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
        signal: controller.signal,
      });
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
  };
  return request;
}
