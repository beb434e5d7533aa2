import { describe, expect, it } from 'vitest';
import { parseIsoDate, toEpochMs } from './date.js';

describe('parseIsoDate', () => {
  it.each([
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01 12:30:00Z', Date.UTC(2026, 0, 1, 12, 30)],
    ['2026-01-01T00:00:00.5Z', Date.UTC(2026, 0, 1, 0, 0, 0, 500)],
    ['2026-01-01T00:00:00.123456Z', Date.UTC(2026, 0, 1, 0, 0, 0, 123)],
    ['2026-01-01T02:00:00+02:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01T02:00:00+0200', Date.UTC(2026, 0, 1)],
    ['2025-12-31T19:00:00-05', Date.UTC(2026, 0, 1)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['0001-01-01', Date.UTC(2001, 0, 1) - 2000 * 365.2425 * 86_400_000],
  ])('%s', (text, expected) => expect(parseIsoDate(text)).toBe(expected));

  it.each([
    '',
    '2026',
    '2026-1-1',
    '2026/01/01',
    '2026-13-01',
    '2026-02-29',
    '2026-04-31',
    '2026-01-01T24:00:00Z',
    '2026-01-01T12:60Z',
    'Jan 1 2026',
    '2026-01-01T00:00:00+25:00',
    '2026-01-01T00:00:00+02:0',
  ])('rejects %j', (text) => expect(parseIsoDate(text)).toBeNaN());
});

describe('toEpochMs', () => {
  it('accepts epoch ms, ISO strings and Dates; NaN otherwise', () => {
    expect(toEpochMs(5)).toBe(5);
    expect(toEpochMs('1970-01-01T00:00:01Z')).toBe(1000);
    expect(toEpochMs(new Date(7))).toBe(7);
    expect(toEpochMs(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(toEpochMs(true)).toBeNaN();
    expect(toEpochMs('12345')).toBeNaN();
  });
});
