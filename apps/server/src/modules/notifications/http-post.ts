import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress, type PrivatePolicy, privateAllowed } from './ssrf-guard.js';

/** The result of one attempt. Failures say whether trying again can help (Alertmanager's notifier rule). */
export type SendOutcome =
  | { ok: true }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number; refused?: boolean };

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  policy: PrivatePolicy;
  /** Now (epoch ms), to read an HTTP-date Retry-After. */
  now: number;
}

/** Seconds or an HTTP date → ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A DNS lookup that refuses private addresses (unless allowed): checked on the address actually connected to. */
function guardedLookup(host: string, policy: PrivatePolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) return callback(error, '', 0);
      const list = addresses;
      if (!privateAllowed(policy, host)) {
        const bad = list.find((a) => isPrivateAddress(a.address));
        if (bad !== undefined) {
          const refusal = Object.assign(new Error(`${hostname} resolves to the private address ${bad.address}`), {
            code: 'EPRIVATE',
          });
          return callback(refusal, '', 0);
        }
      }
      if (options.all === true) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

function classify(status: number, retryAfter: string | undefined, now: number, body: string): SendOutcome {
  if (status >= 200 && status < 300) return { ok: true };
  const error = `HTTP ${status}${body === '' ? '' : `: ${body.slice(0, 200)}`}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return { ok: false, retryable: true, error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  // 408 and 5xx may pass; any other 4xx will fail the same way again.
  return { ok: false, retryable: status >= 500 || status === 408, error };
}

/** POSTs `body` to `url` with the SSRF guard and a timeout. Never throws: failures are outcomes. */
export function postJson(url: string, body: string, options: PostOptions): Promise<SendOutcome> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, retryable: false, error: 'not a URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.resolve({ ok: false, retryable: false, error: 'only http and https URLs are allowed' });
  }
  const host = parsed.hostname.toLowerCase();
  if (isPrivateAddress(host.replace(/^\[|\]$/g, '')) && !privateAllowed(options.policy, host)) {
    return Promise.resolve({ ok: false, retryable: false, refused: true, error: `${host} is a private address` });
  }
  const client = parsed.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      parsed,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'wavegate-notifier',
          ...options.headers,
        },
        lookup: guardedLookup(host, options.policy),
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < 4096) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(classify(response.statusCode ?? 0, retryAfter, options.now, text));
        });
        response.on('error', (error) => resolve({ ok: false, retryable: true, error: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPRIVATE') resolve({ ok: false, retryable: false, refused: true, error: error.message });
      else
        resolve({ ok: false, retryable: true, error: error.code ? `${error.code}: ${error.message}` : error.message });
    });
    request.end(body);
  });
}
