import { CliError, type CliIo } from './io.js';

export const DEFAULT_URL = 'http://127.0.0.1:4242';

/** Options every command that talks to a server takes. */
export interface ServerOptions {
  url?: string;
  token?: string;
}

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    requestId?: string;
    details?: { problems?: { path?: string; code?: string; message?: string }[] } & Record<string, unknown>;
  };
}

/** The server's error reply as lines for a person: code, message, each problem with its path, request id. */
export function formatServerError(status: number, body: unknown): string {
  const error = (body as ErrorBody | null)?.error;
  if (error === undefined || typeof error !== 'object') return `the server answered ${status} without an error body`;
  const lines = [`${error.code ?? `HTTP ${status}`}: ${error.message ?? 'no message'}`];
  for (const problem of error.details?.problems ?? []) {
    const where = problem.path === undefined || problem.path === '' ? '(document)' : problem.path;
    lines.push(`  - ${where}: ${problem.message ?? ''}${problem.code === undefined ? '' : ` [${problem.code}]`}`);
  }
  const rest = Object.entries(error.details ?? {}).filter(([key]) => key !== 'problems');
  for (const [key, value] of rest) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  if (error.requestId !== undefined) lines.push(`  (request id ${error.requestId})`);
  return lines.join('\n');
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** A small JSON client of the admin API. Failures become `CliError`s with the server's own words. */
export class ApiClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ServerOptions, io: CliIo) {
    this.url = (options.url ?? io.env['WAVEGATE_URL'] ?? DEFAULT_URL).replace(/\/+$/, '');
    this.token = options.token ?? io.env['WAVEGATE_TOKEN'];
    this.fetchImpl = io.fetch ?? globalThis.fetch;
  }

  /** Sends a request; resolves to the parsed JSON (or text) of a 2xx reply. */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    if (this.token === undefined || this.token === '') {
      throw new CliError(
        'no token: pass --token or set WAVEGATE_TOKEN (an admin token; `wavegate serve` prints the first one)',
      );
    }
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach the Wavegate server at ${this.url} (${describeNetworkError(error)}). ` +
          'Is it running? Start one with `wavegate serve`, or point --url / WAVEGATE_URL at yours.',
      );
    }
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CliError(`the server at ${this.url} answered ${response.status} with malformed JSON`);
      }
    }
    if (!response.ok) throw new CliError(formatServerError(response.status, parsed));
    return parsed;
  }
}
