import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the `wavegate-source` export condition),
// so `npm test` needs no build step and a change in one package is seen by its dependents at once.
export default defineConfig({
  resolve: { conditions: ['wavegate-source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['wavegate-source', 'node', 'default'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'examples/*/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
