import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `CompiledFlag.evaluate` is the hot path of every SDK and of the core's own Evaluator. V8 (TurboFan) inlines a
// function only while its bytecode is at most 460 bytes (`--max-inlined-bytecode-size`); past that, every caller
// pays a call and the core gets 14–30 % slower on a static flag (ADR 0016). The source is compiled as the package
// builds it, and node prints the bytecode of `evaluate`. This checks a size, not a time.

const INLINE_LIMIT = 460;
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'wavegate-core-bytecode-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('CompiledFlag.evaluate', () => {
  it(`stays within V8's inlining limit (${INLINE_LIMIT} bytes of bytecode)`, () => {
    const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(out, 'dist')], {
      cwd: packageDir,
      stdio: 'pipe',
    });
    // The compiled core imports re2js: resolve it from the repository's node_modules.
    symlinkSync(join(packageDir, '..', '..', 'node_modules'), join(out, 'node_modules'), 'dir');
    const script = join(out, 'run.mjs');
    writeFileSync(
      script,
      `import { compileFlag } from './dist/index.js';
const flag = { key: 'k', type: 'boolean', variants: { on: true, off: false }, enabled: true, rules: [],
  serve: { rollout: 50 }, offVariant: 'off' };
compileFlag(flag, {}).evaluate({ userId: 'u-1' });
`,
    );
    const printed = execFileSync(process.execPath, ['--print-bytecode', '--print-bytecode-filter=evaluate', script], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    // Only CompiledFlag.evaluate runs (the Evaluator's `evaluate` is never called, so never compiled).
    const sizes = [...printed.matchAll(/Bytecode length: (\d+)/g)].map((m) => Number(m[1]));
    expect(sizes).toHaveLength(1);
    expect(sizes[0]).toBeGreaterThan(100);
    expect(sizes[0]).toBeLessThanOrEqual(INLINE_LIMIT);
  }, 120_000);
});
