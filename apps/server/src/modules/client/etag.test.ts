import { describe, expect, it } from 'vitest';
import { etagMatches } from './etag.js';

describe('etagMatches', () => {
  it('matches If-None-Match lists, weak tags and *', () => {
    expect(etagMatches('"1-x"', '"1-x"')).toBe(true);
    expect(etagMatches('"0-y", W/"1-x"', '"1-x"')).toBe(true);
    expect(etagMatches('*', '"1-x"')).toBe(true);
    expect(etagMatches('"1-y"', '"1-x"')).toBe(false);
    expect(etagMatches(undefined, '"1-x"')).toBe(false);
  });
});
