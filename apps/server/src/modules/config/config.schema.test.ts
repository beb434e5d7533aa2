import { readFileSync } from 'node:fs';
import { Operator } from '@wavegate/core';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config.schema.js';

describe('config schema', () => {
  it('is what docs/config.schema.json publishes (regenerate the file from config.schema.ts when this fails)', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../../../../docs/config.schema.json', import.meta.url), 'utf8'),
    );
    expect(published).toEqual(JSON.parse(JSON.stringify(configSchema)));
  });

  it("lists exactly the core's operators", () => {
    expect(configSchema.$defs.condition.properties.op.enum).toEqual(Object.values(Operator));
  });
});
