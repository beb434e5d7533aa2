/** The admin API from the browser: same origin, session cookie, CSRF token on every change. */

export interface Problem {
  path: string;
  code: string;
  message: string;
}

/** An error answer of the API (`{error: {code, message, details}}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
  get problems(): Problem[] {
    const problems = this.details['problems'];
    return Array.isArray(problems) ? (problems as Problem[]) : [];
  }
}

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when a request answers 401 (the session ended): the app shows the login page. */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `cannot reach the server (${(error as Error).message})`);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const error = data?.error ?? {};
    if (response.status === 401 && path !== '/api/v1/session') onUnauthenticated?.();
    throw new ApiError(response.status, error.code ?? 'HTTP', error.message ?? response.statusText, error.details);
  }
  return data as T;
}

export const enc = encodeURIComponent;
