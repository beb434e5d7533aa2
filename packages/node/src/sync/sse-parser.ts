/** One server-sent event, as dispatched by {@link SseParser}. */
export interface SseEvent {
  /** The `event` field; `message` when the server sent none. */
  event: string;
  data: string;
  /** The last event id seen on the stream (carried over from earlier events, per the SSE spec). */
  id: string;
}

/** What the parser reports besides events. */
export interface SseHandlers {
  onEvent(event: SseEvent): void;
  /** A `retry:` field: the server's suggested reconnection delay in ms. */
  onRetry?(ms: number): void;
  /** A comment line (`: heartbeat`), without the colon and one leading space. */
  onComment?(text: string): void;
}

/**
 * An incremental `text/event-stream` parser (WHATWG HTML "event stream interpretation"): feed it decoded text
 * chunks in any split; it handles CR, LF and CRLF line ends, a leading BOM, multi-line `data`, `id` (ignored when it
 * contains NUL) and `retry`. An event is dispatched on a blank line; one with no `data` lines is dropped.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private hasData = false;
  private eventType = '';
  private lastId = '';
  private started = false;
  private pendingCr = false;

  constructor(private readonly handlers: SseHandlers) {}

  /** The id of the last dispatched event (what `Last-Event-ID` should carry on reconnect). */
  get lastEventId(): string {
    return this.lastId;
  }

  /** Feed the next chunk of decoded text. */
  push(chunk: string): void {
    let text = chunk;
    if (!this.started) {
      if (text.length === 0) return;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCr && text.charCodeAt(0) === 10) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    const buf = this.buffer;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(buf.slice(start, i));
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.buffer = buf.slice(start);
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      this.handlers.onComment?.(line.charCodeAt(1) === 32 ? line.slice(2) : line.slice(1));
      return;
    }
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    const type = this.eventType;
    this.eventType = '';
    if (!this.hasData) return;
    const data = this.data.join('\n');
    this.data = [];
    this.hasData = false;
    this.handlers.onEvent({ event: type === '' ? 'message' : type, data, id: this.lastId });
  }
}
