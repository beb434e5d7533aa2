/**
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events"). A frame ends with a blank line; a data value
 * with line breaks is split over several `data:` lines (JSON.stringify output has none, but a caller may pass
 * any string). Frames are plain strings so that one serialised frame can be written to many connections.
 */
export function sseEvent(event: string, data: string, id?: number | string): string {
  let frame = `event: ${event}\n`;
  if (id !== undefined) frame += `id: ${id}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** A comment frame; EventSource ignores it, proxies see traffic. */
export function sseComment(text: string): string {
  return `: ${text}\n\n`;
}

/** The reconnection-time hint, in milliseconds. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

/** Parses `Last-Event-ID` as a config version; anything else (absent, empty, not a safe integer) is undefined. */
export function parseLastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
