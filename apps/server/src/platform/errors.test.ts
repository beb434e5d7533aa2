import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode, statusByCode } from './errors.js';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
// Rows of the code table: | `CODE` | status | …
const documented = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)` *\| (\d{3}) *\|/gm)].map((m) => [m[1]!, Number(m[2])] as const),
);

describe('error codes and docs/errors.md', () => {
  it('documents every code with its status, and nothing else', () => {
    expect([...documented.keys()].sort()).toEqual(Object.values(ErrorCode).sort());
    for (const code of Object.values(ErrorCode)) expect(documented.get(code), code).toBe(statusByCode[code]);
  });

  it('gives every AppError the status of its code', () => {
    expect(new AppError('CONFLICT', 'x').status).toBe(409);
    expect(AppError.validation('x', []).details).toEqual({ problems: [] });
  });
});
