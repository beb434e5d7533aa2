import { describe, expect, it } from 'vitest';
import { parseLastEventId, sseComment, sseEvent, sseRetry } from './sse-frame.js';

describe('SSE framing', () => {
  it('frames an event with id and data, ending in a blank line', () => {
    expect(sseEvent('delta', '{"a":1}', 7)).toBe('event: delta\nid: 7\ndata: {"a":1}\n\n');
  });

  it('splits multi-line data over several data lines', () => {
    expect(sseEvent('x', 'a\nb\r\nc')).toBe('event: x\ndata: a\ndata: b\ndata: c\n\n');
  });

  it('frames comments and retry hints', () => {
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(sseRetry(2500.4)).toBe('retry: 2500\n\n');
  });

  it.each([
    ['12', 12],
    [' 3 ', 3],
    [['5', '6'], 5],
    ['', undefined],
    ['abc', undefined],
    ['-1', undefined],
    ['1e3', undefined],
    ['9999999999999999', undefined],
    [undefined, undefined],
  ])('parses Last-Event-ID %j as %j', (header, expected) => {
    expect(parseLastEventId(header as string | string[] | undefined)).toBe(expected);
  });
});
