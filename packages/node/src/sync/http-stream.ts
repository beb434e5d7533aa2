import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Open a long-lived GET with `node:http(s)` (lighter per chunk than `fetch`'s web streams, which matters with
 * hundreds of streams in one process). Resolves with the response once its headers arrive.
 */
export function openStream(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { headers, signal });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
}

/** Pass the body's text (UTF-8, split anywhere) to `onText` until it ends; rejects when it breaks or is aborted. */
export function readText(res: IncomingMessage, onText: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    res.setEncoding('utf8');
    res.on('data', onText);
    res.on('end', () => resolve());
    res.on('error', reject);
    // After 'end' the promise is settled and this does nothing; before it, the connection broke.
    res.on('close', () => reject(new Error('the connection closed')));
  });
}
