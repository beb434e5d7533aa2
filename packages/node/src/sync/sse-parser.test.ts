import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from './sse-parser.js';

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
    onRetry: (ms) => retries.push(ms),
  });
  for (const c of chunks) parser.push(c);
  return { events, comments, retries, lastId: parser.lastEventId };
}

describe('SseParser', () => {
  const stream =
    '\ufeff: hello\nretry: 3000\nevent: snapshot\nid: 7\ndata: {"a":\ndata: 1}\n\nevent: delta\nid: 8\ndata: x\n\n';

  it('parses events, ids, multi-line data, comments and retry', () => {
    const { events, comments, retries, lastId } = parse([stream]);
    expect(events).toEqual([
      { event: 'snapshot', id: '7', data: '{"a":\n1}' },
      { event: 'delta', id: '8', data: 'x' },
    ]);
    expect(comments).toEqual(['hello']);
    expect(retries).toEqual([3000]);
    expect(lastId).toBe('8');
  });

  it('gives the same events however the text is split, with LF, CR or CRLF line ends', () => {
    const expected = parse([stream]).events;
    for (const eol of ['\n', '\r', '\r\n']) {
      const text = stream.replaceAll('\n', eol);
      for (let size = 1; size <= 7; size++) {
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
        expect(parse(chunks).events).toEqual(expected);
      }
    }
  });

  it('drops events without data, defaults the type to message, keeps the last id, ignores ids with NUL', () => {
    const { events } = parse(['event: x\n\nid: 3\ndata: a\n\nid: bad\0id\ndata: b\n\ndata\n\n']);
    expect(events).toEqual([
      { event: 'message', id: '3', data: 'a' },
      { event: 'message', id: '3', data: 'b' },
      { event: 'message', id: '3', data: '' },
    ]);
  });

  it('does not dispatch an event until its blank line arrives', () => {
    expect(parse(['event: delta\ndata: 1\n']).events).toEqual([]);
  });
});
