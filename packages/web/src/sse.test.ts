import { describe, expect, it } from 'vitest';
import { type SseMessage, SseParser } from './sse.js';

describe('SseParser', () => {
  it('parses events split across chunks and line endings, with ids, retry and comments', () => {
    const messages: SseMessage[] = [];
    const retries: number[] = [];
    let comments = 0;
    const p = new SseParser(
      (m) => messages.push(m),
      (ms) => retries.push(ms),
      () => comments++,
    );
    for (const chunk of ['retry: 3000\n\nevent: snap', 'shot\r\nid: 57\r', '\ndata: {"a":', '1}\n\n: heartbeat\n\n']) {
      p.push(chunk);
    }
    p.push('event: delta\rid: 58\rdata: x\rdata: y\r\r');
    p.push('data: no event name\n\n');
    expect(retries).toEqual([3000]);
    expect(comments).toBe(1);
    expect(messages).toEqual([
      { event: 'snapshot', data: '{"a":1}', id: '57' },
      { event: 'delta', data: 'x\ny', id: '58' },
      { event: 'message', data: 'no event name', id: '58' },
    ]);
  });

  it('ignores a bad retry value and an event without data', () => {
    const messages: SseMessage[] = [];
    const retries: number[] = [];
    const p = new SseParser(
      (m) => messages.push(m),
      (ms) => retries.push(ms),
    );
    p.push('retry: soon\nevent: empty\n\n');
    expect(retries).toEqual([]);
    expect(messages).toEqual([]);
  });
});
