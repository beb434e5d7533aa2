import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The build goes into the server package (ADR 0012): `apps/server/dashboard/`, served at `/` and published in
// the `wavegate` package. `wavegate-source` lets the browser bundle take @wavegate/core from its TypeScript sources.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { conditions: ['wavegate-source', 'browser', 'module', 'import', 'default'] },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../server/dashboard/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:4242' } },
});
