// Builds the browser bundles with Vite (library mode, ESM, minified) and prints their minified and gzipped sizes.
// Usage: node packages/web/scripts/size.mjs   (or npm run size -w packages/web)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  'wavegate-web': join(root, 'src/index.ts'),
  'wavegate-web-openfeature': join(root, 'src/openfeature/index.ts'),
};
// One build per entry, so each bundle is self-contained (what an application that imports only it ships).
const rows = [];
for (const [name, entry] of Object.entries(entries)) {
  const outDir = await mkdtemp(join(tmpdir(), 'wavegate-web-size-'));
  try {
    await build({
      root,
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir,
        emptyOutDir: true,
        minify: true,
        target: 'es2022',
        lib: { entry, formats: ['es'], fileName: () => `${name}.js` },
        // The OpenFeature SDK is the application's (a peer dependency), not part of our bundle.
        rollupOptions: { external: [/^@openfeature\//] },
      },
    });
    const code = await readFile(join(outDir, `${name}.js`));
    rows.push({ bundle: `${name}.js`, minified: code.length, gzip: gzipSync(code, { level: 9 }).length });
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
for (const r of rows) console.log(`${r.bundle}: ${r.minified} B minified, ${r.gzip} B gzipped`);
